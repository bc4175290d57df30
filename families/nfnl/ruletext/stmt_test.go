package ruletext

import (
	"bytes"
	"encoding/hex"
	"errors"
	"slices"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// TestQueueFlowLikeNft: queue and flow add compile to the expressions nft
// 1.0.6 sends for them (from nft --debug=mnl: the test kernel has neither
// nft_queue nor flowtables, so the corpus cannot hold them) and print as
// nft 1.0.6 lists them (its queue_stmt_print: flags, then "to" and the
// queue or range, "to 0" for a bare "queue"); what is printed compiles
// back to the same expressions.
func TestQueueFlowLikeNft(t *testing.T) {
	c, p := NewCompiler(loResolver{}), NewPrinter(loResolver{})
	for _, tc := range []struct {
		text, printed string
		wire          string // the NFTA_EXPR_DATA nft sent, hex
	}{
		{"queue", "queue to 0", "06000100000000000600020000010000"},
		{"queue num 2", "queue to 2", "06000100000200000600020000010000"},
		{"queue num 3", "queue to 3", "06000100000300000600020000010000"},
		{"queue num 2-5 fanout", "queue flags fanout to 2-5", "060001000002000006000200000400000600030000020000"},
		{"queue flags bypass to 3", "queue flags bypass to 3", "060001000003000006000200000100000600030000010000"},
		{"queue flags bypass,fanout to 1-4", "queue flags bypass,fanout to 1-4", ""},
		{"queue num 1-4 fanout,bypass", "queue flags bypass,fanout to 1-4", ""},
		{"queue bypass", "queue flags bypass to 0", ""},
		{"queue num 3 bypass", "queue flags bypass to 3", ""},
		{"queue num 2-3 bypass fanout", "queue flags bypass,fanout to 2-3", ""},
		{"queue bypass bypass num 2", "queue flags bypass to 2", ""},
		{"queue to 1-4", "queue to 1-4", ""},
		{"queue num 3-3", "queue to 3", ""},
		{"queue num 65535", "queue to 65535", ""},
		{"queue to 0", "queue to 0", ""},
		{"flow add @ft", "flow add @ft", "0700010066740000"},
		{"flow offload @ft", "flow add @ft", ""},
	} {
		r, err := c.Compile("inet", tc.text)
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		if len(r.Exprs) != 1 {
			t.Errorf("%q: %d expressions, want 1", tc.text, len(r.Exprs))
			continue
		}
		if tc.wire != "" {
			b, err := expr.Marshal(r.Exprs[0])
			if want, _ := hex.DecodeString(tc.wire); err != nil || !bytes.Equal(b, want) {
				t.Errorf("%q: sends %x (%v), nft sends %s", tc.text, b, err, tc.wire)
			}
		}
		got, err := p.Print("inet", r.Exprs, "", nil)
		if err != nil || got != tc.printed {
			t.Errorf("%q printed as %q (%v), want %q", tc.text, got, err, tc.printed)
			continue
		}
		back, err := c.Compile("inet", got)
		if err != nil {
			t.Errorf("%q: %v", got, err)
			continue
		}
		a, _ := expr.Marshal(r.Exprs[0])
		b, _ := expr.Marshal(back.Exprs[0])
		if !bytes.Equal(a, b) {
			t.Errorf("%q reads back as %x, not %x", got, b, a)
		}
	}
}

// TestPrintRefusesStatementsItCannotSay: queue, dup, fwd and header or
// mark sets that nft would list as another rule, or that nft never makes,
// stay expressions.
func TestPrintRefusesStatementsItCannotSay(t *testing.T) {
	p := NewPrinter(loResolver{})
	imm := func(reg uint32, b ...byte) *expr.Immediate { return &expr.Immediate{DestRegister: reg, Data: b} }
	ttl := func(mask, xor []byte, csumFlags uint32) []expr.Expr {
		return []expr.Expr{
			&expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadNetwork, Offset: 8, Len: 2},
			&expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: 2, Mask: mask, Xor: xor},
			&expr.Payload{SourceRegister: expr.Reg1, Base: expr.PayloadNetwork, Offset: 8, Len: 2, CsumType: 1, CsumOffset: 10, CsumFlags: csumFlags},
		}
	}
	if got, err := p.Print("ip", ttl([]byte{0, 0xff}, []byte{0x40, 0}, 0), "", nil); err != nil || got != "ip ttl set 64" {
		t.Errorf("ip ttl set 64 printed as %q (%v)", got, err)
	}
	mark := func(mask, xor []byte) []expr.Expr {
		return []expr.Expr{
			&expr.Ct{Key: expr.CtMark, DestRegister: expr.Reg1},
			&expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: 4, Mask: mask, Xor: xor},
			&expr.Meta{Key: expr.MetaMark, SourceRegister: expr.Reg1},
		}
	}
	daddr := func(csumType, csumFlags uint32) []expr.Expr {
		return []expr.Expr{imm(expr.Reg1, 10, 0, 0, 1),
			&expr.Payload{SourceRegister: expr.Reg1, Base: expr.PayloadNetwork, Offset: 16, Len: 4, CsumType: csumType, CsumOffset: 10, CsumFlags: csumFlags}}
	}
	if got, err := p.Print("ip", daddr(1, 1), "", nil); err != nil || got != "ip daddr set 10.0.0.1" {
		t.Errorf("ip daddr set printed as %q (%v)", got, err)
	}
	for _, tc := range []struct {
		name   string
		family string
		xs     []expr.Expr
	}{
		{"queue flag 4", "inet", []expr.Expr{&expr.Queue{Num: 1, Total: 1, Flags: 4}}},
		{"queue of 0 queues", "inet", []expr.Expr{&expr.Queue{Num: 1}}},
		{"fanout to one queue", "inet", []expr.Expr{&expr.Queue{Num: 1, Total: 1, Flags: queueFanout}}},
		{"queues past 65535", "inet", []expr.Expr{&expr.Queue{Num: 65535, Total: 2}}},
		{"queue from a register", "inet", []expr.Expr{imm(expr.Reg1, 1, 0), &expr.Queue{SourceRegisterNum: expr.Reg1}}},
		{"the NF_QUEUE verdict", "inet", []expr.Expr{&expr.Immediate{DestRegister: expr.RegVerdict, Verdict: &expr.Verdict{Code: expr.VerdictQueue}}}},
		{"flow add with no name", "inet", []expr.Expr{&expr.FlowOffload{}}},
		{"ip daddr set, no pseudo-header", "ip", daddr(1, 0)},
		{"ip daddr set, no checksum", "ip", daddr(0, 1)},
		{"ip ttl set, another mask", "ip", ttl([]byte{0, 0xfe}, []byte{0x40, 0}, 0)},
		{"ip ttl set, a checksum flag", "ip", ttl([]byte{0, 0xff}, []byte{0x40, 0}, 1)},
		{"ip ttl set, bits of the protocol", "ip", ttl([]byte{0, 0xff}, []byte{0x40, 1}, 0)},
		{"ip ttl written as one byte", "ip", []expr.Expr{imm(expr.Reg1, 64),
			&expr.Payload{SourceRegister: expr.Reg1, Base: expr.PayloadNetwork, Offset: 8, Len: 1, CsumType: 1, CsumOffset: 10}}},
		{"ip protocol set", "ip", []expr.Expr{imm(expr.Reg1, 6),
			&expr.Payload{SourceRegister: expr.Reg1, Base: expr.PayloadNetwork, Offset: 9, Len: 1}}},
		{"mark set, a no-op bitwise", "inet", mark([]byte{0xff, 0xff, 0xff, 0xff}, []byte{0, 0, 0, 0})},
		{"mark set, and then xor", "inet", mark([]byte{0xff, 0, 0, 0}, []byte{0, 1, 0, 0})},
		{"dup in inet", "inet", []expr.Expr{imm(expr.Reg1, 10, 0, 0, 1), &expr.Dup{RegAddr: expr.Reg1}}},
		{"dup of a short address", "ip", []expr.Expr{imm(expr.Reg1, 10, 0, 0), &expr.Dup{RegAddr: expr.Reg1}}},
		{"fwd outside netdev", "ip", []expr.Expr{imm(expr.Reg1, 1, 0, 0, 0), &expr.Fwd{RegDev: expr.Reg1}}},
		{"fwd to family 7", "netdev", []expr.Expr{imm(expr.Reg1, 1, 0, 0, 0), imm(expr.Reg2, 10, 0, 0, 1),
			&expr.Fwd{RegDev: expr.Reg1, RegAddr: expr.Reg2, NFProto: 7}}},
		{"fwd with a family, no address", "netdev", []expr.Expr{imm(expr.Reg1, 1, 0, 0, 0), &expr.Fwd{RegDev: expr.Reg1, NFProto: 2}}},
		// found by FuzzPrintReadsBack: a value nothing reads, a verdict
		// in a data register, a dependency compared in another register
		{"an immediate nothing reads", "ip6", slices.Concat(daddr(1, 1), []expr.Expr{imm(expr.Reg1)})},
		{"an immediate into the verdict register", "ip", []expr.Expr{imm(expr.RegVerdict), imm(expr.Reg1, 64),
			&expr.Payload{SourceRegister: expr.Reg1, Base: expr.PayloadNetwork, Offset: 7, Len: 1}}},
		{"a verdict in register 1", "ip", []expr.Expr{&expr.Immediate{DestRegister: expr.Reg1, Verdict: &expr.Verdict{Code: expr.VerdictDrop}}}},
		{"nfproto compared in another register", "inet", slices.Concat([]expr.Expr{&expr.Meta{Key: expr.MetaNfproto, DestRegister: expr.Reg1},
			&expr.Cmp{SourceRegister: expr.Reg2, Op: expr.CmpEq, Data: []byte{2}}}, ttl([]byte{0, 0xff}, []byte{0x40, 0}, 0))},
	} {
		if got, err := p.Print(tc.family, tc.xs, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%s: printed as %q (%v), want ErrNotPrintable", tc.name, got, err)
		}
	}
}
