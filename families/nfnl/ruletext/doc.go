// Package ruletext compiles nft rule text (as `nft list ruleset` prints
// it) into nftables expressions laid out the way nft lays them out, and
// prints expressions back as that text.
//
// It covers the common matches and statements: iif/oif/iifname/oifname,
// ip/ip6 saddr/daddr/protocol/nexthdr with prefixes, ranges and anonymous
// or named sets, meta l4proto/mark/nfproto, tcp/udp ports with ranges and
// sets, tcp flags, icmp/icmpv6 type, ct state/status/mark, counter, log,
// limit rate, verdicts (accept, drop, return, continue, jump, goto,
// queue), vmap, reject variants, masquerade, snat/dnat and redirect with
// ports, notrack and comments. Rules using anything else stay available
// as expressions (package expr).
package ruletext
