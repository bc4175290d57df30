package expr_test

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// encodeOne is x's NFTA_LIST_ELEM payload (name and data), as a rule
// carries it.
func encodeOne(t testing.TB, x expr.Expr) []byte {
	t.Helper()
	e := codec.NewEncoder(nil)
	expr.EncodeOne(e, x)
	b, err := e.Encode()
	if err != nil {
		t.Fatalf("encode %s: %v", x.Kind(), err)
	}
	return b
}

// encodeList is the NFTA_RULE_EXPRESSIONS payload of xs.
func encodeList(t testing.TB, xs []expr.Expr) []byte {
	t.Helper()
	e := codec.NewEncoder(nil)
	expr.EncodeList(e, xs)
	b, err := e.Encode()
	if err != nil {
		t.Fatalf("encode list: %v", err)
	}
	return b
}

// FuzzDecodeOne decodes any NFTA_EXPR_DATA under any name — every
// registered expression, and *Raw for the rest (and for what a typed
// expression cannot represent). Nothing panics, and what decodes is
// stable: encoding it, decoding that and encoding again gives the same
// bytes. A *Raw keeps its bytes exactly. Seeds: every expression nft sent
// in testdata/golden/exprs.txt, and every registered name with no data.
func FuzzDecodeOne(f *testing.F) {
	reg := expr.NewRegistry()
	for _, g := range readGolden(f) {
		f.Add(g.name, g.data)
	}
	names := reg.Names()
	sort.Strings(names)
	for _, n := range names {
		f.Add(n, []byte{})
	}
	f.Add("nosuchexpr", []byte{4, 0, 1, 0})
	// what nft sends for the expressions the test kernel lacks
	f.Add("flow_offload", []byte{7, 0, 1, 0, 'f', 't', 0, 0})
	f.Add("queue", []byte{6, 0, 1, 0, 0, 2, 0, 0, 6, 0, 2, 0, 0, 4, 0, 0, 6, 0, 3, 0, 0, 2, 0, 0})
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if strings.ContainsRune(name, 0) {
			return // no list carries such a name: the encoder refuses it
		}
		x, err := reg.DecodeOne(name, data)
		if err != nil {
			return
		}
		if r, ok := x.(*expr.Raw); ok && !bytes.Equal(r.Data, data) {
			t.Fatalf("raw %s kept %x, was given %x", name, r.Data, data)
		}
		once := encodeOne(t, x)
		xs, err := reg.DecodeList(encodeList(t, []expr.Expr{x}))
		if err != nil {
			t.Fatalf("%s decoded from %x, but its encoding %x does not decode: %v", name, data, once, err)
		}
		if len(xs) != 1 {
			t.Fatalf("%s: encoding decodes to %d expressions", name, len(xs))
		}
		if twice := encodeOne(t, xs[0]); !bytes.Equal(once, twice) {
			t.Fatalf("%s from %x: encodes to %x, then to %x", name, data, once, twice)
		}
	})
}

// FuzzDecodeList decodes any NFTA_RULE_EXPRESSIONS payload: nothing
// panics, and a list that decodes encodes to a list that decodes to the
// same encoding. Seeds: the golden rules' expression lists.
func FuzzDecodeList(f *testing.F) {
	reg := expr.NewRegistry()
	var rule string
	var xs []expr.Expr
	flush := func() {
		if len(xs) > 0 {
			f.Add(encodeList(f, xs))
		}
		xs = nil
	}
	for _, g := range readGolden(f) {
		if g.rule != rule {
			flush()
			rule = g.rule
		}
		x, err := reg.DecodeOne(g.name, g.data)
		if err != nil {
			f.Fatal(err)
		}
		xs = append(xs, x)
	}
	flush()
	f.Fuzz(func(t *testing.T, b []byte) {
		xs, err := reg.DecodeList(b)
		if err != nil {
			return
		}
		for _, x := range xs {
			if strings.ContainsRune(x.Kind(), 0) {
				return // a name with a NUL inside: the encoder refuses it
			}
		}
		once := encodeList(t, xs)
		ys, err := reg.DecodeList(once)
		if err != nil {
			t.Fatalf("list decoded from %x, but its encoding %x does not decode: %v", b, once, err)
		}
		if twice := encodeList(t, ys); !bytes.Equal(once, twice) {
			t.Fatalf("list from %x: encodes to %x, then to %x", b, once, twice)
		}
	})
}
