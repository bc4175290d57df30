package ruletext

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// anonSets returns the lookup of a compiled rule's anonymous sets.
func anonSets(r *Rule) SetLookup {
	return func(_ string, id uint32) *AnonSet {
		if id == 0 || int(id) > len(r.Sets) {
			return nil
		}
		return r.Sets[id-1]
	}
}

// FuzzCompile compiles any text for any family: the compiler never
// panics, and the text it prints for a rule it compiled compiles again to
// a rule that prints the same (printing is a fixpoint). Seeds: the corpus
// (testdata/corpus.txt).
func FuzzCompile(f *testing.F) {
	for _, tc := range corpus(f) {
		f.Add(tc[0], tc[1])
		if tc[0] == "inet" {
			f.Add("bridge", tc[1]) // ethertype dependencies instead of nfproto
		}
	}
	f.Add("ip", `iifname "x" ip saddr != 10.0.0.1 drop`)
	// statements the test kernel lacks, so the corpus has none of them
	for _, text := range []string{"queue", "queue num 2-5 fanout", "queue flags bypass,fanout to 1-4", "queue bypass", "flow add @ft", "flow offload @ft"} {
		f.Add("inet", text)
	}
	// objects the corpus has none of, and the synproxy statement
	for _, text := range objrefSeeds() {
		f.Add("inet", text)
	}
	c, p := NewCompiler(loResolver{}), NewPrinter(loResolver{})
	f.Fuzz(func(t *testing.T, family, text string) {
		r, err := c.Compile(family, text)
		if err != nil {
			return
		}
		once, err := p.Print(family, r.Exprs, r.Comment, anonSets(r))
		if err != nil {
			return // compiled, but no rule text for it (only as expressions)
		}
		r2, err := c.Compile(family, once)
		if err != nil {
			t.Fatalf("%q compiled and printed as %q, which does not compile: %v", text, once, err)
		}
		twice, err := p.Print(family, r2.Exprs, r2.Comment, anonSets(r2))
		if err == nil && twice != once {
			// nft lists the elements of a tcp flags set that share their
			// lowest flag in the reverse of the order it holds them ("{
			// syn, syn | rst }" lists as "{ syn | rst, syn }", which lists
			// as the first again), and so does nlsh: up to the order of
			// set elements, printing is a fixpoint
			a, err1 := p.Print(family, r.Exprs, r.Comment, sortedSets(r))
			b, err2 := p.Print(family, r2.Exprs, r2.Comment, sortedSets(r2))
			if err1 == nil && err2 == nil && a == b {
				return
			}
		}
		if err != nil || twice != once {
			t.Fatalf("%q printed as %q, which prints as %q (%v)", text, once, twice, err)
		}
	})
}

// sortedSets is anonSets with each set's elements in the order of their
// keys: the rule as the kernel matches it, whatever order they came in.
func sortedSets(r *Rule) SetLookup {
	sets := anonSets(r)
	return func(name string, id uint32) *AnonSet {
		s := sets(name, id)
		if s == nil {
			return nil
		}
		c := *s
		c.Elements = slices.Clone(s.Elements)
		slices.SortStableFunc(c.Elements, func(a, b Element) int { return bytes.Compare(a.Key, b.Key) })
		return &c
	}
}

// FuzzPrint prints any expression list the registry decodes (any
// NFTA_RULE_EXPRESSIONS payload): the printer never panics on decoded
// expressions, whatever their fields hold. Seeds: the golden rules'
// expressions (testdata/golden/exprs.txt), one list per rule.
func FuzzPrint(f *testing.F) {
	for _, b := range goldenLists(f) {
		for _, fam := range []string{"inet", "ip", "ip6"} {
			f.Add(fam, b)
		}
	}
	// the statements that send a packet elsewhere or change it, as
	// nlsh compiles them (nft's layout, see the corpus)
	c := NewCompiler(loResolver{})
	for _, tc := range [][2]string{
		{"ip", `dup to 10.0.0.1 device "lo"`}, {"netdev", `fwd ip6 to fe80::1 device "lo"`}, {"netdev", `dup to "lo"`},
		{"inet", "ip ttl set 64"}, {"inet", "ip dscp set cs1"}, {"ip", "ip daddr set 10.0.0.1 tcp dport set 80"},
		{"inet", "ct mark set meta mark & 0xffff0000"}, {"inet", "queue flags bypass,fanout to 1-4"}, {"inet", "flow add @ft"},
	} {
		r, err := c.Compile(tc[0], tc[1])
		if err != nil {
			f.Fatal(err)
		}
		e := codec.NewEncoder(nil)
		expr.EncodeList(e, r.Exprs)
		b, err := e.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tc[0], b)
	}
	for _, b := range objrefSeedLists(f) {
		f.Add("inet", b)
	}
	reg := expr.NewRegistry()
	p := NewPrinter(loResolver{})
	f.Fuzz(func(t *testing.T, family string, b []byte) {
		xs, err := reg.DecodeList(b)
		if err != nil {
			return
		}
		p.Print(family, xs, "", func(string, uint32) *AnonSet { return nil })
	})
}

// goldenLists reads ../testdata/golden/exprs.txt ("# nft add rule ..."
// then "name hex" lines) into one NFTA_RULE_EXPRESSIONS payload per rule.
func goldenLists(t testing.TB) [][]byte {
	fh, err := os.Open("../testdata/golden/exprs.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out [][]byte
	var e *codec.Encoder
	flush := func() {
		if e == nil {
			return
		}
		b, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
		e = nil
	}
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# nft "):
			flush()
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			name, h, _ := strings.Cut(line, " ")
			data, err := hex.DecodeString(h)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			if e == nil {
				e = codec.NewEncoder(nil)
			}
			e.BeginPlain(1) // NFTA_LIST_ELEM
			e.String(1, name)
			e.Bytes(2, data)
			e.End()
		}
	}
	flush()
	return out
}
