package nfnl_test

import (
	"fmt"
	"os/user"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
)

// fieldAliases are rules nft reads in one spelling and lists in another: a
// field whose type dependency it adds and lists ("icmp id 5") or adds and
// hides, fields it merges, and (nameAliases) user and group names it
// resolves and lists as numbers.
func fieldAliases() []struct{ in, listed string } {
	return []struct{ in, listed string }{
		{"icmp id 5 accept", "icmp type { echo-reply, echo-request } icmp id 5 accept"},
		{"icmp code 3 icmp sequence 7 drop", "icmp code port-unreachable icmp type { echo-reply, echo-request } icmp sequence 7 drop"},
		{"icmpv6 id 5 icmpv6 sequence 3", "icmpv6 type { echo-request, echo-reply } icmpv6 id 5 icmpv6 sequence 3"},
		{"icmpv6 type packet-too-big icmpv6 mtu 1280 accept", "icmpv6 mtu 1280 accept"},
		{"icmp code 0 icmp type echo-request accept", "icmp type echo-request icmp code net-unreachable accept"},
		{"icmp code 3", "icmp code port-unreachable"},
		// a set of one element is the element
		{"tcp dport { 22 } accept", "tcp dport 22 accept"},
		{"tcp dport { 22, } accept", "tcp dport 22 accept"},
		{"tcp dport { 22,, 23, } accept", "tcp dport { 22, 23 } accept"},
		{"meta iifgroup 0 accept", `iifgroup "default" accept`},
		{"socket mark 1", "socket mark 0x00000001"},
		{"tcp flags { syn | ack, syn } accept", "tcp flags { syn, syn | ack } accept"},
		{"tcp flags { syn, syn | ack } accept", "tcp flags { syn | ack, syn } accept"},
		{"tcp flags { syn|ack, fin } accept", "tcp flags { fin, syn | ack } accept"},
		{"oifgroup default drop", `oifgroup "default" drop`},
		{"meta day Monday", `meta day "Monday"`},
		{"meta day 0", `meta day "Sunday"`},
		{`meta hour "08:00:00"`, `meta hour "08:00"`},
		{"meta sdif lo", `meta sdif "lo"`},
		{"tcp dport != { 22 } drop", "tcp dport != 22 drop"},
		{"tcp dport == { 22 } drop", "tcp dport 22 drop"},
		{"ip saddr { 10.0.0.0/8 } accept", "ip saddr 10.0.0.0/8 accept"},
		{"ip6 daddr { 2001:db8::/33 } accept", "ip6 daddr 2001:db8::/33 accept"},
		{"tcp dport { 1000-2000 } accept", "tcp dport 1000-2000 accept"},
		{"ct state { established } accept", "ct state established accept"},
		{"ct state != { invalid } accept", "ct state != invalid accept"},
		{"meta l4proto { tcp } accept", "meta l4proto tcp accept"},
		{`iifname { "eth0" } accept`, `iifname "eth0" accept`},
		{"tcp flags { syn } accept", "tcp flags syn accept"},
		{"meta mark { 0x10 } accept", "meta mark 0x00000010 accept"},
		{"icmp type { echo-request } accept", "icmp type echo-request accept"},
		// number sources: "==" as nft lists it (not at all), an offset
		// of 0 is none, a seed in hex
		{"numgen random mod 2 == 1 accept", "numgen random mod 2 1 accept"},
		{"numgen inc mod 2 offset 0 1 accept", "numgen inc mod 2 1 accept"},
		{"jhash ip saddr mod 2 offset 0 == 1 drop", "jhash ip saddr mod 2 1 drop"},
		{"jhash ip saddr mod 2 seed 10 1 drop", "jhash ip saddr mod 2 seed 0xa 1 drop"},
		{"symhash mod 2 offset 0 0 accept", "symhash mod 2 0 accept"},
		{"dccp type 1 accept", "dccp type response accept"},
		{"sctp dport { 80 } accept", "sctp dport 80 accept"},
		// protocol numbers nft lists by their /etc/protocols name
		{"ip protocol 89 accept", "ip protocol ospf accept"},
		{"meta l4proto 143 accept", "meta l4proto ethernet accept"},
		{"ip6 nexthdr 44 drop", "ip6 nexthdr ipv6-frag drop"},
		// TCP options by their other names and kinds, "==" not listed
		{"tcp option sack0 left 5 accept", "tcp option sack left 5 accept"},
		{"tcp option sack1 exists", "tcp option sack exists"},
		{"tcp option 5 missing", "tcp option sack missing"},
		{"tcp option 8 exists", "tcp option timestamp exists"},
		{"tcp option mss size 1400", "tcp option maxseg size 1400"},
		{"tcp option sack-permitted exists", "tcp option sack-perm exists"},
		{"tcp option @2,16,16 1400", "tcp option maxseg size 1400"},
		{"tcp option @42,16,32 0x10 drop", "tcp option @42,16,32 16 drop"},
		{"frag more-fragments == 1 drop", "frag more-fragments 1 drop"},
		{"frag id == 5 drop", "frag id 5 drop"},
		// nft 1.0.6 lists meta secpath as meta ipsec
		{"meta secpath exists accept", "meta ipsec exists accept"},
		{"meta secpath missing", "meta ipsec missing"},
		{"meta ipsec 1 accept", "meta ipsec exists accept"},
		{"meta secpath == 0 drop", "meta ipsec missing drop"},
		// service names, which nft resolves (getaddrinfo) and lists as ports
		{"tcp dport ssh accept", "tcp dport 22 accept"},
		{"tcp dport { http, https } accept", "tcp dport { 80, 443 } accept"},
		{"udp dport domain accept", "udp dport 53 accept"},
		{"tcp dport http-alt accept", "tcp dport 8080 accept"},
		{"tcp sport != ssh accept", "tcp sport != 22 accept"},
		{"udp dport bootps accept", "udp dport 67 accept"},
		// the "&" form of flag types
		{"tcp flags & (fin|syn|rst|ack) == syn accept", "tcp flags syn / fin,syn,rst,ack accept"},
		{"tcp flags & (syn | ack) == syn|ack accept", "tcp flags syn,ack / syn,ack accept"},
		{"tcp flags & (fin|syn|rst|ack) != syn drop", "tcp flags != syn / fin,syn,rst,ack drop"},
		{"tcp flags & (syn|rst) != 0 drop", "tcp flags syn,rst drop"},
		{"tcp flags & (syn|rst) == 0 drop", "tcp flags ! syn,rst drop"},
		{"ct state & (established|related) != 0 accept", "ct state established,related accept"},
		{"ct state & (new|established) == new accept", "ct state new / established,new accept"},
		// a mark set from a mark with a bit operation in words; a dscp
		// set by number
		{"ct mark set ct mark and 0xffff", "ct mark set ct mark & 0x0000ffff"},
		{"meta mark set meta mark or 0x10", "meta mark set meta mark | 0x00000010"},
		{"meta mark set ct mark xor 1", "meta mark set ct mark ^ 0x00000001"},
		{"ip dscp set 8", "ip dscp set cs1"},
		{"ip6 daddr set 0:0::1", "ip6 daddr set ::1"},
	}
}

// nameAliases are "meta skuid NAME" and "meta skgid NAME" for the users
// and groups of this system among a few common ones (systemd-network:
// a name with a dash, no range), with the numbers nft lists.
func nameAliases(t *testing.T) []struct{ in, listed string } {
	var out []struct{ in, listed string }
	for _, u := range []string{"root", "systemd-network"} {
		if x, err := user.Lookup(u); err == nil {
			out = append(out, struct{ in, listed string }{"meta skuid " + u + " accept", "meta skuid " + x.Uid + " accept"})
		}
	}
	for _, g := range []string{"nogroup", "root"} {
		if x, err := user.LookupGroup(g); err == nil {
			out = append(out, struct{ in, listed string }{"meta skgid " + g + " drop", "meta skgid " + x.Gid + " drop"})
		}
	}
	if x, err := user.Lookup("root"); err == nil && x.Uid == "0" {
		out = append(out, struct{ in, listed string }{"meta skuid { root, 1000 } accept", "meta skuid { 0, 1000 } accept"})
	}
	if len(out) == 0 {
		t.Log("no user or group of the list on this system: names not tested")
	}
	return out
}

// TestAliasesLikeNft loads each alias with nft: nlsh must list it as nft
// does, and the same text loaded through nlsh must give the kernel the
// same expressions as nft's.
func TestAliasesLikeNft(t *testing.T) {
	aliases := append(nameAliases(t), fieldAliases()...)
	ns, c := setup(t, nil)
	script := "table inet filter {\n\tchain input { type filter hook input priority filter; policy accept; }\n}\n"
	for _, a := range aliases {
		script += fmt.Sprintf("add rule inet filter input %s\n", a.in)
	}
	nftFile(t, ns, script)
	listed := chainRules(nft(t, ns, "list", "ruleset"))["inet filter input"]
	ours, err := c.Rules(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ours) != len(aliases) || len(listed) != len(aliases) {
		t.Fatalf("nft lists %d rules, nlsh %d, want %d", len(listed), len(ours), len(aliases))
	}
	_, c2 := setup(t, nil)
	tx := c2.Begin()
	tx.AddTable(&nfnl.Table{Family: "inet", Name: "filter"})
	tx.AddChain(&nfnl.Chain{Family: "inet", Table: "filter", Name: "input", Type: "filter", Hook: "input", Priority: "filter", Policy: "accept"})
	for _, a := range aliases {
		tx.AddRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Text: a.in})
	}
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	byNlsh, err := c2.Rules(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range aliases {
		t.Run(a.in, func(t *testing.T) {
			if listed[i] != a.listed {
				t.Errorf("nft lists %q, want %q", listed[i], a.listed)
			}
			if ours[i].Text != listed[i] {
				t.Errorf("nlsh lists %q, nft %q", ours[i].Text, listed[i])
			}
			got, want := exprWire(t, byNlsh[i].Exprs), exprWire(t, ours[i].Exprs)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("nlsh made\n %s\nnft made\n %s", strings.Join(got, "\n "), strings.Join(want, "\n "))
			}
		})
	}
}
