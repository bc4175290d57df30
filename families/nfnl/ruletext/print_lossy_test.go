package ruletext

import (
	"errors"
	"slices"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// Rules nft writes with parts the printer has no words for are refused
// or spelled out, never printed as a shorter, other rule: nft's "sctp
// dport 80" keeps its protocol match (not "th dport 80", any protocol),
// "log group 2" (nflog) is not printed as "log" (the kernel log), nor
// "masquerade random" as "masquerade".
func TestPrintNeverDropsAMatch(t *testing.T) {
	p := NewPrinter(loResolver{})
	sctp := []expr.Expr{
		&expr.Meta{Key: expr.MetaL4proto, DestRegister: expr.Reg1},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{132}},
		&expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadTransport, Offset: 2, Len: 2},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{0, 80}},
	}
	if got, err := p.Print("inet", sctp, "", nil); err != nil || got != "meta l4proto sctp th dport 80" {
		t.Errorf("sctp dport 80 printed as %q (%v)", got, err)
	}
	for _, x := range []expr.Expr{&expr.Log{Group: 2}, &expr.Log{Snaplen: 100}, &expr.Log{QThreshold: 10}, &expr.Log{Flags: 1},
		&expr.Masq{Flags: 4}, &expr.Redir{Flags: 8}} {
		if got, err := p.Print("ip", []expr.Expr{x}, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%+v printed as %q (%v), want ErrNotPrintable", x, got, err)
		}
	}
}

// A dynset the printer has no words for (an operation, a flag, a map's
// data, a statement other than counter, limit and ct count) and an icmp
// field without the type match it exists in are refused, not printed as
// another rule ("icmp id 5" compiles with a match of the echo types).
func TestPrintRefusesWhatItCannotSay(t *testing.T) {
	p := NewPrinter(loResolver{})
	nested := func(x expr.Expr) []byte {
		b, err := expr.MarshalNested(x)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	saddr := &expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadNetwork, Offset: 12, Len: 4}
	ok := &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Op: dynsetUpdate, Timeout: 30000, Expr: nested(&expr.Counter{Packets: 3})}
	if got, err := p.Print("ip", []expr.Expr{saddr, ok}, "", nil); err != nil || got != "update @s { ip saddr timeout 30s counter }" {
		t.Errorf("dynset printed as %q (%v)", got, err)
	}
	l4 := []expr.Expr{
		&expr.Meta{Key: expr.MetaL4proto, DestRegister: expr.Reg1},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{1}},
	}
	typ := func(v ...byte) []expr.Expr {
		return []expr.Expr{&expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadTransport, Offset: 0, Len: 1},
			&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: v}}
	}
	load := func(off, n uint32, v ...byte) []expr.Expr {
		return []expr.Expr{&expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadTransport, Offset: off, Len: n},
			&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: v}}
	}
	cat := func(xs ...[]expr.Expr) []expr.Expr { return slices.Concat(xs...) }
	if got, err := p.Print("ip", cat(l4, typ(8), load(4, 2, 0, 5)), "", nil); err != nil || got != "icmp type echo-request icmp id 5" {
		t.Errorf("icmp id after its type printed as %q (%v)", got, err)
	}
	for name, xs := range map[string][]expr.Expr{
		"dynset op 3":                {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Op: 3}},
		"inverted dynset":            {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Flags: dynsetFInv}},
		"dynset of a map":            {saddr, &expr.Dynset{SetName: "m", SourceRegisterKey: expr.Reg1, SourceRegisterData: expr.Reg2}},
		"dynset with a log":          {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Expr: nested(&expr.Log{})}},
		"dynset with a notrack":      {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Expr: nested(&expr.Notrack{})}},
		"dynset with a quota":        {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Expr: nested(&expr.Quota{Bytes: 1000})}},
		"dynset with garbage":        {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Expr: []byte{1, 2, 3}}},
		"dynset with no name":        {saddr, &expr.Dynset{SourceRegisterKey: expr.Reg1}},
		"dynset from another reg":    {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg2}},
		"icmp id, no type":           cat(l4, load(4, 2, 0, 5)),
		"icmp id, another type":      cat(l4, typ(3), load(4, 2, 0, 5)),
		"icmpv6 mtu, half of it":     cat(l4[:1], []expr.Expr{&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{58}}}, typ(2), load(4, 2, 5, 0)),
		"icmp sequence, echo or not": cat(l4, typ(8), typ(3), load(6, 2, 0, 5)),
	} {
		if got, err := p.Print("ip", xs, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%s: printed as %q (%v), want ErrNotPrintable", name, got, err)
		}
	}
}
