package nfnl_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/core/socket/faultinject"
	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/internal/testutil"
)

// nftMsg is the netlink type of an nf_tables message (NFNL_SUBSYS_NFTABLES
// in the high byte).
func nftMsg(m uint16) uint16 { return 10<<8 | m }

const (
	nftNewRule = 6 // NFT_MSG_NEWRULE: a rule dump's replies
	nftGetRule = 7 // NFT_MSG_GETRULE
)

// manyRules loads n counter rules into inet t c with nft.
func manyRules(t *testing.T, ns *testutil.NS, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("table inet t {\n\tchain c {\n")
	for i := range n {
		fmt.Fprintf(&b, "\t\ttcp dport %d counter\n", i+1)
	}
	b.WriteString("\t}\n}\n")
	nftFile(t, ns, b.String())
}

// A rule dump the kernel starts over (the ruleset changed during it:
// NLM_F_DUMP_INTR) lists each rule once: the listing forgets the first
// attempt's rules (it used to list them twice).
func TestRulesStartOverOnDumpRestart(t *testing.T) {
	ns, _ := setup(t, nil)
	const n = 1500
	manyRules(t, ns, n)
	inj := faultinject.New(faultinject.Fault{Op: faultinject.Receive, K: 2, Kind: faultinject.DumpIntr, Type: nftMsg(nftNewRule)})
	cfg := socketIn(ns)
	cfg.WrapTransport = inj.Wrap
	c, err := nfnl.Dial(&nfnl.Options{Socket: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rules, err := c.Rules(ctx(t), nfnl.Filter{Family: "inet", Table: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if len(inj.Fired()) != 1 {
		t.Fatalf("the fault fired %d times: the rule dump had fewer than 2 datagrams", len(inj.Fired()))
	}
	handles := map[uint64]bool{}
	for _, r := range rules {
		if handles[r.Handle] {
			t.Fatalf("rule %d (%s) listed twice", r.Handle, r.Text)
		}
		handles[r.Handle] = true
	}
	if len(rules) != n {
		t.Fatalf("%d rules listed after a restart, want %d", len(rules), n)
	}
}

// commitOnce is a transport that, the first time its connection sends a
// rule dump request, has commit run first (another process changing the
// ruleset between two dumps of a listing).
type commitOnce struct {
	socket.Transport
	commit func()
	done   *atomic.Bool
}

func (c commitOnce) Send(b []byte) error {
	if len(b) >= 6 && binary.NativeEndian.Uint16(b[4:6]) == nftMsg(nftGetRule) && c.done.CompareAndSwap(false, true) {
		c.commit()
	}
	return c.Transport.Send(b)
}

// A listing of several dumps (tables, chains, sets, then rules) lists one
// ruleset: when a commit lands between its dumps, it starts over, so
// every rule it lists is in a table and chain it lists (it used to list
// the tables from before the commit and the rules from after it).
func TestRulesetListsOneGeneration(t *testing.T) {
	ns, _ := setup(t, nil)
	nftFile(t, ns, "table inet a {\n\tchain c {\n\t\tcounter\n\t}\n}\n")
	var done atomic.Bool
	cfg := socketIn(ns)
	cfg.WrapTransport = func(tr socket.Transport) socket.Transport {
		return commitOnce{Transport: tr, done: &done, commit: func() {
			nftFile(t, ns, "table inet b {\n\tchain d {\n\t\ttcp dport 22 accept\n\t}\n}\n")
		}}
	}
	c, err := nfnl.Dial(&nfnl.Options{Socket: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rs, err := c.Ruleset(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if !done.Load() {
		t.Fatal("no rule dump was sent")
	}
	tables, chains := map[string]bool{}, map[string]bool{}
	for _, x := range rs.Tables {
		tables[x.Family+" "+x.Name] = true
	}
	for _, x := range rs.Chains {
		chains[x.Family+" "+x.Table+" "+x.Name] = true
	}
	for _, r := range rs.Rules {
		if !tables[r.Family+" "+r.Table] || !chains[r.Family+" "+r.Table+" "+r.Chain] {
			t.Fatalf("rule %q of %s %s %s listed, but its table or chain is not: tables %v, chains %v", r.Text, r.Family, r.Table, r.Chain, tables, chains)
		}
	}
	if len(rs.Tables) != 2 || len(rs.Rules) != 2 {
		t.Fatalf("%d tables and %d rules, want the ruleset after the commit: 2 and 2", len(rs.Tables), len(rs.Rules))
	}
}

// A ruleset that changes during every listing is not listed for ever:
// after its retries the listing fails with an error matching
// socket.ErrDumpInterrupted.
func TestRulesetChangingAlwaysFails(t *testing.T) {
	ns, _ := setup(t, nil)
	commits := 0
	cfg := socketIn(ns)
	cfg.WrapTransport = func(tr socket.Transport) socket.Transport {
		return everyRuleDump{Transport: tr, commit: func() {
			commits++
			nftFile(t, ns, fmt.Sprintf("table inet x%d {\n}\n", commits))
		}}
	}
	c, err := nfnl.Dial(&nfnl.Options{Socket: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Rules(ctx(t), nfnl.Filter{})
	if !errors.Is(err, socket.ErrDumpInterrupted) {
		t.Fatalf("Rules while the ruleset changes each time: %v, want ErrDumpInterrupted", err)
	}
	if commits < 2 || commits > 20 {
		t.Fatalf("%d listings before giving up, want a bounded few", commits)
	}
}

// everyRuleDump runs commit before every rule dump request it sends.
type everyRuleDump struct {
	socket.Transport
	commit func()
}

func (c everyRuleDump) Send(b []byte) error {
	if len(b) >= 6 && binary.NativeEndian.Uint16(b[4:6]) == nftMsg(nftGetRule) {
		c.commit()
	}
	return c.Transport.Send(b)
}
