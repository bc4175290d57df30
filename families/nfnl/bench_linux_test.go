package nfnl_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
)

const benchRules = 10000

// benchRuleText is rule i of the benchmark ruleset.
func benchRuleText(i int) string {
	return fmt.Sprintf("ip saddr 10.%d.%d.%d tcp dport %d counter packets 0 bytes 0 accept", i>>16&255, i>>8&255, i&255, 1024+i%60000)
}

// BenchmarkRuleset10k loads a 10,000-rule ruleset in one transaction and
// lists it, through nlsh and through nft, in the same run.
func BenchmarkRuleset10k(b *testing.B) {
	ns, c := setup(b, nil)
	var script strings.Builder
	script.WriteString("flush ruleset\n" + testdataNft(b, "skeleton.nft"))
	for i := 0; i < benchRules; i++ {
		fmt.Fprintf(&script, "add rule inet filter input %s\n", benchRuleText(i))
	}
	f, err := os.CreateTemp(b.TempDir(), "*.nft")
	if err != nil {
		b.Fatal(err)
	}
	f.WriteString(script.String())
	f.Close()
	tables, chains := skeleton()
	load := func(b *testing.B) {
		tx := c.Begin()
		tx.FlushRuleset()
		for _, t := range tables {
			tx.AddTable(t)
		}
		for _, ch := range chains {
			tx.AddChain(ch)
		}
		for i := 0; i < benchRules; i++ {
			tx.AddRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Text: benchRuleText(i)})
		}
		if err := tx.Commit(ctx(b)); err != nil {
			b.Fatal(err)
		}
	}
	check := func(b *testing.B, rules []*nfnl.Rule) {
		if len(rules) != benchRules || rules[benchRules-1].Text != benchRuleText(benchRules-1) {
			b.Fatalf("listed %d rules", len(rules))
		}
	}
	b.Run("load/nlsh", func(b *testing.B) {
		for b.Loop() {
			load(b)
		}
	})
	b.Run("load/nft", func(b *testing.B) {
		for b.Loop() {
			nft(b, ns, "-f", f.Name())
		}
	})
	b.Run("list/nlsh", func(b *testing.B) {
		for b.Loop() {
			rs, err := c.Ruleset(ctx(b), nfnl.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			check(b, rs.Rules)
			_ = rs.Text()
		}
	})
	b.Run("list/nft", func(b *testing.B) {
		for b.Loop() {
			if out := nft(b, ns, "list", "ruleset"); strings.Count(out, "\n") < benchRules {
				b.Fatal("nft listed too little")
			}
		}
	})
}
