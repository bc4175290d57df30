package ruletext

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// oneLo knows one interface, lo, index 1.
type oneLo struct{}

func (oneLo) IfIndex(name string) (uint32, error) {
	if name != "lo" {
		return 0, fmt.Errorf("no interface %q", name)
	}
	return 1, nil
}

func (oneLo) IfName(i uint32) (string, error) {
	if i != 1 {
		return "", fmt.Errorf("no interface %d", i)
	}
	return "lo", nil
}

// FuzzPrintReadsBack prints any expression list of the statements of
// stmt.go (queue, dup, fwd, flow add, header and mark sets, and the
// immediates, loads and bitwises they use), objref.go and synproxy.go
// that the registry decodes:
// what prints compiles back to the same expressions, so the printer
// never says another rule than the kernel holds. Seeds: those
// statements as nlsh compiles them.
func FuzzPrintReadsBack(f *testing.F) {
	c := NewCompiler(oneLo{})
	for _, tc := range [][2]string{
		{"ip", `dup to 10.0.0.1 device "lo"`}, {"netdev", `fwd ip6 to fe80::1 device "lo"`}, {"netdev", `dup to "lo"`},
		{"inet", "ip ttl set 64"}, {"inet", "ip dscp set cs1"}, {"ip", "ip daddr set 10.0.0.1 tcp dport set 80"},
		{"inet", "ct mark set meta mark & 0xffff0000"}, {"inet", "queue flags bypass,fanout to 1-4"}, {"inet", "flow add @ft"},
		{"ip6", "ip6 saddr set ::1 ip6 hoplimit set 3"}, {"ip", "meta mark set ct mark | 0x00000010 udp sport set 5"},
	} {
		r, err := c.Compile(tc[0], tc[1])
		if err != nil {
			f.Fatal(err)
		}
		e := codec.NewEncoder(nil)
		expr.EncodeList(e, r.Exprs)
		b, _ := e.Encode()
		f.Add(tc[0], b)
	}
	for _, b := range objrefSeedLists(f) {
		f.Add("inet", b)
	}
	reg := expr.NewRegistry()
	p := NewPrinter(oneLo{})
	f.Fuzz(func(t *testing.T, family string, b []byte) {
		switch family {
		case "ip", "ip6", "inet", "netdev":
		default:
			return
		}
		xs, err := reg.DecodeList(b)
		if err != nil {
			return
		}
		// the statements of stmt.go, alone (matches have their own tests)
		for _, x := range xs {
			switch x.(type) {
			case *expr.Immediate, *expr.Payload, *expr.Bitwise, *expr.Meta, *expr.Ct,
				*expr.Queue, *expr.Dup, *expr.Fwd, *expr.FlowOffload, *expr.Objref, *expr.Synproxy:
			default:
				return
			}
		}
		text, err := p.Print(family, xs, "", nil)
		if err != nil {
			return
		}
		if text == "" {
			return // a rule of no statement (a counter-less empty list)
		}
		r, err := c.Compile(family, text)
		if err != nil {
			t.Fatalf("%s %q: %v", family, text, err)
		}
		a, _ := json.Marshal(xs)
		bb, _ := json.Marshal(r.Exprs)
		if string(a) != string(bb) {
			t.Fatalf("%s %q:\n%s\n%s", family, text, a, bb)
		}
	})
}
