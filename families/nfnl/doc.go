// Package nfnl is nftables over nfnetlink: tables, chains, rules, sets,
// maps, stateful objects and flowtables as a typed Go API, every change
// applied in one atomic batch.
//
// Field names follow `nft -j` (family, table, name, handle, type, hook,
// prio, policy, dev, ...). Rules are available both as expressions
// (package expr; expressions nlsh does not know are kept as raw bytes and
// written back unchanged) and as the text `nft list ruleset` prints
// (package ruletext).
//
//	c, _ := nfnl.Dial(nil)
//	tx := c.Begin()
//	tx.AddTable(&nfnl.Table{Family: "inet", Name: "filter"})
//	tx.AddChain(&nfnl.Chain{Family: "inet", Table: "filter", Name: "input",
//		Type: "filter", Hook: "input", Priority: "filter", Policy: "accept"})
//	tx.AddRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input",
//		Text: "tcp dport 22 accept"})
//	err := tx.Commit(ctx)
package nfnl
