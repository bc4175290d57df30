package nfnl_test

import (
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
)

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
	byNft, c := setup(t, nil)
	nftFile(t, byNft, src)
	want := nft(t, byNft, "list", "ruleset")
	if n := strings.Count(want, "elements = {"); n != 10 {
		t.Fatalf("nft lists %d sets with elements, want 10:\n%s", n, want)
	}
	rs, err := c.Ruleset(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := rs.Text(); got != want {
		t.Fatalf("nlsh lists\n%s\nwant\n%s", got, want)
	}
	ns, c2 := setup(t, nil)
	tx := c2.Begin()
	tx.AddTable(&nfnl.Table{Family: "inet", Name: "st"})
	for _, s := range rs.Sets {
		tx.AddSet(s)
	}
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := nft(t, ns, "list", "ruleset"); got != want {
		t.Fatalf("nft lists the sets nlsh wrote back as\n%s\nwant\n%s", got, want)
	}
}

// TestTypeofSetsKept: sets and maps nft describes with typeof keep that
// description (nft's user data) when nlsh lists them and makes them
// again: nft lists them as it listed its own (they came back as "type
// ipv4_addr . mark", and a rollback changed them so).
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
}
`
	byNft, c := setup(t, nil)
	nftFile(t, byNft, src)
	want := nft(t, byNft, "list", "ruleset")
	if strings.Count(want, "typeof") != 3 {
		t.Fatalf("nft lists\n%s", want)
	}
	sets, err := c.Sets(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	ns, c2 := setup(t, nil)
	tx := c2.Begin()
	tx.AddTable(&nfnl.Table{Family: "inet", Name: "z"})
	for _, s := range sets {
		tx.AddSet(s)
	}
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := nft(t, ns, "list", "ruleset"); got != want {
		t.Fatalf("nft lists the sets nlsh made again as\n%s\nwant\n%s", got, want)
	}
}
