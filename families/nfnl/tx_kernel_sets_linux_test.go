package nfnl_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
)

// TestTxChecksKernelSets: a rule that names a set or map the kernel
// already has (made by nft here) compiles against it: a NAT map's values
// (address and port) come from the kernel's map, and a key of the wrong
// type is refused before anything is sent.
func TestTxChecksKernelSets(t *testing.T) {
	ns, c := setup(t, nil)
	nftFile(t, ns, `table ip t {
	map dnat-map { type ipv4_addr . inet_service : ipv4_addr . inet_service; }
	set a4 { type ipv4_addr; flags dynamic; }
	chain pre { type nat hook prerouting priority dstnat; policy accept; }
	chain c { }
}
`)
	const rule = "meta l4proto tcp dnat ip to ip daddr . tcp dport map @dnat-map"
	tx := c.Begin()
	tx.AddRule(&nfnl.Rule{Family: "ip", Table: "t", Chain: "pre", Text: rule})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatalf("%q: %v", rule, err)
	}
	// the key's tcp dport stands for the protocol match, which nft
	// lists no more
	const listed = "dnat ip to ip daddr . tcp dport map @dnat-map"
	if out := nft(t, ns, "list", "chain", "ip", "t", "pre"); !strings.Contains(out, "\t\t"+listed+"\n") {
		t.Errorf("nft lists:\n%s", out)
	}
	rs, err := c.Rules(ctx(t), nfnl.Filter{Family: "ip", Table: "t"})
	if err != nil || len(rs) != 1 || rs[0].Text != listed {
		t.Fatalf("nlsh lists %+v (%v)", rs, err)
	}
	before := nft(t, ns, "list", "ruleset")
	tx = c.Begin()
	tx.AddRule(&nfnl.Rule{Family: "ip", Table: "t", Chain: "c", Text: "tcp dport . ip saddr @a4 drop"})
	err = tx.Commit(ctx(t))
	if err == nil || !strings.Contains(err.Error(), "@a4 holds ipv4_addr, not inet_service . ipv4_addr") {
		t.Errorf("a key of the wrong type for the kernel's set: %v", err)
	}
	if nft(t, ns, "list", "ruleset") != before {
		t.Error("a refused rule changed the ruleset")
	}
}

// TestTxKernelSetsUnderContext: the kernel's sets are asked for under
// the context SetContext gave: a cancelled one asks nothing (the rule
// is left to the kernel to check, and the wrong key goes unnoticed
// until the commit), and the next rule, under a live one, asks again
// and is checked.
func TestTxKernelSetsUnderContext(t *testing.T) {
	ns, c := setup(t, nil)
	nftFile(t, ns, "table ip t {\n\tset a4 { type ipv4_addr; }\n\tchain c { }\n}\n")
	bad := &nfnl.Rule{Family: "ip", Table: "t", Chain: "c", Text: "tcp dport @a4 drop"}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tx := c.Begin()
	tx.SetContext(cancelled)
	tx.AddRule(bad)
	if err := tx.Err(); err != nil {
		t.Fatalf("under a cancelled context the rule is not checked, but: %v", err)
	}
	tx = c.Begin()
	tx.SetContext(cancelled)
	tx.AddRule(&nfnl.Rule{Family: "ip", Table: "t", Chain: "c", Text: "ip saddr @a4 drop"})
	tx.SetContext(ctx(t))
	tx.AddRule(bad)
	if err := tx.Err(); err == nil || !strings.Contains(err.Error(), "@a4 holds ipv4_addr") {
		t.Fatalf("under a live context after a cancelled one: %v, want the key checked", err)
	}
}
