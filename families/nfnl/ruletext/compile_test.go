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
	for _, tc := range corpus(t) {
		family, text := tc[0], tc[1]
		t.Run(text, func(t *testing.T) {
			r, err := c.Compile(family, text)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Print(family, r.Exprs, r.Comment, func(name string, id uint32) *AnonSet {
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

// testSets knows three sets: a4 (ipv4_addr), tmo (ipv4_addr, with
// timeouts) and pairs (ipv4_addr . inet_service).
func testSets(t *testing.T) Sets {
	types := NewTypes()
	key := func(s string) KeyType {
		k, err := types.ParseKeyType(s)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	known := map[string]*SetInfo{
		"a4":    {Key: key("ipv4_addr")},
		"tmo":   {Key: key("ipv4_addr"), Timeout: true},
		"pairs": {Key: key("ipv4_addr . inet_service")},
	}
	return func(name string) (*SetInfo, error) {
		if s, ok := known[name]; ok {
			return s, nil
		}
		return nil, fmt.Errorf("no set %q in the table", name)
	}
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
		{"add @a4 { ip saddr quota 10 }", `"quota" in a set statement`},
		{"add @a4 { ip saddr limit rate fast }", `bad rate "fast"`},
		{"delete @a4 { ip saddr counter }", "a deletion takes the key only"},
		{"update @tmo { ip saddr timeout 0s }", `duration "0s": zero`},
		{"update @tmo { ip saddr timeout 30 }", `bad duration "30"`},
		{"update @tmo { ip saddr timeout 1s1h }", `unit "h"`},
		{"update @tmo { ip saddr timeout 99999999999999999d }", "too long"},
		{"icmp code bogus", `bad icmp_code value "bogus"`},
		{"icmpv6 code { no-route, nowhere }", `bad icmpv6_code value "nowhere"`},
		{"icmp type destination-unreachable icmp id 5", "icmp id is a field of icmp type echo-reply, echo-request only, and the rule matches icmp type destination-unreachable"},
		{"icmp type { echo-request, redirect } icmp sequence 5", "icmp sequence is a field of icmp type echo-reply, echo-request only, and the rule matches icmp type redirect"},
		{"icmpv6 type echo-request icmpv6 mtu 1280", "icmpv6 mtu is a field of icmpv6 type packet-too-big only"},
		{"meta skuid nosuchuser", `no user "nosuchuser"`},
		{"meta skgid nosuchgroup", `no group "nosuchgroup"`},
		{"meta skuid { 0, nosuchuser }", `no user "nosuchuser"`},
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

// TestDuration: nft's durations read and print back, in milliseconds.
func TestDuration(t *testing.T) {
	for s, ms := range map[string]uint64{"30s": 30000, "1m30s": 90000, "1h30m": 5400000, "1d2h3m4s5ms": 93784005, "500ms": 500, "2d": 172800000} {
		got, err := parseDuration(s)
		if err != nil || got != ms || formatDuration(ms) != s {
			t.Errorf("%s: read %d (%v), %d prints %q", s, got, err, ms, formatDuration(ms))
		}
	}
}
