package nfnl_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"github.com/nlsh/nlsh/internal/testutil"
)

// buildObjects makes, through nlsh, what testdata/objects.nft makes
// through nft.
func buildObjects(tx *nfnl.Tx) {
	in := "inet"
	tx.AddTable(&nfnl.Table{Family: in, Name: "obj"})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "cnt", Type: "counter"})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "q", Type: "quota", Quota: &expr.Quota{Bytes: 25000, Flags: expr.QuotaInvert}})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "l", Type: "limit", Limit: &expr.Limit{Rate: 10, Unit: 1, Burst: 5}})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "ftp", Type: "ct helper", Comment: "ftp on 21",
		CtHelper: &nfnl.CtHelper{Type: "ftp", Protocol: "tcp"}})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "tftp4", Type: "ct helper",
		CtHelper: &nfnl.CtHelper{Type: "tftp", Protocol: "udp", L3Proto: "ip"}})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "pg", Type: "ct expectation",
		CtExpectation: &nfnl.CtExpectation{Protocol: "tcp", DPort: 5432, TimeoutMS: 3690000, Size: 12, L3Proto: "ip"}})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "ms", Type: "ct expectation",
		CtExpectation: &nfnl.CtExpectation{Protocol: "udp", DPort: 53, TimeoutMS: 1500, Size: 1, L3Proto: "ip6"}})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "slow", Type: "ct timeout",
		CtTimeout: &nfnl.CtTimeout{Protocol: "tcp", L3Proto: "ip", Policy: map[string]uint32{"established": 600, "close": 5, "syn_recv": 60}}})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "dns", Type: "ct timeout",
		CtTimeout: &nfnl.CtTimeout{Protocol: "udp", Policy: map[string]uint32{"replied": 7}}})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "sp", Type: "synproxy",
		Synproxy: &expr.Synproxy{MSS: 1460, Wscale: 7, Flags: expr.SynproxyMSS | expr.SynproxyWscale | expr.SynproxyTimestamp | expr.SynproxySackPerm}})
	tx.AddObject(&nfnl.Object{Family: in, Table: "obj", Name: "plain", Type: "synproxy",
		Synproxy: &expr.Synproxy{MSS: 1400, Flags: expr.SynproxyMSS | expr.SynproxyWscale}})
	sets := []*nfnl.Set{
		{Name: "a4", Type: "ipv4_addr", Elements: []nfnl.Element{{Key: "10.0.0.1"}, {Key: "10.0.0.2"}}},
		{Name: "a6", Type: "ipv6_addr", Elements: []nfnl.Element{{Key: "2001:db8::1"}}},
		{Name: "nets", Type: "ipv4_addr", Flags: nfnl.SetInterval, Elements: []nfnl.Element{{Key: "10.0.0.0/8"}, {Key: "192.168.1.1-192.168.1.10"}}},
		{Name: "ports", Type: "inet_service", Elements: []nfnl.Element{{Key: "22"}, {Key: "80"}}},
		{Name: "ifs", Type: "ifname", Elements: []nfnl.Element{{Key: `"eth0"`}, {Key: `"lo"`}}},
		{Name: "macs", Type: "ether_addr", Elements: []nfnl.Element{{Key: "02:00:00:00:00:01"}}},
		{Name: "marks", Type: "mark", Elements: []nfnl.Element{{Key: "0x00000001"}}},
		{Name: "markr", Type: "mark", Flags: nfnl.SetInterval, Elements: []nfnl.Element{{Key: "0x00000001-0x00000005"}, {Key: "0x00000010"}}},
		{Name: "protos", Type: "inet_proto", Elements: []nfnl.Element{{Key: "tcp"}, {Key: "udp"}}},
		{Name: "pairs", Type: "ipv4_addr . inet_service", Elements: []nfnl.Element{{Key: "10.0.0.1 . 22"}}},
		{Name: "tmo", Type: "ipv4_addr", Timeout: 3600},
		{Name: "dyn", Type: "ipv4_addr", Flags: nfnl.SetEval},
		{Name: "natmap", Type: "ipv4_addr", Map: "ipv4_addr", Elements: []nfnl.Element{{Key: "10.0.0.1", Value: "192.168.0.1"}}},
	}
	for _, s := range sets {
		s.Family, s.Table = in, "obj"
		tx.AddSet(s)
	}
	tx.AddChain(&nfnl.Chain{Family: in, Table: "obj", Name: "web"})
	tx.AddSet(&nfnl.Set{Family: in, Table: "obj", Name: "vm", Type: "inet_service", Map: "verdict",
		Elements: []nfnl.Element{{Key: "22", Value: "accept"}, {Key: "80", Value: "jump web"}}})
	tx.AddChain(&nfnl.Chain{Family: in, Table: "obj", Name: "in", Type: "filter", Hook: "input", Priority: "filter + 5", Policy: "drop"})
	tx.AddRule(&nfnl.Rule{Family: in, Table: "obj", Chain: "in", Text: "ip saddr @a4 accept"})
	tx.AddRule(&nfnl.Rule{Family: in, Table: "obj", Chain: "in", Text: "tcp dport vmap @vm"})
	tx.AddRule(&nfnl.Rule{Family: in, Table: "obj", Chain: "in", Text: "ip saddr . tcp dport @pairs accept"})
	tx.AddRule(&nfnl.Rule{Family: in, Table: "obj", Chain: "in", Text: `udp dport 53 counter name "cnt" accept`})
	tx.AddTable(&nfnl.Table{Family: "netdev", Name: "nd"})
	tx.AddChain(&nfnl.Chain{Family: "netdev", Table: "nd", Name: "ing", Type: "filter", Hook: "ingress", Dev: "lo", Prio: -10})
	tx.AddTable(&nfnl.Table{Family: "ip", Name: "dorm", Flags: nfnl.TableDormant})
	tx.AddTable(&nfnl.Table{Family: "ip", Name: "prio", Comment: "tc"})
	for _, ch := range []*nfnl.Chain{
		{Name: "r", Comment: "cc", Type: "route", Hook: "output", Priority: "mangle"},
		{Name: "raw", Type: "filter", Hook: "prerouting", Priority: "raw - 5"},
		{Name: "sec", Type: "filter", Hook: "input", Priority: "security"},
		{Name: "num", Type: "filter", Hook: "forward", Prio: 123},
		{Name: "nat", Type: "nat", Hook: "output", Priority: "dstnat"},
	} {
		ch.Family, ch.Table = "ip", "prio"
		tx.AddChain(ch)
	}
}

// TestObjectsLikeNft: tables (dormant), base chains (named priority with
// offset, netdev device), sets of every key type, intervals, timeouts,
// dynamic sets, maps, verdict maps and stateful objects made by nlsh are
// listed by nft exactly as nft lists the same made by `nft -f`, and nlsh
// prints the same text.
func TestObjectsLikeNft(t *testing.T) {
	want, err := os.ReadFile("testdata/objects.nft")
	if err != nil {
		t.Fatal(err)
	}
	byNft, _ := setup(t, nil)
	nftFile(t, byNft, string(want))
	if got := nft(t, byNft, "list", "ruleset"); got != string(want) {
		t.Fatalf("nft itself lists testdata/objects.nft differently:\n%s", got)
	}

	ns, c := setup(t, nil)
	tx := c.Begin()
	buildObjects(tx)
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := nft(t, ns, "list", "ruleset"); got != string(want) {
		t.Errorf("nft lists nlsh's objects as\n%s\nwant\n%s", got, want)
	}
	rs, err := c.Ruleset(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := rs.Text(); got != string(want) {
		t.Errorf("nlsh prints\n%s\nwant\n%s", got, want)
	}
	_ = testutil.RequireRoot
}

// TestObjectsKeptAsListed: objects are listed, not dropped, whatever
// their type, and written back from what nlsh listed they are what was
// listed: the ct timeout, synproxy and commented counter nft made list
// in nft the same in both namespaces; a connlimit object (nft 1.0.6 has
// no words for one, and aborts listing a table that has one) is kept as
// the kernel's bytes and lists the same. (A rollback restores a table's
// objects this way.)
func TestObjectsKeptAsListed(t *testing.T) {
	const src = `table inet o {
	ct timeout agressive {
		protocol tcp
		l3proto ip
		policy = { established : 100, close_wait : 4 }
	}

	synproxy sp {
		mss 1460
		wscale 7
		timestamp sack-perm
	}

	counter c {
		comment "kept"
		packets 0 bytes 0
	}
}
`
	byNft, c := setup(t, nil)
	nftFile(t, byNft, src)
	// connlimit: NFTA_CONNLIMIT_COUNT 5 (the kernel lists no flags of 0)
	limit := []byte{8, 0, 1, 0, 0, 0, 0, 5}
	tx := c.Begin()
	tx.AddTable(&nfnl.Table{Family: "inet", Name: "cl"})
	tx.AddObject(&nfnl.Object{Family: "inet", Table: "cl", Name: "cl", Type: "connlimit", Data: limit})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Ruleset(ctx(t), nfnl.Filter{Family: "inet"})
	if err != nil {
		t.Fatal(err)
	}
	objs := rs.Objects
	var types []string
	for _, o := range objs {
		types = append(types, o.Type)
		switch o.Type {
		case "ct timeout":
			// every state, those not given at the kernel's defaults
			if p := o.CtTimeout; p == nil || p.Protocol != "tcp" || p.L3Proto != "ip" || len(p.Policy) != 11 ||
				p.Policy["established"] != 100 || p.Policy["close_wait"] != 4 || p.Policy["syn_recv"] != 60 {
				t.Errorf("ct timeout listed as %+v", o.CtTimeout)
			}
		case "synproxy":
			if p := o.Synproxy; p == nil || p.MSS != 1460 || p.Wscale != 7 || p.Flags&expr.SynproxySackPerm == 0 {
				t.Errorf("synproxy listed as %+v", o.Synproxy)
			}
		case "counter":
			if o.Comment != "kept" {
				t.Errorf("counter's comment %q", o.Comment)
			}
		case "connlimit":
			if !bytes.Equal(o.Data, limit) {
				t.Errorf("connlimit listed as % x, want % x", o.Data, limit)
			}
		}
	}
	if want := []string{"ct timeout", "synproxy", "counter", "connlimit"}; !slices.Equal(types, want) {
		t.Fatalf("listed object types %v, want %v", types, want)
	}

	ns, c2 := setup(t, nil)
	tx = c2.Begin()
	tx.AddRuleset(rs)
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got, want := nft(t, ns, "list", "table", "inet", "o"), nft(t, byNft, "list", "table", "inet", "o"); got != want {
		t.Fatalf("nft lists the objects nlsh wrote back as\n%s\nwant\n%s", got, want)
	}
	again, err := c2.Objects(ctx(t), nfnl.Filter{Family: "inet"})
	if err != nil || len(again) != len(objs) || again[3].Type != "connlimit" || !bytes.Equal(again[3].Data, limit) {
		t.Fatalf("written back, the objects list as %+v (%v)", again, err)
	}

	tx = c2.Begin()
	tx.AddObject(&nfnl.Object{Family: "inet", Table: "cl", Name: "bad", Type: "connlimit", Data: []byte{9, 0, 1}})
	if err := tx.Commit(ctx(t)); err == nil || !strings.Contains(err.Error(), "Data") {
		t.Fatalf("an object whose Data is not attributes: %v, want an error naming Data", err)
	}
}

// TestObjectMapsLikeNft: a map whose values are objects (nft's "type
// inet_service : counter") is listed as nft lists it, values and all, and
// made again, with a rule that looks it up, as it was (nlsh listed it as
// a plain set, so the rule could not be made again: a rollback of its
// table failed).
func TestObjectMapsLikeNft(t *testing.T) {
	const maps = `table inet om {
	counter c1 {
		packets 0 bytes 0
	}

	counter c2 {
		packets 0 bytes 0
	}

	quota q1 {
		25 mbytes
	}

	map m {
		type inet_service : counter
		elements = { 22 : "c1", 80 : "c2" }
	}

	map qm {
		type ipv4_addr : quota
		flags interval
		elements = { 10.0.0.0/8 : "q1" }
	}
}
`
	remadeLikeNft(t, maps, true, nil, nil)
	// and a rule that looks one up (which nlsh prints as expressions)
	withRule := strings.TrimSuffix(maps, "}\n") + "\n\tchain in {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tcounter name tcp dport map @m\n\t}\n}\n"
	if _, want := remadeLikeNft(t, withRule, false, nil, nil); !strings.Contains(want, "counter name tcp dport map @m") {
		t.Fatalf("nft lists\n%s", want)
	}
}
