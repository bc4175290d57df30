package ruletext

import (
	"errors"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// Rules nft writes with parts the printer has no words for are refused
// or spelled out, never printed as a shorter, other rule: nft's "sctp
// dport 80" keeps its protocol match (not "th dport 80", any protocol),
// "log group 2" (nflog) prints as such, not as "log" (the kernel log),
// and "masquerade random" not as "masquerade".
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
	// nflog, log flags and NAT flags print as nft prints them
	for _, tc := range []struct {
		x    expr.Expr
		want string
	}{
		{&expr.Log{Group: 2}, "log group 2"},
		{&expr.Log{Group: 2, Snaplen: 100, QThreshold: 10}, "log group 2 snaplen 100 queue-threshold 10"},
		{&expr.Log{Flags: expr.LogTCPSeq}, "log flags tcp sequence"},
		{&expr.Log{Flags: expr.LogTCPOpt | expr.LogIPOpt | expr.LogUID}, "log flags tcp options flags ip options flags skuid"},
		{&expr.Log{Level: 7, Flags: expr.LogFlagsAll}, "log level debug flags all"},
		{&expr.Masq{Flags: expr.NATRangeProtoRandom}, "masquerade random"},
		{&expr.Masq{Flags: expr.NATRangeProtoRandomFull | expr.NATRangePersistent}, "masquerade fully-random,persistent"},
		{&expr.Redir{Flags: expr.NATRangePersistent}, "redirect persistent"},
		{&expr.Limit{Rate: 10 << 20, Unit: 1, Type: expr.LimitBytes}, "limit rate 10 mbytes/second"},
		{&expr.Quota{Bytes: 100 << 20, Flags: expr.QuotaInvert}, "quota over 100 mbytes"},
	} {
		if got, err := p.Print("ip", []expr.Expr{tc.x}, "", nil); err != nil || got != tc.want {
			t.Errorf("%+v printed as %q (%v), want %q", tc.x, got, err, tc.want)
		}
	}
	// What the kernel takes but nft has no words for stays expressions:
	// NAT's PROTO_OFFSET; NETMAP ("snat prefix to") with another flag,
	// which nft would print as a rule that reads back without NETMAP; a
	// limit per 2 seconds; nflog's snaplen without a group; a level past
	// audit; log flags the kernel does not know.
	nat := func(flags uint32) []expr.Expr {
		return []expr.Expr{
			&expr.Immediate{DestRegister: expr.Reg1, Data: []byte{10, 0, 0, 0}},
			&expr.Immediate{DestRegister: expr.Reg2, Data: []byte{10, 0, 0, 255}},
			&expr.NAT{Type: expr.NATSnat, Family: 2, RegAddrMin: expr.Reg1, RegAddrMax: expr.Reg2, Flags: flags},
		}
	}
	if got, err := p.Print("ip", nat(expr.NATRangeNetmap), "", nil); err != nil || got != "snat prefix to 10.0.0.0/24" {
		t.Errorf("netmap printed as %q (%v)", got, err)
	}
	for _, xs := range [][]expr.Expr{
		nat(expr.NATRangeProtoOffset),
		nat(expr.NATRangeNetmap | expr.NATRangeProtoRandom),
		{&expr.Masq{Flags: expr.NATRangeProtoOffset}},
		{&expr.Redir{Flags: 0x80}},
		{&expr.Limit{Rate: 10, Unit: 2}},
		{&expr.Log{Snaplen: 100}},
		{&expr.Log{Level: 9}},
		{&expr.Log{Flags: 0x10}},
		{&expr.Quota{Bytes: 1, Flags: 4}},
	} {
		if got, err := p.Print("ip", xs, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%+v printed as %q (%v), want ErrNotPrintable", xs[len(xs)-1], got, err)
		}
	}
}
