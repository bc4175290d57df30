package ruletext

import (
	"strings"
	"testing"
)

// Extension headers, IPv4 and TCP options and meta ipsec compile and
// print back as written in every family that has them (the corpus checks
// the layout against nft's); one of the other protocol is an error.
func TestExthdrRoundTrip(t *testing.T) {
	c, p := NewCompiler(loResolver{}), NewPrinter(loResolver{})
	for _, tc := range []struct{ family, text string }{
		{"inet", "exthdr frag exists"},
		{"inet", "exthdr frag != missing"},
		{"inet", "exthdr hbh missing exthdr rt exists"},
		{"inet", "frag frag-off 8191 frag more-fragments != 1"},
		{"inet", "frag reserved2 3"},
		{"inet", "ip option rr exists ip option ra value 0"},
		{"inet", "tcp option sack2 left 5 tcp option sack3 right != 6"},
		{"inet", "tcp option 254 exists"},
		{"inet", "tcp option maxseg size 1400 tcp option maxseg size set 1360"},
		{"inet", "meta ipsec != missing"},
		{"ip", "ip option lsrr missing"},
		{"ip6", "frag id 5 dst nexthdr udp"},
		{"bridge", "exthdr frag exists"},
		{"bridge", "ip option rr ptr 4"},
		{"netdev", "hbh hdrlength 1"},
		{"netdev", "ip option ssrr exists"},
		{"bridge", "meta mark 0x00000001 tcp dport 22 exthdr frag exists"},
		{"inet", "tcp dport 22 ip option rr exists"},
	} {
		r, err := c.Compile(tc.family, tc.text)
		if err != nil {
			t.Errorf("%s %q: %v", tc.family, tc.text, err)
			continue
		}
		if got, err := p.Print(tc.family, r.Exprs, "", nil); err != nil || got != tc.text {
			t.Errorf("%s %q printed as %q (%v)", tc.family, tc.text, got, err)
		}
	}
	for _, tc := range []struct{ family, text, want string }{
		{"ip", "exthdr frag exists", "exthdr frag: cannot be matched with ip"},
		{"ip", "rt seg-left 0", "exthdr rt: cannot be matched with ip"},
		{"ip6", "ip option rr exists", "ip option rr: cannot be matched with ip6"},
	} {
		if _, err := c.Compile(tc.family, tc.text); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: got error %v, want %q", tc.family, tc.text, err, tc.want)
		}
	}
}
