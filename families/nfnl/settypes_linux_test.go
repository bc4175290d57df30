package nfnl_test

import (
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/internal/testutil"
)

// remadeLikeNft loads src with nft into a namespace, lists it with nlsh
// and makes what nlsh listed again (Tx.AddRuleset, as a rollback does)
// in a second namespace: nft must list both the same, and, with
// sameText, nlsh's text must be nft's. prep, if not nil, sets up each
// namespace before (devices a chain names); loaded, if not nil, runs in
// the first once src is loaded (traffic to count). It returns nlsh's
// listing and nft's text.
func remadeLikeNft(t *testing.T, src string, sameText bool, prep, loaded func(*testutil.NS)) (*nfnl.Ruleset, string) {
	t.Helper()
	byNft, c := setup(t, nil)
	if prep != nil {
		prep(byNft)
	}
	nftFile(t, byNft, src)
	if loaded != nil {
		loaded(byNft)
	}
	want := nft(t, byNft, "list", "ruleset")
	rs, err := c.Ruleset(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := rs.Text(); sameText && got != want {
		t.Fatalf("nlsh lists\n%s\nwant\n%s", got, want)
	}
	ns, c2 := setup(t, nil)
	if prep != nil {
		prep(ns)
	}
	tx := c2.Begin()
	tx.AddRuleset(rs)
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := nft(t, ns, "list", "ruleset"); got != want {
		t.Fatalf("nft lists what nlsh made again as\n%s\nwant\n%s", got, want)
	}
	return rs, want
}

// TestSetTypesLikeNft: sets of the datatypes nft names that rule text
// here does not use (arp_op, iface_type, icmpx_code, ecn, boolean) are
// listed with their elements as nft lists them (nlsh listed them as
// "type 0xb" without elements, and a rollback lost the elements), and
// written back from that listing they are what nft made; so are sets of
// the types nft lists many elements to a line (uid, classid, ct_dir,
// pkt_type, dccp_pkttype: nlsh put one on each).
func TestSetTypesLikeNft(t *testing.T) {
	const src = `table inet st {
	set ops {
		type arp_op
		elements = { request, reply, nak }
	}

	set ifts {
		type iface_type
		elements = { ether, loopback, ipgre }
	}

	set codes {
		type icmpx_code
		elements = { no-route, port-unreachable, admin-prohibited }
	}

	set ecns {
		type ecn
		elements = { ect1, ce }
	}

	set bools {
		type boolean
		elements = { exists }
	}

	set uids {
		type uid
		elements = { 0, 1000 }
	}

	set classes {
		type classid
		elements = { 1:1, 1:2 }
	}

	set dirs {
		type ct_dir
		elements = { original, reply }
	}

	set pkts {
		type pkt_type
		elements = { host, broadcast }
	}

	set dccps {
		type dccp_pkttype
		elements = { request, response }
	}
}
`
	_, want := remadeLikeNft(t, src, true, nil, nil)
	if n := strings.Count(want, "elements = {"); n != 10 {
		t.Fatalf("nft lists %d sets with elements, want 10:\n%s", n, want)
	}
}

// TestTypeofSetsKept: sets and maps nft describes with typeof keep that
// description (nft's user data) when nlsh lists them and makes them
// again: nft lists them as it listed its own (they came back as "type
// ipv4_addr . mark", and a rollback changed them so), and nlsh lists them
// as nft does ("typeof ip saddr . meta mark").
func TestTypeofSetsKept(t *testing.T) {
	const src = `table inet z {
	set ty {
		typeof ip saddr . meta mark
		elements = { 10.0.0.1 . 0x00000005 }
	}

	map m {
		typeof ip daddr : meta mark
		elements = { 10.0.0.1 : 0x00000001 }
	}

	set t2 {
		typeof tcp dport
		elements = { 22 }
		comment "ssh"
	}

	map vm {
		typeof iifname . ip6 daddr : verdict
		elements = { "lo" . ::1 : accept }
	}

	set ifs {
		typeof meta l4proto . th dport . ether saddr
	}

	map mm {
		typeof meta mark : ip daddr
	}
}
`
	if _, want := remadeLikeNft(t, src, true, nil, nil); strings.Count(want, "typeof") != 6 {
		t.Fatalf("nft lists\n%s", want)
	}
}

// TestSetDetailsLikeNft: what a set holds beside its type and elements
// is listed as nft lists it and made again as it was: element comments,
// the statements of a set and each element's own (counters with their
// state), policy memory, gc-interval and auto-merge. nlsh listed none of
// these, and made the set again without them (a rollback lost them).
func TestSetDetailsLikeNft(t *testing.T) {
	const src = `table inet d {
	set a {
		type ipv4_addr
		elements = { 10.0.0.1 comment "first", 10.0.0.2 }
	}

	set b {
		type ipv4_addr
		counter
		elements = { 10.0.0.2, 10.0.0.3 comment "c" }
	}

	set c {
		type ipv4_addr
		flags interval
		auto-merge
		elements = { 10.0.0.0/8 comment "net" }
	}

	set m {
		type ipv4_addr
		policy memory
		size 100
		flags timeout
		gc-interval 10s
	}

	set q {
		type ipv4_addr
		flags dynamic
		counter quota 1000 bytes
	}

	chain in {
		type filter hook input priority filter; policy accept;
		ip saddr @b accept
	}
}
`
	// a packet from 10.0.0.3, counted in its element
	ping := func(ns *testutil.NS) {
		if _, err := ns.Exec("sh", "-c", "ip link set lo up && ip addr add 10.0.0.3/32 dev lo && ping -c 1 -W 1 -I 10.0.0.3 127.0.0.1 >/dev/null"); err != nil {
			t.Fatal(err)
		}
	}
	if _, want := remadeLikeNft(t, src, true, nil, ping); !strings.Contains(want, `10.0.0.3 counter packets 1 bytes 84 comment "c"`) {
		t.Fatalf("nft lists\n%s", want)
	}
}

// TestConcatRangesLikeNft: an interval set of a concatenation holds
// ranges and prefixes in its members ("10.0.0.0/8 . 80-90"); nlsh lists
// them as nft does (it listed each range's start only, and made the set
// again without its ranges) and makes them from that text.
func TestConcatRangesLikeNft(t *testing.T) {
	const src = `table inet cr {
	set s {
		type ipv4_addr . inet_service
		flags interval
		elements = { 10.0.0.0/8 . 80-90, 192.168.1.1 . 22, 172.16.0.1-172.16.0.9 . 443 }
	}
}
`
	_, want := remadeLikeNft(t, src, true, nil, nil)
	ns, c := setup(t, nil)
	tx := c.Begin()
	tx.AddTable(&nfnl.Table{Family: "inet", Name: "cr"})
	tx.AddSet(&nfnl.Set{Family: "inet", Table: "cr", Name: "s", Type: "ipv4_addr . inet_service", Flags: nfnl.SetInterval,
		Elements: []nfnl.Element{{Key: "10.0.0.0/8 . 80-90"}, {Key: "192.168.1.1 . 22"}, {Key: "172.16.0.1-172.16.0.9 . 443"}}})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := nft(t, ns, "list", "ruleset"); got != want {
		t.Fatalf("nft lists the set nlsh made from text as\n%s\nwant\n%s", got, want)
	}
	tx = c.Begin()
	tx.AddSet(&nfnl.Set{Family: "inet", Table: "cr", Name: "plain", Type: "ipv4_addr . inet_service",
		Elements: []nfnl.Element{{Key: "10.0.0.0/8 . 80"}}})
	if err := tx.Commit(ctx(t)); err == nil || !strings.Contains(err.Error(), "flags interval") {
		t.Fatalf("a range in a set without flags interval: %v", err)
	}
}

// TestChainDevicesLikeNft: a netdev chain hooked to several devices is
// listed with all of them, as nft lists it, and made again so (nlsh kept
// one device of it).
func TestChainDevicesLikeNft(t *testing.T) {
	const src = "table netdev n {\n\tchain c {\n\t\ttype filter hook ingress devices = { lo, d1 } priority filter; policy accept;\n\t}\n}\n"
	veth := func(ns *testutil.NS) { ns.IP("link", "add", "d1", "type", "veth", "peer", "name", "d2") }
	rs, _ := remadeLikeNft(t, src, true, veth, nil)
	if len(rs.Chains) != 1 || len(rs.Chains[0].Devices) != 2 {
		t.Fatalf("chains %+v", rs.Chains)
	}
}

// TestOpaqueSetTypesKept: a set of a type nlsh has no name for (nft's
// "type time", durations) is listed with its elements as their bytes
// ("0x..."), and made again from that listing it is what nft made (it
// was listed without elements, so a rollback emptied it).
func TestOpaqueSetTypesKept(t *testing.T) {
	const src = "table inet o {\n\tset durations {\n\t\ttype time\n\t\telements = { 1h, 30s }\n\t}\n}\n"
	rs, _ := remadeLikeNft(t, src, false, nil, nil)
	if len(rs.Sets) != 1 || rs.Sets[0].Type != "type 0x12" || len(rs.Sets[0].Elements) != 2 ||
		!strings.HasPrefix(rs.Sets[0].Elements[0].Key, "0x") {
		t.Fatalf("listed %+v", rs.Sets)
	}
}
