package nfnl_test

import (
	"bytes"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// TestUnknownExprSurvives: a rule nft made with expressions the registry
// does not know (numgen here, and meta hidden too) is listed with them as
// raw bytes, and replacing the rule by handle with the dumped expressions
// leaves `nft list ruleset` and the kernel's bytes unchanged.
func TestUnknownExprSurvives(t *testing.T) {
	reg := expr.NewRegistry().Without("numgen", "meta")
	if reg.New("numgen") != nil {
		t.Fatal("registry still knows numgen")
	}
	ns, c := setup(t, reg)
	nftFile(t, ns, testdataNft(t, "skeleton.nft")+"add rule inet filter input meta mark set numgen inc mod 2 offset 5 counter packets 0 bytes 0 accept\n")
	before := nft(t, ns, "list", "ruleset")
	rawBefore := dumpRaw(t, c)

	rules, err := c.Rules(ctx(t), nfnl.Filter{Family: "inet", Table: "filter", Chain: "input"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 {
		t.Fatalf("listed %d rules", len(rules))
	}
	r := rules[0]
	var raws []string
	for _, x := range r.Exprs {
		if rx, ok := x.(*expr.Raw); ok {
			raws = append(raws, rx.Name)
		}
	}
	if len(raws) != 2 || raws[0] != "numgen" || raws[1] != "meta" {
		t.Fatalf("raw expressions %v, want [numgen meta]", raws)
	}
	if r.Text != "" {
		t.Errorf("rule with unknown expressions printed as %q", r.Text)
	}
	tx := c.Begin()
	tx.ReplaceRule(&nfnl.Rule{Family: r.Family, Table: r.Table, Chain: r.Chain, Handle: r.Handle, Exprs: r.Exprs})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if after := nft(t, ns, "list", "ruleset"); after != before {
		t.Errorf("nft list changed:\n--- before\n%s--- after\n%s", before, after)
	}
	if rawAfter := dumpRaw(t, c); !bytes.Equal(rawAfter, rawBefore) {
		t.Errorf("kernel bytes changed:\n%x\n%x", rawBefore, rawAfter)
	}
}

// dumpRaw returns the expression bytes of every rule, concatenated.
func dumpRaw(t *testing.T, c *nfnl.Client) []byte {
	t.Helper()
	rules, err := c.Rules(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, r := range rules {
		for _, x := range r.Exprs {
			b, err := expr.Marshal(x)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, x.Kind()...)
			out = append(out, b...)
		}
	}
	return out
}
