// Package ruletext compiles nft rule text (as `nft list ruleset` prints
// it) into nftables expressions laid out the way nft lays them out, and
// prints expressions back as that text.
//
// It covers the common matches and statements: iif/oif/iifname/oifname;
// ip/ip6 saddr/daddr/protocol/nexthdr, ip ttl/length and ip6 hoplimit,
// with prefixes, ranges and anonymous or named sets (and adjacent fields
// nft compares in one go); concatenations matched against sets ("ip
// saddr . tcp dport { 10.0.0.1 . 22 }", "... @pairs"); th sport/dport; meta
// l4proto/mark/nfproto/pkttype/length/skuid/skgid (ordered comparisons
// of host-order values as nft makes them); ct count; masked values ("meta mark & 0xff ==
// 0x10"); tcp/udp ports with ranges and sets; tcp flags (and "flags /
// mask", "! syn", and "== syn"/"!= syn" comparing all flags, as for ct
// state); ether saddr/daddr/type; icmp/icmpv6 type; fib lookups ("fib daddr type local", "fib
// saddr . iif oif missing"); ct state/status/mark/direction and a
// direction's tuple ("ct original ip daddr", "ct reply proto-dst"); meta
// mark, nftrace and priority and ct mark set (to a value or to the other
// mark); counter, log, limit rate; named
// counters, quotas and limits ("counter name ..."); verdicts (accept,
// drop, return, continue, jump, goto, queue); vmap (named or anonymous:
// "vmap { k : v }"); reject variants, masquerade, snat/dnat and redirect
// with ports, notrack and comments. An "ip protocol" or "ip6 nexthdr"
// match is the dependency of the transport header after it, as in nft.
// Rules using anything else stay available as expressions (package
// expr).
package ruletext
