package ruletext

import (
	"errors"
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
