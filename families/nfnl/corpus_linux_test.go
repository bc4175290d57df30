package nfnl_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// TestCorpusNlshToNft loads every corpus rule through nlsh in one
// transaction; `nft list ruleset` must print each back as written, nft -j
// must agree with nlsh's listing on every rule's place and handle, and
// nlsh's own text of the ruleset must equal nft's.
func TestCorpusNlshToNft(t *testing.T) {
	rules := readCorpus(t)
	if len(rules) < 60 {
		t.Fatalf("corpus has %d rules, want at least 60", len(rules))
	}
	ns, c := setup(t, nil)
	loadCorpus(t, c, rules)
	listed := nft(t, ns, "list", "ruleset")
	byChain := chainRules(listed)
	seen := map[string]int{}

	var js struct {
		Nftables []map[string]json.RawMessage `json:"nftables"`
	}
	if err := json.Unmarshal([]byte(nft(t, ns, "-j", "list", "ruleset")), &js); err != nil {
		t.Fatal(err)
	}
	type jrule struct {
		Family string            `json:"family"`
		Table  string            `json:"table"`
		Chain  string            `json:"chain"`
		Handle uint64            `json:"handle"`
		Expr   []json.RawMessage `json:"expr"`
	}
	var jrules []jrule
	for _, o := range js.Nftables {
		if raw, ok := o["rule"]; ok {
			var r jrule
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			jrules = append(jrules, r)
		}
	}
	ours, err := c.Rules(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(jrules) != len(rules) || len(ours) != len(rules) {
		t.Fatalf("nft -j lists %d rules, nlsh %d, corpus has %d", len(jrules), len(ours), len(rules))
	}
	jByChain, oursByChain := map[string][]jrule{}, map[string][]*nfnl.Rule{}
	for _, j := range jrules {
		k := j.Family + " " + j.Table + " " + j.Chain
		jByChain[k] = append(jByChain[k], j)
	}
	for _, o := range ours {
		k := o.Family + " " + o.Table + " " + o.Chain
		oursByChain[k] = append(oursByChain[k], o)
	}
	for i, r := range rules {
		key := r.family + " " + r.table + " " + r.chain
		n := seen[key]
		seen[key]++
		t.Run(fmt.Sprintf("%03d %s", i, r.text), func(t *testing.T) {
			got := ""
			if n < len(byChain[key]) {
				got = byChain[key][n]
			}
			if got != r.text {
				t.Errorf("nft list prints %q", got)
			}
			if n >= len(jByChain[key]) || n >= len(oursByChain[key]) {
				t.Fatalf("rule %d of %s missing from nft -j or nlsh", n, key)
			}
			j, o := jByChain[key][n], oursByChain[key][n]
			if j.Family != o.Family || j.Table != o.Table || j.Chain != o.Chain || j.Handle != o.Handle || len(j.Expr) == 0 {
				t.Errorf("nft -j has %s %s %s handle %d (%d statements), nlsh %s %s %s handle %d",
					j.Family, j.Table, j.Chain, j.Handle, len(j.Expr), o.Family, o.Table, o.Chain, o.Handle)
			}
			if o.Text != r.text {
				t.Errorf("nlsh lists %q", o.Text)
			}
		})
	}
	rs, err := c.Ruleset(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := rs.Text(); got != listed {
		t.Errorf("nlsh text of the ruleset differs from nft's:\n--- nlsh\n%s\n--- nft\n%s", got, listed)
	}
}

// loadCorpus makes the skeleton, the corpus objects and rules through c
// in one transaction.
func loadCorpus(t *testing.T, c *nfnl.Client, rules []corpusRule) {
	t.Helper()
	tx := c.Begin()
	tables, chains := skeleton()
	for _, tb := range tables {
		tx.AddTable(tb)
	}
	for _, ch := range chains {
		tx.AddChain(ch)
	}
	for _, o := range corpusObjects() {
		tx.AddObject(o)
	}
	for _, st := range corpusSets() {
		tx.AddSet(st)
	}
	for _, r := range rules {
		tx.AddRule(&nfnl.Rule{Family: r.family, Table: r.table, Chain: r.chain, Text: r.text})
	}
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

// exprWire is the wire form of xs as the kernel lists them, but for a
// lookup's set name and id (the kernel numbers anonymous sets in the
// order they were made).
func exprWire(t *testing.T, xs []expr.Expr) []string {
	t.Helper()
	out := make([]string, len(xs))
	for i, x := range xs {
		if lk, ok := x.(*expr.Lookup); ok {
			c := *lk
			c.Set, c.SetID = "", 0
			x = &c
		}
		b, err := expr.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = x.Kind() + " " + hex.EncodeToString(b)
	}
	return out
}

// TestCorpusNftToNlsh loads the corpus with `nft -f` and lists it through
// nlsh: every rule must come back as the same text. The same rules loaded
// through nlsh (in another namespace) must list as the same expressions
// as nft's, anonymous sets' names aside: nlsh writes what nft writes (the
// same dependencies, byte orders and registers), not only text that nft
// prints alike.
func TestCorpusNftToNlsh(t *testing.T) {
	rules := readCorpus(t)
	ns, c := setup(t, nil)
	script := testdataNft(t, "skeleton.nft") + testdataNft(t, "corpus_sets.nft")
	for _, r := range rules {
		script += fmt.Sprintf("add rule %s %s %s %s\n", r.family, r.table, r.chain, r.text)
	}
	nftFile(t, ns, script)
	ours, err := c.Rules(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ours) != len(rules) {
		t.Fatalf("nlsh lists %d rules, want %d", len(ours), len(rules))
	}
	byChain := map[string][]*nfnl.Rule{}
	for _, o := range ours {
		k := o.Family + " " + o.Table + " " + o.Chain
		byChain[k] = append(byChain[k], o)
	}
	_, c2 := setup(t, nil)
	loadCorpus(t, c2, rules)
	byNlsh, err := c2.Rules(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	nlshByChain := map[string][]*nfnl.Rule{}
	for _, o := range byNlsh {
		k := o.Family + " " + o.Table + " " + o.Chain
		nlshByChain[k] = append(nlshByChain[k], o)
	}
	seen := map[string]int{}
	for i, r := range rules {
		key := r.family + " " + r.table + " " + r.chain
		n := seen[key]
		seen[key]++
		t.Run(fmt.Sprintf("%03d %s", i, r.text), func(t *testing.T) {
			if n >= len(byChain[key]) {
				t.Fatalf("rule %d of %s not listed", n, key)
			}
			o := byChain[key][n]
			if o.Text != r.text {
				t.Errorf("nlsh lists %q", o.Text)
			}
			if n >= len(nlshByChain[key]) {
				t.Fatalf("rule %d of %s not made by nlsh", n, key)
			}
			got, want := exprWire(t, nlshByChain[key][n].Exprs), exprWire(t, o.Exprs)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("nlsh made\n %s\nnft made\n %s", strings.Join(got, "\n "), strings.Join(want, "\n "))
			}
		})
	}
}
