package nfnl_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// rawRegistry knows no expression, so dumps keep every expression's bytes
// exactly as the kernel sent them.
func rawRegistry() *expr.Registry {
	r := expr.NewRegistry()
	return r.Without(r.Names()...)
}

// TestExprRoundTrip: for every golden rule, nft loads it (rule A) and nlsh
// builds it from the typed expressions decoded from nft's bytes (rule B).
// The kernel must hold the same bytes for A and B, and every expression of
// B, decoded and re-encoded by nlsh, must give the dumped bytes back.
func TestExprRoundTrip(t *testing.T) {
	rules := readGoldenRules(t)
	goldens := readGoldenExprs(t)
	ns, c := setup(t, nil)
	nftFile(t, ns, goldenScript(t, rules))

	reg := expr.NewRegistry()
	tx := c.Begin()
	for i, r := range rules {
		var xs []expr.Expr
		for _, g := range goldens[i] {
			x, err := reg.DecodeOne(g.name, g.data)
			if err != nil {
				t.Fatal(err)
			}
			xs = append(xs, x)
		}
		tx.AddRule(&nfnl.Rule{Family: r.family, Table: r.table, Chain: r.chain, Exprs: xs})
	}
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}

	raw, err := nfnl.Dial(&nfnl.Options{Socket: socketIn(ns), Registry: rawRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	dumped, err := raw.Rules(ctx(t), nfnl.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	byChain := map[string][]*nfnl.Rule{}
	for _, r := range dumped {
		k := r.Family + " " + r.Table + " " + r.Chain
		byChain[k] = append(byChain[k], r)
	}
	seen := map[string]int{}
	kinds := map[string]bool{}
	for _, r := range rules {
		k := r.family + " " + r.table + " " + r.chain
		n := seen[k]
		seen[k]++
		half := len(byChain[k]) / 2
		t.Run(fmt.Sprintf("%s/%s", k, r.text), func(t *testing.T) {
			if n >= half {
				t.Fatalf("chain %s has %d rules", k, len(byChain[k]))
			}
			a, b := byChain[k][n], byChain[k][half+n]
			if len(a.Exprs) != len(b.Exprs) {
				t.Fatalf("nft's rule has %d expressions, nlsh's %d", len(a.Exprs), len(b.Exprs))
			}
			for j := range a.Exprs {
				ra, rb := a.Exprs[j].(*expr.Raw), b.Exprs[j].(*expr.Raw)
				if ra.Name != rb.Name || !bytes.Equal(ra.Data, rb.Data) {
					t.Errorf("expression %d: nft's %s %x, nlsh's %s %x", j, ra.Name, ra.Data, rb.Name, rb.Data)
				}
				x, err := reg.DecodeOne(rb.Name, rb.Data)
				if err != nil {
					t.Fatal(err)
				}
				if _, isRaw := x.(*expr.Raw); isRaw {
					t.Errorf("expression %s did not decode", rb.Name)
				}
				kinds[rb.Name] = true
				again, err := expr.Marshal(x)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(again, rb.Data) {
					t.Errorf("%s re-encoded\n got %x\nwant %x", rb.Name, again, rb.Data)
				}
			}
		})
	}
	for _, name := range reg.Names() {
		if !kinds[name] && name != "queue" && name != "flow_offload" { // the test kernel has no nft_queue, no flowtables
			t.Errorf("expression %s not covered by a live round trip", name)
		}
	}
}
