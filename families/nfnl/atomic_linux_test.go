package nfnl_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"golang.org/x/sys/unix"
)

// TestAtomicBatch: a batch whose tenth operation is invalid changes
// nothing (nft list ruleset is byte-for-byte the same) and its error names
// the tenth operation.
func TestAtomicBatch(t *testing.T) {
	ns, c := setup(t, nil)
	nftFile(t, ns, testdataNft(t, "skeleton.nft")+"add rule inet filter input tcp dport 22 accept\n")
	before := nft(t, ns, "list", "ruleset")

	tx := c.Begin()
	tx.AddTable(&nfnl.Table{Family: "inet", Name: "fresh"})
	tx.AddChain(&nfnl.Chain{Family: "inet", Table: "fresh", Name: "c"})
	for i := 0; i < 7; i++ {
		tx.AddRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Text: "udp dport 53 counter packets 0 bytes 0 accept"})
	}
	// operation 10: a jump to a chain that does not exist
	tx.AddRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Text: "jump nowhere"})
	tx.AddRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Text: "drop"})
	start := time.Now()
	err := tx.Commit(ctx(t))
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("failed commit took %v", took)
	}
	var oe *nfnl.OpError
	if !errors.As(err, &oe) {
		t.Fatalf("Commit: %v, want an *OpError", err)
	}
	if oe.Index != 10 || oe.Text != "jump nowhere" || !strings.Contains(err.Error(), "operation 10") {
		t.Errorf("error names operation %d %q: %v", oe.Index, oe.Text, err)
	}
	if !errors.Is(err, unix.ENOENT) {
		t.Errorf("error %v does not match ENOENT", err)
	}
	if after := nft(t, ns, "list", "ruleset"); after != before {
		t.Errorf("ruleset changed by a failed batch:\n--- before\n%s--- after\n%s", before, after)
	}
	// The connection is still in step: a good batch goes through.
	tx = c.Begin()
	tx.AddRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Text: "drop"})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(nft(t, ns, "list", "chain", "inet", "filter", "input"), "\t\tdrop\n") {
		t.Error("rule of the good batch is missing")
	}
}

// TestGenerationCheck: a transaction pinned to a generation fails, and
// changes nothing, when another change was committed after the pin.
func TestGenerationCheck(t *testing.T) {
	ns, c := setup(t, nil)
	nftFile(t, ns, testdataNft(t, "skeleton.nft"))
	tx := c.Begin()
	if err := tx.PinGeneration(ctx(t)); err != nil {
		t.Fatal(err)
	}
	tx.AddRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Text: "accept"})
	nft(t, ns, "add", "rule", "inet", "filter", "input", "drop") // concurrent change
	err := tx.Commit(ctx(t))
	if !errors.Is(err, nfnl.ErrGenerationChanged) {
		t.Fatalf("Commit after a concurrent change: %v, want ErrGenerationChanged", err)
	}
	if strings.Contains(nft(t, ns, "list", "ruleset"), "accept\n\t}") {
		t.Error("the stale batch was applied")
	}
	tx = c.Begin()
	if err := tx.PinGeneration(ctx(t)); err != nil {
		t.Fatal(err)
	}
	tx.AddRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Text: "accept"})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatalf("Commit with a current generation: %v", err)
	}
	_ = expr.RegVerdict
}
