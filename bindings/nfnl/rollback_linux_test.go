package nfnl_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

const existingNft = `table inet filter {
	ct helper ftp { type "ftp" protocol tcp; l3proto inet; }
	ct timeout slow { protocol tcp; l3proto ip; policy = { established : 600 }; }
	ct expectation pg { protocol tcp; dport 5432; timeout 1h; size 12; l3proto ip; }
	synproxy sp { mss 1460; wscale 7; timestamp sack-perm; }
	set allowed { type ipv4_addr; flags interval; elements = { 10.0.0.0/8 } }
	set marked { typeof ip saddr . meta mark; elements = { 10.0.0.1 . 0x5 } }
	chain input { type filter hook input priority filter; policy accept;
		tcp dport 21 ct helper set "ftp"
		tcp dport 80 ct timeout set "slow"
		tcp dport 22 accept
		ip saddr @allowed tcp dport { 80, 443 } accept comment "web"
	}
	chain other { }
}
table ip nat {
	chain post { type nat hook postrouting priority srcnat; policy accept;
		oifname "lo" masquerade
	}
}
`

// TestRollbackAcrossFamilies: a script that commits nftables changes
// (a new table, rules added to and deleted from an existing one, set
// elements, a flushed chain) and rtnl changes, then fails, leaves nft
// list ruleset byte-for-byte as it was and no link behind; the
// conntrack and synproxy objects of the table it changed, the rules
// that use them and a set nft describes with typeof come back too.
func TestRollbackAcrossFamilies(t *testing.T) {
	requireNft(t)
	ns := testutil.NewNetNS(t)
	load(t, ns, existingNft)
	before := nftOut(t, ns, "list", "ruleset")
	rt, err := runtime.New(runtime.Options{Modules: modules(), Atomic: true, Netns: ns.Target})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	_, err = rt.RunString(context.Background(), "fail.lua", `
local nfnl, rtnl = require "nfnl", require "rtnl"
nfnl.transaction(function(tx)
  tx.table.add{family = "inet", name = "fresh"}
  tx.chain.add{family = "inet", table = "fresh", name = "c", type = "filter", hook = "forward", priority = 0, policy = "drop"}
  tx.rule.add{family = "inet", table = "fresh", chain = "c", rule = "ct state established accept"}
  tx.rule.add{family = "inet", table = "filter", chain = "input", rule = "udp dport 53 accept"}
  tx.element.add{family = "inet", table = "filter", set = "allowed", elements = {"192.168.0.0/16"}}
  tx.chain.flush{family = "ip", table = "nat", name = "post"}
end)
local r = nfnl.rule.list{family = "inet", table = "filter", chain = "input"}[1]
nfnl.rule.del{family = "inet", table = "filter", chain = "input", handle = r.handle}
rtnl.link.add{ifname = "dummy-rb", kind = "veth", peer = {ifname = "dummy-rb2"}}
rtnl.link.add{ifname = "lo", kind = "dummy"} -- fails: exists
`)
	var se *runtime.ScriptError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "fail.lua:14") {
		t.Fatalf("script error %v, want a failure at line 14", err)
	}
	if se.Rollback != nil {
		t.Fatalf("rollback failed: %v", se.Rollback)
	}
	if after := nftOut(t, ns, "list", "ruleset"); after != before {
		t.Errorf("ruleset not restored:\n--- before\n%s--- after\n%s", before, after)
	}
	if out := ns.IP("-br", "link"); strings.Contains(out, "dummy-rb") {
		t.Errorf("link left behind: %s", out)
	}
}

func load(t *testing.T, ns *testutil.NS, text string) {
	t.Helper()
	out, err := ns.Exec("sh", "-c", "nft -f - <<'EOF'\n"+text+"EOF\n")
	if err != nil {
		t.Fatalf("nft -f: %v %s", err, out)
	}
}

// A yield inside a transaction's function (in a coroutine) is an error
// that aborts the transaction: nothing is committed, and the script goes
// on (gopher-lua would return into the transaction as if the function had
// ended).
func TestYieldInTransactionAborts(t *testing.T) {
	ns := testutil.NewNetNS(t)
	rt, err := runtime.New(runtime.Options{Modules: modules(), Netns: ns.Target})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	got, err := rt.RunString(context.Background(), "y.lua", `local nfnl = require "nfnl"
local co = coroutine.wrap(function()
  return pcall(nfnl.transaction, function(tx)
    tx.table.add{family = "inet", name = "t"}
    coroutine.yield(1)
    tx.table.add{family = "inet", name = "u"}
  end)
end)
local ok, e = co()
return ok, e, #nfnl.ruleset().tables`)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != false || !strings.Contains(got[1].(string), "attempt to yield across a Go function call") || got[2] != int64(0) {
		t.Fatalf("got %#v; want false, the yield error, no table", got)
	}
}

// TestRollbackRestoresCorpus: with the whole rule corpus loaded (every
// form of rule text nlsh knows, its sets, maps and objects, in five
// families), a script that commits a change to every table and then
// fails leaves nft list ruleset byte-for-byte as it was: the rollback
// lists each table and makes it again, and nothing of it is lost on the
// way.
func TestRollbackRestoresCorpus(t *testing.T) {
	requireNft(t)
	dir := "../../families/nfnl/testdata/"
	var script strings.Builder
	for _, name := range []string{"skeleton.nft", "corpus_sets.nft"} {
		b, err := os.ReadFile(dir + name)
		if err != nil {
			t.Fatal(err)
		}
		script.Write(b)
	}
	corpus, err := os.ReadFile(dir + "corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	rules := 0
	for _, line := range strings.Split(string(corpus), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		loc, text, _ := strings.Cut(line, "\t")
		if strings.Contains(text, "ct reply proto-src {") {
			// nft 1.0.6 lists its own anonymous set of this key as "{
			// 0x35 [invalid type], ... }" (its typeof note in the set's
			// user data names a type it cannot print); made again by
			// nlsh, without that note, nft lists "{ 53, 853 }": the
			// same set in the kernel, another text
			continue
		}
		script.WriteString("add rule " + loc + " " + text + "\n")
		rules++
	}
	ns := testutil.NewNetNS(t)
	ns.IP("link", "set", "lo", "up")
	load(t, ns, script.String())
	before := nftOut(t, ns, "list", "ruleset")
	if n := strings.Count(before, "\n\t\t"); n < rules {
		t.Fatalf("nft lists %d lines in chains, want the %d corpus rules at least", n, rules)
	}
	rt, err := runtime.New(runtime.Options{Modules: modules(), Atomic: true, Netns: ns.Target})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	_, err = rt.RunString(context.Background(), "all.lua", `
local nfnl = require "nfnl"
nfnl.transaction(function(tx)
  for _, c in ipairs{{"inet", "filter", "other"}, {"ip", "nat", "pre"}, {"ip6", "f", "in"}, {"netdev", "nd", "ing"}, {"bridge", "br", "brf"}} do
    tx.rule.add{family = c[1], table = c[2], chain = c[3], rule = "counter"}
  end
  tx.element.add{family = "inet", table = "filter", set = "snat4", elements = {{key = "10.9.9.9", value = "10.8.8.8"}}}
end)
error("boom")
`)
	var se *runtime.ScriptError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "boom") {
		t.Fatalf("script error %v, want boom", err)
	}
	if se.Rollback != nil {
		t.Fatalf("rollback failed: %v", se.Rollback)
	}
	if after := nftOut(t, ns, "list", "ruleset"); after != before {
		t.Errorf("ruleset not restored:\n%s", lineDiff(before, after))
	}
}

// lineDiff lists the lines of a and b that the other lacks.
func lineDiff(a, b string) string {
	in := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out strings.Builder
	for _, l := range strings.Split(a, "\n") {
		if mb[l] == 0 {
			out.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if ma[l] == 0 {
			out.WriteString("+ " + l + "\n")
		}
	}
	return out.String()
}
