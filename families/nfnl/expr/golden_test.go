package expr_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// golden is one expression nft sent: its rule, name and NFTA_EXPR_DATA.
type golden struct {
	rule, name string
	data       []byte
}

func readGolden(t testing.TB) []golden {
	b, err := os.ReadFile("../testdata/golden/exprs.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []golden
	rule := ""
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "# nft "):
			rule = strings.TrimPrefix(line, "# nft ")
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			name, h, _ := strings.Cut(line, " ")
			data, err := hex.DecodeString(h)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			out = append(out, golden{rule, name, data})
		}
	}
	return out
}

// clearNested drops NLA_F_NESTED from every nest, recursively: nft sets
// it, the kernel's dumps and nlsh do not, and the kernel accepts both.
func clearNested(b []byte) []byte {
	out := bytes.Clone(b)
	walk2(out)
	return out
}

func walk2(p []byte) {
	for len(p) >= 4 {
		l := int(p[0]) | int(p[1])<<8
		if l < 4 || l > len(p) {
			return
		}
		if p[3]&0x80 != 0 {
			p[3] &^= 0x80
			walk2(p[4:l])
		}
		n := codec.Align(l)
		if n > len(p) {
			return
		}
		p = p[n:]
	}
}

// clearRawNests drops NLA_F_NESTED inside the attributes of types,
// which an expression keeps raw (a dynset's statements, as nft sent
// them), as clearNested does for nests.
func clearRawNests(b []byte, types ...uint16) []byte {
	out := bytes.Clone(b)
	for p := out; len(p) >= 4; {
		l := int(p[0]) | int(p[1])<<8
		if l < 4 || l > len(p) {
			break
		}
		typ := (uint16(p[2]) | uint16(p[3])<<8) & 0x3fff
		for _, t := range types {
			if typ == t {
				walk2(p[4:l])
			}
		}
		n := codec.Align(l)
		if n > len(p) {
			break
		}
		p = p[n:]
	}
	return out
}

// TestGoldenFromNft decodes every expression nft sent into its typed
// form and encodes it back to nft's bytes (nest flags aside).
func TestGoldenFromNft(t *testing.T) {
	reg := expr.NewRegistry()
	seen := map[string]bool{}
	for _, g := range readGolden(t) {
		t.Run(g.rule+"/"+g.name, func(t *testing.T) {
			x, err := reg.DecodeOne(g.name, g.data)
			if err != nil {
				t.Fatal(err)
			}
			if _, raw := x.(*expr.Raw); raw {
				t.Fatalf("%s decoded as raw", g.name)
			}
			seen[g.name] = true
			got, err := expr.Marshal(x)
			if err != nil {
				t.Fatal(err)
			}
			if g.name == "dynset" {
				got = clearRawNests(got, 7, 10) // NFTA_DYNSET_EXPR(ESSIONS)
			}
			if want := clearNested(g.data); !bytes.Equal(got, want) {
				t.Errorf("re-encoded\n got %x\nwant %x", got, want)
			}
		})
	}
	for _, n := range reg.Names() {
		if !seen[n] && n != "queue" && n != "flow_offload" { // the test kernel has neither
			t.Errorf("expression %s has no golden bytes", n)
		}
	}
}

// TestRawKeepsBytes: an expression the registry does not know keeps its
// bytes and writes them back unchanged, inside a rule's list too.
func TestRawKeepsBytes(t *testing.T) {
	reg := expr.NewRegistry().Without("payload")
	data := []byte{8, 0, 1, 0, 0, 0, 0, 1, 8, 0, 2, 0, 0, 0, 0, 1, 8, 0, 3, 0, 0, 0, 0, 12, 8, 0, 4, 0, 0, 0, 0, 4}
	e := codec.NewEncoder(nil)
	e.BeginPlain(1)
	e.String(1, "payload")
	e.Bytes(2, data)
	e.End()
	list, _ := e.Encode()
	xs, err := reg.DecodeList(list)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := xs[0].(*expr.Raw)
	if !ok || r.Name != "payload" || !bytes.Equal(r.Data, data) {
		t.Fatalf("decoded %#v", xs[0])
	}
	e2 := codec.NewEncoder(nil)
	expr.EncodeList(e2, xs)
	if got, _ := e2.Encode(); !bytes.Equal(got, list) {
		t.Errorf("rewritten list\n got %x\nwant %x", got, list)
	}
	// the full registry decodes the same bytes as a typed payload
	x, err := expr.NewRegistry().DecodeOne("payload", data)
	if p, ok := x.(*expr.Payload); err != nil || !ok || p.Offset != 12 || p.Len != 4 {
		t.Errorf("full registry: %#v, %v", x, err)
	}
}

// TestQueueRoundTrip covers the expression the test kernel lacks.
func TestQueueRoundTrip(t *testing.T) {
	q := &expr.Queue{Num: 3, Total: 2, Flags: 1}
	b, err := expr.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{6, 0, 1, 0, 0, 3, 0, 0, 6, 0, 2, 0, 0, 2, 0, 0, 6, 0, 3, 0, 0, 1, 0, 0}
	if !bytes.Equal(b, want) {
		t.Fatalf("queue encodes as %x, want %x", b, want)
	}
	x, err := expr.NewRegistry().DecodeOne("queue", b)
	if qq, ok := x.(*expr.Queue); err != nil || !ok || qq.Num != 3 || qq.Total != 2 || qq.Flags != 1 {
		t.Errorf("decoded %#v, %v", x, err)
	}
}

// TestFlowOffloadFromNft: the bytes nft 1.0.6 sends for "flow add @ft"
// (from nft --debug=mnl; the test kernel has no flowtables, so the
// golden capture cannot run it).
func TestFlowOffloadFromNft(t *testing.T) {
	want := []byte{7, 0, 1, 0, 'f', 't', 0, 0}
	b, err := expr.Marshal(&expr.FlowOffload{Table: "ft"})
	if err != nil || !bytes.Equal(b, want) {
		t.Fatalf("flow_offload encodes as %x (%v), want %x", b, err, want)
	}
	x, err := expr.NewRegistry().DecodeOne("flow_offload", want)
	if f, ok := x.(*expr.FlowOffload); err != nil || !ok || f.Table != "ft" {
		t.Errorf("decoded %#v, %v", x, err)
	}
}

// TestQueueNumZero: a queue by number sends its number and count even
// when 0 (nft's "queue" is queue 0 of 1), one from a register neither.
func TestQueueNumZero(t *testing.T) {
	b, err := expr.Marshal(&expr.Queue{Total: 1})
	want := []byte{6, 0, 1, 0, 0, 0, 0, 0, 6, 0, 2, 0, 0, 1, 0, 0}
	if err != nil || !bytes.Equal(b, want) {
		t.Fatalf("queue 0 encodes as %x (%v), want %x", b, err, want)
	}
	b, err = expr.Marshal(&expr.Queue{SourceRegisterNum: 1})
	want = []byte{8, 0, 4, 0, 0, 0, 0, 1}
	if err != nil || !bytes.Equal(b, want) {
		t.Fatalf("queue from a register encodes as %x (%v), want %x", b, err, want)
	}
}
