// Package ruletext compiles nft rule text (as `nft list ruleset` prints
// it) into nftables expressions laid out the way nft lays them out, and
// prints expressions back as that text.
//
// It covers the common matches and statements:
//   - iif/oif/iifname/oifname; meta l4proto/mark/nfproto/pkttype/length/
//     skuid/skgid (a user or group name is read as nft reads it, through
//     /etc/passwd and /etc/group, and printed as its number, as nft lists
//     it); meta cgroup/cpu/random (numbers), rtclassid (a realm, printed
//     as a number), iifkind/oifkind/sdifname (names), sdif (an
//     interface), iifgroup/oifgroup (bare, as nft prints them, the
//     names of /etc/iproute2/group quoted: "iifgroup "default""), day
//     ("meta day "Monday"") and hour ("meta hour "17:00"-"18:30"", read
//     and printed in the local time zone as nft does, compared in UTC by
//     the kernel; a range of quoted values is one token), time ("meta
//     time "2026-01-01 10:00:00"", local time too, or seconds);
//   - ip/ip6 saddr/daddr/protocol/nexthdr, ip dscp/ttl/length, ip6 hoplimit,
//     th sport/dport, tcp/udp ports, sctp sport/dport/vtag/checksum, dccp
//     sport/dport/type, ether saddr/daddr/type, icmp/icmpv6 type and
//     code: values, prefixes, ranges (printed as numbers, as nft
//     prints them: "icmp code 1-3"), masked values ("meta mark & 0xff ==
//     0x10"), ordered comparisons (host-order values turned as nft turns
//     them), anonymous or named sets, adjacent fields nft compares in one
//     go ("icmp type destination-unreachable icmp code port-unreachable"),
//     and concatenations matched against sets ("ip saddr . tcp dport
//     { 10.0.0.1 . 22 }");
//   - icmp id/sequence and icmpv6 id/sequence/mtu, fields of some message
//     types only: as nft, a match of the type comes first unless the rule
//     has one ("icmp id 5" is listed "icmp type { echo-reply, echo-request }
//     icmp id 5"; "icmpv6 mtu 1280" matches packet-too-big, which nft does
//     not print), and a type match they do not exist in is an error;
//   - flag types as nft reads them: "tcp flags syn" (any), "! syn"
//     (none), "== syn"/"!= syn" (the whole value), "syn / syn,ack" and
//     "!= syn / syn,ack" (masked), nft's older "&" form ("& (fin|syn|rst|
//     ack) == syn", "& (syn|rst) != 0", "& ack == ack", which is how a
//     mask of one flag prints), and the same for ct state/status; a set
//     of one element is the element ("tcp dport { 22 }"), as in nft;
//     tcp flags in sets, an element of several flags written "syn |
//     ack" ("tcp flags { fin, syn | ack }", "!= { fin, rst }") and the
//     masked lookup ("tcp flags & (syn | ack) == { syn, ack }"); nft
//     lists such elements by their lowest flag, and nlsh so too;
//   - number sources as keys: "numgen inc|random mod N [offset N]",
//     "jhash KEY mod N [seed 0xN] [offset N]" (KEY a header field, a meta
//     key or a concatenation, loaded from register 2 on), "symhash mod N
//     [offset N]"; compared as nft lists them, with no "==" ("numgen
//     random mod 2 1"), in ranges and sets, as keys of verdict maps
//     ("numgen random mod 2 vmap { 0 : jump a, 1 : jump b }") and of NAT
//     maps;
//   - fib lookups ("fib daddr type local", "fib saddr . iif oif
//     missing"); ct state/status/mark/direction/count and a direction's
//     tuple ("ct original ip daddr", "ct reply proto-dst");
//   - meta mark/nftrace/priority and ct mark set (to a value or to the
//     other mark, or to a mark with a bit operation: "ct mark set meta
//     mark & 0xffff0000", "| 0x00000010", "^ 0x00000001", read also as
//     "and", "or", "xor"); counter; the table's named objects: counters,
//     quotas and limits ("counter name ..."), a connection's ct helper,
//     timeout policy and expectation ("ct helper set "ftp-21"", "ct
//     timeout set", "ct expectation set"), secmarks ("meta secmark set")
//     and synproxies ("synproxy name"), a name quoted or not, listed
//     quoted, as nft does (not an object chosen by a map: "ct helper set
//     udp dport map { ... }" is refused, and such a rule prints as
//     expressions only);
//   - synproxy ("synproxy mss 1460 wscale 7 timestamp sack-perm", its
//     options in any order, listed in nft's: mss and wscale, timestamp,
//     sack-perm); nft 1.0.6 lists one of mss and wscale alone as both
//     ("synproxy mss 1460 wscale 0"), which it reads back as another
//     rule: nlsh compiles "synproxy mss 1460" as nft does and prints it
//     as expressions only;
//   - header fields set ("ip ttl set 64", "ip dscp set cs1", "ip saddr/
//     daddr set", "ip6 hoplimit/saddr/daddr set", "tcp/udp sport/dport
//     set"), with nft's checksum fix-ups (the IPv4 header's, the
//     transport header's, the pseudo-header's for an address); as nft, a
//     field narrower than a byte or one byte under a checksum is written
//     as the 16-bit word around it, loaded and masked first;
//   - queue ("queue", "queue num 2-5 fanout", "queue flags bypass to 3"),
//     printed as nft 1.0.6 lists it ("queue to 0", "queue flags fanout
//     to 2-5"); dup ("dup to 10.0.0.1 device "eth0"" in ip and ip6
//     tables, "dup to "eth0"" in netdev), fwd ("fwd to "eth0"", "fwd ip
//     to 10.0.0.1 device "eth0"", netdev only) and flow add ("flow add
//     @ft", also read as "flow offload @ft");
//   - log to the kernel log (prefix, level, "flags tcp sequence,options",
//     "flags ip options", "flags skuid", "flags ether", "flags all") or to
//     nflog ("group 2 snaplen 100 queue-threshold 10");
//   - limit rate in packets ("10/second burst 20 packets") or bytes ("10
//     mbytes/second burst 512 kbytes"), [over]; inline quotas ("quota
//     over 100 mbytes used 3 mbytes"), amounts in bytes, kbytes or
//     mbytes, printed in the largest unit that divides them, as nft does;
//   - dynamic set updates from the packet path: "add @s { ip saddr }",
//     "update @s { ip saddr . tcp dport timeout 30s }", "delete @s { ip
//     saddr }", with counter, limit rate or ct count per element ("update
//     @flood { ip saddr limit rate over 10/second }"); CompileWithSets
//     checks the set exists, its key type and its timeouts when told of
//     the table's sets;
//   - verdicts (accept, drop, return, continue, jump, goto), vmap
//     (named or anonymous: "vmap { k : v }", of a concatenation too: "ip
//     daddr . meta l4proto . th dport vmap @services"; a named map's key
//     type is checked when the compiler is told the table's sets), reject
//     variants, notrack and comments;
//   - masquerade and redirect with ports; snat/dnat to an address, a
//     range, a prefix ("prefix to" for netmap) or ports alone, "ip"/"ip6"
//     before "to" in inet tables; with the flags random, fully-random and
//     persistent ("random,persistent"), but for "prefix to", which nft
//     reads with flags as the flags alone; NAT to a map of a key,
//     anonymous or named: "dnat to numgen inc mod 2 map { 0 : 10.0.0.1,
//     1 : 10.0.0.2 }", "dnat ip to ip daddr . tcp dport map @m" (to
//     addresses and ports, which nft lists with "ip" or "ip6" in any
//     table, and which need a transport protocol match first); a named
//     map must be one the compiler is told of (CompileWithSets), for the
//     type of its values, unless the rule says "dnat ip addr . port to",
//     as nft reads it;
//   - tcp option maxseg size: matched, and set to a value or to "rt mtu"
//     (MSS clamping);
//   - header extensions and options, as nft 1.0.6 has them: whether one
//     is there ("exthdr frag exists", "exthdr rt != missing" for IPv6's
//     hbh, rt, frag, dst and mh; "ip option rr exists" for lsrr, rr, ssrr
//     and ra; "tcp option sack-perm missing" for eol, nop, maxseg, window,
//     sack-perm, sack, timestamp and a kind by number, "tcp option 42
//     exists"), and their fields ("frag id 5", "rt seg-left 0", "hbh
//     nexthdr tcp", "ip option rr ptr 4", "tcp option window count 7",
//     "tcp option sack1 left 5", "tcp option timestamp tsval 5"), and
//     raw TCP option fields of 8, 16 or 32 whole bits ("tcp option
//     @42,16,32 16", listed by name where nft names the kind); frag's bit
//     fields (more-fragments, frag-off, reserved2) are masked and
//     compared shifted, with a value only (nlsh compiles no set or range
//     of them). Masks of these fields ("& 0xff"), which nft 1.0.6 lists
//     as another rule, are refused, and none of them but the MSS is set.
//     nft's other spellings read as nft reads them and print as
//     it lists them: "tcp option mss", "sack-permitted", "sack0", a kind
//     it names ("tcp option 8 exists": timestamp). As nft, an IPv6
//     header or IPv4 option depends on the network protocol (meta nfproto
//     in inet, meta protocol in netdev, the Ethernet type in bridge
//     tables), and one of the other protocol's is an error; TCP options
//     depend on nothing;
//   - meta ipsec (also read as meta secpath, and 1 or 0 for exists or
//     missing): "meta ipsec exists", "meta ipsec != missing";
//   - the packet's socket ("socket transparent 1", "socket mark
//     0x00000001", "socket wildcard 0"; not "socket cgroupv2", which
//     names a cgroup by its path) and transparent proxying after a tcp
//     or udp match ("tproxy ip to 127.0.0.1:8080", "tproxy to :53" in an
//     inet table, for a port alone, "tproxy to [::1]:80" in an ip6 one;
//     an IPv6 address prints in brackets, with no port too, as nft lists
//     it); OS fingerprints ("osf name "Linux"", "osf ttl skip name",
//     "osf ttl loose version "Linux:4.x"").
//
// An "ip protocol" or "ip6 nexthdr" match is the dependency of the
// transport header after it, as in nft. Rules using anything else stay
// available as expressions (package expr), and so do expressions nft
// would print as another rule (a NAT flag with no word, an nflog snaplen
// without a group, the NF_QUEUE verdict, which nft prints "queue" and
// reads as the queue statement, a fanout to one queue, a header write
// with checksum settings nft would not make): the printer returns
// ErrNotPrintable for them. Input
// nft would load as another rule than it reads is refused: flags apart
// ("random persistent", of which nft keeps the last), a repeated log
// option, a snaplen without a group.
package ruletext
