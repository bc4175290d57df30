package ruletext

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

type loResolver struct{}

func (loResolver) IfIndex(name string) (uint32, error) { return 1, nil }
func (loResolver) IfName(uint32) (string, error)       { return "lo", nil }

// corpus reads testdata/corpus.txt: "family table chain<TAB>rule text".
func corpus(t testing.TB) [][2]string {
	f, err := os.Open("../testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		loc, text, _ := strings.Cut(line, "\t")
		out = append(out, [2]string{strings.Fields(loc)[0], text})
	}
	return out
}

// TestCorpusOffline compiles every corpus rule and prints it back without
// a kernel: text -> expressions -> text must be the identity.
func TestCorpusOffline(t *testing.T) {
	c, p := NewCompiler(loResolver{}), NewPrinter(loResolver{})
	maps := corpusMaps(t)
	for _, tc := range corpus(t) {
		family, text := tc[0], tc[1]
		t.Run(text, func(t *testing.T) {
			r, err := c.CompileWithSets(family, text, maps)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Print(family, r.Exprs, r.Comment, func(name string, id uint32) *AnonSet {
				if id == 0 {
					// a named object map: the printer asks its type
					if info, _ := maps(name); info != nil && info.Obj != 0 {
						return &AnonSet{Key: info.Key, Obj: info.Obj}
					}
				}
				if id == 0 || int(id) > len(r.Sets) {
					return nil
				}
				return r.Sets[id-1]
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != text {
				t.Errorf("printed %q", got)
			}
		})
	}
}

// corpusMaps tells the compiler of the named maps of the corpus
// (helpers_linux_test.go makes them), which a NAT statement needs to know
// (whether they map to ports too); of other sets it cannot tell.
func corpusMaps(t testing.TB) Sets {
	key := keyTypeOf(t)
	return knownSets(map[string]*SetInfo{
		"service-ips": {Key: key("ipv4_addr . inet_proto . inet_service"), Verdict: true},
		"snat4":       {Key: key("ipv4_addr"), Data: key("ipv4_addr")},
		"snat-map":    {Key: key("ipv4_addr . inet_service"), Data: key("ipv4_addr . inet_service")},
		"dnat-map":    {Key: key("ipv4_addr . inet_service"), Data: key("ipv4_addr . inet_service")},
		"dnatp":       {Key: key("inet_service"), Data: key("ipv4_addr . inet_service")},
		"cm":          {Key: key("inet_service"), Obj: 1},
		"cm2":         {Key: key("ipv4_addr . inet_service"), Obj: 2},
	}, false)
}

// keyTypeOf returns a reader of key types ("ipv4_addr . inet_service")
// that fails t on a bad one.
func keyTypeOf(t testing.TB) func(string) KeyType {
	types := NewTypes()
	return func(s string) KeyType {
		k, err := types.ParseKeyType(s)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
}

// knownSets tells the compiler of the sets of known; of another it
// cannot tell, or (strict) the table has none.
func knownSets(known map[string]*SetInfo, strict bool) Sets {
	return func(name string) (*SetInfo, error) {
		if s, ok := known[name]; ok || !strict {
			return s, nil
		}
		return nil, fmt.Errorf("no set %q in the table", name)
	}
}

// TestCompileStatementErrors: statements nft refuses, or would load as another
// rule than the text reads, are refused with an error naming the problem.
func TestCompileStatementErrors(t *testing.T) {
	c := NewCompiler(loResolver{})
	for _, tc := range []struct{ family, text, want string }{
		{"inet", "log flags foo", `unknown log flag "foo"`},
		{"inet", "log flags tcp foo", `log flags tcp: unknown flag "foo"`},
		{"inet", "log flags tcp sequence,", `log flags tcp: unknown flag ""`},
		{"inet", "log flags ip sequence", `log flags ip: unknown flag "sequence"`},
		{"inet", "log level loud", `unknown log level "loud"`},
		{"inet", "log group 2 level info", "group (nflog) takes no level or flags"},
		{"inet", "log group 2 flags all", "group (nflog) takes no level or flags"},
		{"inet", "log snaplen 100", "need a group"},
		{"inet", "log queue-threshold 10", "need a group"},
		{"inet", "log group 65536", "log group: want a number from 0 to 65535"},
		{"inet", "log group 1 queue-threshold 65536", "queue-threshold: want a number from 0 to 65535"},
		{"inet", `log prefix "a" prefix "b"`, "prefix given twice"},
		{"inet", "log prefix x", "want a quoted string"},
		{"inet", "limit rate 10 parsecs/second", `unknown unit "parsecs"`},
		{"inet", "limit rate 10 gbytes/second", `unknown unit "gbytes"`},
		{"inet", "limit rate 10 mbytes/parsec", `bad rate unit "parsec"`},
		{"inet", "limit rate 10 mbytes", "want N/unit or N bytes/unit"},
		{"inet", "limit rate 0/second", "refuses a rate of 0"},
		{"inet", "limit rate 10/second burst 0 packets", "from 1"},
		{"inet", "limit rate 10/second burst 10 bytes", "burst is in packets"},
		{"inet", "limit rate 10 mbytes/second burst 10 packets", "burst is in bytes"},
		{"inet", "limit rate 10 mbytes/second burst 4096 mbytes", "at most 4294967295 bytes"},
		{"inet", "limit rate 18014398509481984 mbytes/second", "too large"},
		{"inet", "quota 100", "no unit"},
		{"inet", "quota 100 parsecs", `unknown unit "parsecs"`},
		{"inet", "quota over 1 gbytes", `unknown unit "gbytes"`},
		{"inet", "quota over until 5 bytes", "bad number"},
		{"inet", "quota 1 kbytes used 2 kbytes", "more used than the quota"},
		{"inet", "quota 9223372036854775808 bytes", "at most 9223372036854775807 bytes"},
		{"ip", "masquerade random,foo", `masquerade: unknown flag "foo"`},
		{"ip", "masquerade random,", `masquerade: unknown flag ""`},
		{"ip", "masquerade random persistent", "separated by commas"},
		{"ip", "redirect to :80 fully-random random", "separated by commas"},
		{"ip", "snat to 10.0.0.1 random persistent", "separated by commas"},
		{"ip", "dnat to 10.0.0.1 random,sticky", `dnat: unknown flag "sticky"`},
		{"ip", "snat prefix to 10.0.0.0/24 random", "takes no flags"},
		{"ip", "snat prefix to 10.0.0.1", "want a prefix"},
		{"inet", "snat to 10.0.0.1", "in an inet table say snat ip to"},
		{"ip", "snat ip6 to 2001:db8::1", "not an address of an ip table"},
		{"inet", "snat ip to 2001:db8::1", "an address of the other family"},
		{"ip", "snat to 2001:db8::1", "not an address of an ip table"},
		{"ip", "snat to 10.0.0.5-10.0.0.1", "the last address comes before the first"},
		{"ip6", "snat to [2001:db8::1", "bad address"},
		{"ip", "snat to 10.0.0.1:", "bad address"},
		{"inet", "tcp dport nosuchsvc", `bad inet_service value "nosuchsvc": no such service`},
		{"inet", "tcp dport { ssh, nosuchsvc }", `"nosuchsvc": no such service`},
		{"inet", `meta hour "25:00"`, `bad hour "25:00"`},
		{"inet", `meta hour "17"`, `bad hour "17"`},
		{"inet", `meta hour "17:00"-"xx"`, `bad hour "xx"`},
		{"inet", `meta day "Mondays"`, `bad day value "Mondays"`},
		{"inet", `meta time "2026-13-01"`, `bad time "2026-13-01"`},
		{"inet", `meta time 99999999999999999`, `bad time "99999999999999999"`},
		{"inet", `meta time "1969-12-31 23:59:59"`, `bad time "1969-12-31 23:59:59"`},
		{"inet", `iifgroup "nosuchgroup"`, `bad devgroup value "nosuchgroup"`},
		{"inet", `meta cpu x`, `bad integer value "x"`},
		{"inet", "tcp flags & (syn|bogus) == syn", `bogus`},
		{"inet", "tcp flags & (syn|ack) == fin", "the value has flags the mask leaves out"},
		{"inet", "tcp flags & syn < syn", "want == or != after the mask"},
		{"inet", "tcp flags & syn", "want == or != after the mask"},
		{"inet", "tcp flags & (syn | ack) == { syn, fin }", "the element has flags the mask leaves out"},
		{"inet", "tcp flags { syn | bogus, ack }", `bogus`},
		{"inet", "socket transparent 2", "socket transparent is one bit: 0 or 1"},
		{"inet", "socket bogus 1", `unknown socket key "bogus"`},
		{"inet", `socket cgroupv2 level 1 "x"`, "socket cgroupv2: not supported"},
		{"inet", "tproxy ip to 127.0.0.1:80", "tproxy: match tcp or udp first"},
		{"inet", "meta l4proto tcp tproxy to 127.0.0.1:80", "in an inet table say tproxy ip to"},
		{"inet", "meta l4proto tcp tproxy ip to ::1", "not an address of ip"},
		{"ip", "meta l4proto tcp tproxy ip6 to [::1]:80", "not an address of an ip table"},
		{"inet", "meta l4proto tcp tproxy ip to 127.0.0.1:http-ish", `tproxy: bad port "http-ish"`},
		{"inet", "meta l4proto tcp tproxy ip to 1.2.3:80", `tproxy: bad address "1.2.3:80"`},
		{"bridge", "meta l4proto tcp tproxy to :80", "tproxy: only in ip, ip6 and inet tables"},
		{"ip", `osf ttl strict name "Linux"`, `osf ttl: want loose or skip, got "strict"`},
		{"ip", `osf family "Linux"`, `osf: want name or version, got "family"`},
		{"ip", `osf name "ABCDEFGHIJKLMNOPQ"`, `osf_name "ABCDEFGHIJKLMNOPQ" too long`},
		{"inet", "ct state { established | new, related }", `set element |: want a comma before it`},
		{"inet", "tcp dport { 22 23 }", "set element 23: want a comma before it"},
		{"inet", "meta mark . tcp dport { 0x1-0x5 . 22 }", "ranges of network-order members only"},
		{"inet", "ip saddr . tcp dport { 10.0.0.0/8 . 90-80 }", "90-80"},
		{"inet", "tcp dport { , 22 }", "',' before the first element"},
		{"inet", "tcp dport vmap { 22 : accept 23 : drop }", "set element 23: want a comma before it"},
		{"inet", "ct state & (new|established) == invalid", "the value has flags the mask leaves out"},
		{"inet", "ct state new / established", "the value has flags the mask leaves out"},
		{"inet", "ct state == new / established,new", "with no operator or !="},
		{"inet", "ct state ! new / established,new", "with no operator or !="},
		{"inet", "tcp flags == syn / syn,ack", "with no operator or !="},
		{"inet", "queue num 70000", "want a queue number from 0 to 65535"},
		{"inet", "queue num 5-2", "the last queue comes before the first"},
		{"inet", "queue num 0-65535", "at most 65535 queues"},
		{"inet", "queue num 3 fanout", "fanout needs a range of queues"},
		{"inet", "queue flags fanout to 2", "fanout needs a range of queues"},
		{"inet", "queue flags bypass", `want "to" and the queue`},
		{"inet", "queue flags sometimes to 2", `unknown flag "sometimes"`},
		{"inet", "queue num 1 num 2", "num given twice"},
		{"inet", "queue to 1 bypass", `unknown statement "bypass"`},
		{"inet", "queue flags bypass to 1-2 fanout", `unknown statement "fanout"`},
		{"inet", "queue num x", `want a queue number from 0 to 65535`},
		{"inet", "queue to", "want a queue number or a range"},
		{"inet", "queue num", "want a queue number or a range"},
		{"inet", "ip ttl set 300", `bad integer8 value "300"`},
		{"inet", "ip ttl set", "no value"},
		{"inet", "ip dscp set 64", "wider than the field"},
		{"inet", "tcp dport set http-ish", `bad inet_service value "http-ish"`},
		{"inet", "ip protocol set 6", "ip protocol cannot be set"},
		{"inet", "tcp flags set syn", "tcp flags cannot be set"},
		{"inet", "ip daddr set 2001:db8::1", "bad ipv4_addr"},
		{"inet", "ct mark set ct mark and 0xffffffff", "changes nothing"},
		{"inet", "ct mark set ct mark or 0", "changes nothing"},
		{"inet", "meta mark set meta mark xor 0", "changes nothing"},
		{"inet", "meta mark set meta mark & 0", "clears every bit"},
		{"inet", "meta mark set meta mark & nope", "want a mark value"},
		{"ip", "dup to notanaddress", `"notanaddress" is not an IPv4 address`},
		{"ip6", "dup to 10.0.0.1", "is not an IPv6 address"},
		{"inet", "dup to 10.0.0.1", "only in ip, ip6 and netdev tables"},
		{"ip", "dup 10.0.0.1", `expected "to"`},
		{"netdev", "dup to", "want a device name"},
		{"ip", "fwd to \"lo\"", "only in netdev tables"},
		{"netdev", "fwd ip to 10.0.0.1", `expected "device"`},
		{"netdev", "fwd ip6 to 10.0.0.1 device lo", "is not an IPv6 address"},
		{"netdev", "fwd to", "want a device name"},
		{"inet", "flow add ft", "want @ and the flowtable's name"},
		{"inet", "flow add @", "want @ and the flowtable's name"},
		{"inet", "flow ft", `want "add @flowtable"`},
		{"ip", "dnat to ip saddr map @m", "the map's type is not known here (whether it maps to ports too)"},
		{"ip", "dnat to ip saddr map { 10.0.0.1 : [2001:db8::1] }", "bad ipv4_addr"},
		{"ip", "dnat to ip saddr map { 10.0.0.1 : 10.0.0.2 } random persistent", "separated by commas"},
		{"ip", "dnat to ip saddr map { 10.0.0.1 : 10.0.0.2 } sticky", `unknown statement "sticky"`},
		{"ip", "dnat ip6 to ip saddr map { 10.0.0.1 : 10.0.0.2 }", "not an address of an ip table"},
		{"netdev", "dnat ip to ip saddr map { 10.0.0.1 : 10.0.0.2 }", "only in ip, ip6 and inet tables"},
	} {
		_, err := c.Compile(tc.family, tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: error %v, want one saying %q", tc.family, tc.text, err, tc.want)
		}
	}
}

// testSets knows three sets: a4 (ipv4_addr), tmo (ipv4_addr, with
// timeouts) and pairs (ipv4_addr . inet_service), and two maps: vm
// (ipv4_addr : verdict) and dm (ipv4_addr : ipv4_addr).
func testSets(t *testing.T) Sets {
	key := keyTypeOf(t)
	return knownSets(map[string]*SetInfo{
		"a4":    {Key: key("ipv4_addr")},
		"tmo":   {Key: key("ipv4_addr"), Timeout: true},
		"pairs": {Key: key("ipv4_addr . inet_service")},
		"vm":    {Key: key("ipv4_addr"), Verdict: true},
		"dm":    {Key: key("ipv4_addr"), Data: key("ipv4_addr")},
	}, true)
}

// TestCompileErrors: bad input is refused with an error that says what
// is wrong, where.
func TestCompileErrors(t *testing.T) {
	c := NewCompiler(loResolver{})
	sets := testSets(t)
	for _, tc := range []struct{ text, want string }{
		{"add @nosuch { ip saddr }", `@nosuch: no set "nosuch"`},
		{"ip saddr @nosuch drop", `@nosuch: no set "nosuch"`},
		{"ip saddr . tcp dport @nosuch drop", `@nosuch: no set "nosuch"`},
		{"add @a4 { ip6 saddr }", "@a4 holds ipv4_addr, not ipv6_addr"},
		{"add @pairs { ip saddr }", "@pairs holds ipv4_addr . inet_service, not ipv4_addr"},
		{"update @a4 { ip saddr . tcp dport }", "@a4 holds ipv4_addr, not ipv4_addr . inet_service"},
		{"tcp dport @a4 accept", "@a4 holds ipv4_addr, not inet_service"},
		{"update @a4 { ip saddr timeout 30s }", "@a4 has no timeouts"},
		{"add a4 { ip saddr }", `add: want @set, got "a4"`},
		{"add @a4 { ip saddr", "add @a4: no closing }"},
		{"add @a4 { }", "add @a4: key:"},
		{"add @a4 { tcp flags }", "add @a4: key: tcp flags in a concatenation"},
		{"add @a4 { ip saddr quota 10 }", `quota 10: no unit`},
		{"add @a4 { ip saddr synproxy }", `"synproxy" in a set statement`},
		{"add @a4 { ip saddr limit rate fast }", `bad rate "fast"`},
		{"delete @a4 { ip saddr counter }", "a deletion takes the key only"},
		{"update @tmo { ip saddr timeout 0s }", `duration "0s": zero`},
		{"update @tmo { ip saddr timeout 30 }", `bad duration "30"`},
		{"update @tmo { ip saddr timeout 1s1h }", `unit "h"`},
		{"update @tmo { ip saddr timeout 99999999999999999d }", "too long"},
		{"tcp flags { syn | ", "unterminated set"}, // it looped for ever (FuzzCompile)
		{"icmp code bogus", `bad icmp_code value "bogus"`},
		{"icmpv6 code { no-route, nowhere }", `bad icmpv6_code value "nowhere"`},
		{"icmp type destination-unreachable icmp id 5", "icmp id is a field of icmp type echo-reply, echo-request only, and the rule matches icmp type destination-unreachable"},
		{"icmp type { echo-request, redirect } icmp sequence 5", "icmp sequence is a field of icmp type echo-reply, echo-request only, and the rule matches icmp type redirect"},
		{"icmpv6 type echo-request icmpv6 mtu 1280", "icmpv6 mtu is a field of icmpv6 type packet-too-big only"},
		{"meta skuid nosuchuser", `no user "nosuchuser"`},
		{"meta skgid nosuchgroup", `no group "nosuchgroup"`},
		{"meta skuid { 0, nosuchuser }", `no user "nosuchuser"`},
		{"numgen random mod 0", "numgen mod 0: the modulus is at least 1"},
		{"numgen sometimes mod 2 1", `numgen: unknown type "sometimes"`},
		{"numgen inc 2 1", `numgen: expected "mod", got "2"`},
		{"numgen inc mod 2 offset 4294967295 1", "the numbers pass 2^32"},
		{"numgen inc mod -1 1", `numgen mod: want a number below 2^32, got "-1"`},
		{"jhash mod 2 1", "jhash: want what to hash"},
		{"jhash ip saddr 2 1", `jhash: expected "mod", got "2"`},
		{"jhash tcp flags mod 2 1", "jhash: tcp flags in a concatenation"},
		{"jhash ip saddr mod 2 seed x 1", `jhash seed: want a number below 2^32, got "x"`},
		{"symhash mod 0 1", "symhash mod 0: the modulus is at least 1"},
		{"jhash ip6 saddr . ip6 daddr . ip6 saddr . ip6 daddr mod 2 1", "jhash: the key has 64 bytes, more than the 48"},
		{"symhash mod 2 seed 1 1", `bad integer value "seed"`},
		{"numgen inc mod 2 vmap @a4", "@a4 maps ipv4_addr to nothing (a set), not integer to verdict"},
		{"tcp dport vmap @vm", "@vm maps ipv4_addr to verdict, not inet_service to verdict"},
		{"ip saddr . tcp dport vmap @vm", "@vm maps ipv4_addr to verdict, not ipv4_addr . inet_service to verdict"},
		{"ip saddr vmap @nosuch", `@nosuch: no set "nosuch"`},
		{"ip saddr . tcp dport vmap { 10.0.0.1 . 22 accept }", `bad inet_service value "22 accept"`},
		{"ip saddr . tcp dport vmap { 10.0.0.1 . 22 }", `want ": verdict"`},
		{"ip saddr . tcp dport vmap { 10.0.0.1 . 22 : maybe }", "maybe"},
		{"ip saddr . tcp dport vmap { : accept }", "map element with no key"},
		{"ip saddr . tcp dport vmap 10.0.0.1", "vmap needs a named map or { key : verdict, ... }"},
		{"sctp foo 1", "unknown field sctp foo"},
		{"dccp type bogus", `bad dccp_pkttype value "bogus"`},
		{"dccp type 16", "dccp type: 16 is wider than the field"},
		{"dnat ip to ip saddr map @a4", "@a4 maps ipv4_addr to nothing (a set), not ipv4_addr to ipv4_addr"},
		{"dnat ip to tcp dport map @dm", "@dm maps ipv4_addr to ipv4_addr, not inet_service to ipv4_addr"},
		{"dnat ip to ip saddr map @nosuch", `@nosuch: no set "nosuch"`},
		{"dnat to ip saddr map { 10.0.0.1 : 10.0.0.2 }", "in an inet table say dnat ip to or dnat ip6 to"},
		{"dnat ip to ip saddr map { 10.0.0.1 : 10.0.0.2 . 80 }", "a map to ports needs a transport protocol match first"},
		{"meta l4proto tcp dnat ip to numgen inc mod 2 map { 0 : 10.0.0.1 . 80, 1 : 10.0.0.2 }", "a value of ipv4_addr, the others are of ipv4_addr . inet_service"},
		{"dnat ip to ip saddr map { 10.0.0.1 }", "want key : value"},
		{"dnat ip6 to ip saddr map { 10.0.0.1 : 10.0.0.2 }", "bad ipv6_addr"},
		{"dnat ip to ip saddr map { 10.0.0.1 : 10.0.0.2", "unterminated map"},
		{"dnat ip to ip saddr { 10.0.0.1 : 10.0.0.2 }", `expected "map"`},
		{"dnat ip to ip saddr map @dm2", `@dm2: no set "dm2"`},
		{"dnat ip addr . port to ip saddr . tcp dport map { 10.0.0.1 . 1 : 10.0.0.2 }", "the map's values are addresses only"},
		{"dnat ip addr . port to ip saddr map @dm", "@dm maps ipv4_addr to ipv4_addr, not ipv4_addr to ipv4_addr . inet_service"},
		{"dnat ip addr to ip saddr map @dm", "want addr . port"},
		{"exthdr nosuch exists", "exthdr nosuch: unknown header or option"},
		{"exthdr frag present", `exthdr frag: want exists or missing, not "present"`},
		{"exthdr frag", `exthdr frag: want exists or missing, not ""`},
		{"frag nosuch 1", `frag: unknown field "nosuch"`},
		{"frag more-fragments 2", "frag more-fragments: 2 is wider than the field"},
		{"frag frag-off 8192", "frag frag-off: 8192 is wider than the field"},
		{"frag reserved2 4", "frag reserved2: 4 is wider than the field"},
		{"frag more-fragments { 0, 1 }", "not a set or range"},
		{"frag frag-off 1-2", "not a set or range"},
		{"frag more-fragments yes", `bad integer8 value "yes"`},
		{"rt mtu 1280", `rt: unknown field "mtu"`},
		{"mh type 1", `mh: unknown field "type"`},
		{"tcp option nosuch exists", "tcp option nosuch: unknown header or option"},
		{"tcp option 256 exists", "tcp option 256: unknown header or option"},
		{"tcp option 8 tsval 5", "tcp option 8: unknown header or option"},
		{"tcp option window nosuch 1", `tcp option window: unknown field "nosuch"`},
		{"tcp option eol length 1", `tcp option eol: unknown field "length"`},
		{"tcp option window exists yes", `unknown statement "yes"`},
		{"ip option nop exists", "ip option nop: unknown header or option"},
		{"ip option ra ptr 1", `ip option ra: unknown field "ptr"`},
		{"exthdr frag exists ip option rr exists", "ip option rr: cannot be matched with ip6"},
		{"ip saddr 10.0.0.1 frag id 5", "exthdr frag: cannot be matched with ip"},
		{"tcp option @42,4,4 1", "tcp option @42,4,4: nlsh compiles whole bytes"},
		{"tcp option @42,8,24 1", "tcp option @42,8,24: nlsh compiles whole bytes"},
		{"tcp option @42,8 1", `want @kind,offset,length: expected ",", got "1"`},
		{"tcp option @x,8,8 1", "tcp option @x: want @kind,offset,length"},
		{"tcp option @42,8,8 & 0x0f == 1", "nlsh compiles no mask of it"},
		{"tcp option window count & 0x0f == 1", "tcp option window count: nlsh compiles no mask of this field"},
		{"frag id & 0xff == 5", "frag id: nlsh compiles no mask of this field"},
		{"tcp option window count set 5", "tcp option window count: nlsh sets no field of a header extension or option but tcp option maxseg size"},
		{"frag more-fragments set 1", "frag more-fragments: nlsh sets no field"},
		{"tcp option @42,16,16 set 1", "does not set it"},
		{"exthdr", "exthdr: want a header or option name"},
		{"tcp option", "tcp option: want a header or option name"},
		{"meta ipsec present", `meta ipsec: want exists or missing, not "present"`},
		{"meta secpath 2", `meta secpath: want exists or missing, not "2"`},
	} {
		_, err := c.CompileWithSets("inet", tc.text, sets)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%q: got error %v, want one naming the rule and saying %q", tc.text, err, tc.want)
		}
	}
	for _, ok := range []string{"add @a4 { ip saddr }", "update @tmo { ip saddr timeout 1h30m counter }", "add @pairs { ip saddr . tcp dport }", "ip saddr @a4 drop"} {
		if _, err := c.CompileWithSets("inet", ok, sets); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// TestCompileAsNft: forms nft reads that print otherwise compile to what
// nft makes of them.
func TestCompileAsNft(t *testing.T) {
	c, p := NewCompiler(loResolver{}), NewPrinter(loResolver{})
	for _, tc := range []struct{ family, text, printed string }{
		{"ip", "masquerade random,random", "masquerade random"},
		{"ip", "masquerade persistent,random", "masquerade random,persistent"},
		{"inet", "log flags tcp options,sequence", "log flags tcp sequence,options"},
		{"inet", "log flags tcp sequence flags tcp sequence", "log flags tcp sequence"},
		{"inet", "log flags skuid flags tcp sequence,options flags ip options flags ether", "log flags all"},
		{"inet", "log group 2 queue-threshold 10 snaplen 100", "log group 2 snaplen 100 queue-threshold 10"},
		{"inet", "log level warn", "log"},
		{"inet", "limit rate 1024 kbytes/second burst 1024 bytes", "limit rate 1 mbytes/second burst 1 kbytes"},
		{"inet", "limit rate 10 mbytes / second", "limit rate 10 mbytes/second"},
		{"inet", "limit rate 10 /second", "limit rate 10/second"},
		{"inet", "limit rate 10 bytes/second burst 0 bytes", "limit rate 10 bytes/second"},
		{"inet", "quota until 500 kbytes used 0 bytes", "quota 500 kbytes"},
		{"inet", "quota 1048576 kbytes", "quota 1024 mbytes"},
		{"ip", "snat ip to 10.0.0.0-10.0.0.255", "snat to 10.0.0.0/24"},
		// a range that is one prefix, with ports: nft prints the prefix
		// and the ports, text it cannot read back itself; nlsh reads it
		{"ip6", "meta l4proto tcp snat to [2001:db8::]-[2001:db8::ffff]:80", "meta l4proto tcp snat to 2001:db8::/112:80"},
		{"ip6", "meta l4proto tcp snat to 2001:db8::/112:80", "meta l4proto tcp snat to 2001:db8::/112:80"},
		{"inet", "meta l4proto tcp snat ip6 to [2001:db8::1]-[2001:db8::1]:80", "meta l4proto tcp snat ip6 to 2001:db8::1/128:80"},
		{"inet", "meta l4proto tcp snat ip to 10.0.0.0-10.0.0.255:80 persistent", "meta l4proto tcp snat ip to 10.0.0.0/24:80 persistent"},
		// a NAT map: "ip" before "to" in an ip table as nft lists it, for a
		// map to addresses and ports only
		{"ip", "dnat ip to numgen inc mod 2 map { 0 : 10.0.0.1, 1 : 10.0.0.2 }", "dnat to numgen inc mod 2 map { 0 : 10.0.0.1, 1 : 10.0.0.2 }"},
		{"ip", "dnat to ip saddr . tcp dport map { 10.0.0.1 . 80 : 10.0.0.2 . 8080 }", "dnat ip to ip saddr . tcp dport map { 10.0.0.1 . 80 : 10.0.0.2 . 8080 }"},
		{"ip", "dnat to ip saddr map { 10.0.0.3 : 10.0.0.4, 10.0.0.1 : 10.0.0.2 }", "dnat to ip saddr map { 10.0.0.1 : 10.0.0.2, 10.0.0.3 : 10.0.0.4 }"},
		{"ip", "dnat ip addr . port to ip daddr . tcp dport map @m", "dnat ip to ip daddr . tcp dport map @m"},
		{"inet", "meta l4proto tcp dnat ip6 addr . port to numgen inc mod 2 map { 0 : 2001:db8::1 . 80 }", "meta l4proto tcp dnat ip6 to numgen inc mod 2 map { 0 : 2001:db8::1 . 80 }"},
		{"inet", "numgen random mod 2 == 1", "numgen random mod 2 1"},
		// nft lists an IPv6 address of tproxy in brackets, with no port too
		{"inet", "meta l4proto tcp tproxy ip6 to ::1", "meta l4proto tcp tproxy ip6 to [::1]"},
		{"ip6", "meta l4proto udp tproxy to ::1", "meta l4proto udp tproxy to [::1]"},
		{"inet", "jhash ip saddr mod 2 seed 10 offset 0 1", "jhash ip saddr mod 2 seed 0xa 1"},
		{"inet", "ip saddr . tcp dport vmap { 10.0.0.2 . 80 : drop, 10.0.0.1 . 22 : accept }", "ip saddr . tcp dport vmap { 10.0.0.1 . 22 : accept, 10.0.0.2 . 80 : drop }"},
		// statements nft spells otherwise
		{"netdev", "fwd to lo", `fwd to "lo"`},
		{"netdev", "dup to lo", `dup to "lo"`},
		{"ip", "dup to 10.0.0.1 device lo", `dup to 10.0.0.1 device "lo"`},
		{"netdev", `fwd ip6 to fe80:0::1 device lo`, `fwd ip6 to fe80::1 device "lo"`},
		{"inet", "ip dscp set 8", "ip dscp set cs1"},
		{"inet", "ct mark set ct mark and 0xffff", "ct mark set ct mark & 0x0000ffff"},
		{"inet", "meta mark set meta mark or 16", "meta mark set meta mark | 0x00000010"},
		{"inet", "meta mark set ct mark xor 0x1", "meta mark set ct mark ^ 0x00000001"},
		{"ip", "ip ttl set 0", "ip ttl set 0"},
		{"ip", "ip dscp set ef", "ip dscp set ef"},
		{"ip6", "ip6 hoplimit set 64", "ip6 hoplimit set 64"},
	} {
		r, err := c.Compile(tc.family, tc.text)
		if err != nil {
			t.Errorf("%s %q: %v", tc.family, tc.text, err)
			continue
		}
		if got, err := p.Print(tc.family, r.Exprs, r.Comment, anonSets(r)); err != nil || got != tc.printed {
			t.Errorf("%s %q printed as %q (%v), want %q", tc.family, tc.text, got, err, tc.printed)
		}
	}
}

// TestDuration: nft's durations read and print back, in milliseconds.
func TestDuration(t *testing.T) {
	for s, ms := range map[string]uint64{"30s": 30000, "1m30s": 90000, "1h30m": 5400000, "1d2h3m4s5ms": 93784005, "500ms": 500, "2d": 172800000} {
		got, err := parseDuration(s)
		if err != nil || got != ms || formatDuration(ms) != s {
			t.Errorf("%s: read %d (%v), %d prints %q", s, got, err, ms, formatDuration(ms))
		}
	}
}
