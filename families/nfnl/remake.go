package nfnl

// AddRuleset queues everything rs holds to be made again as it was
// listed: its tables (not their owner flag: the owner is the socket that
// made them), chains, objects, sets and maps with their elements,
// flowtables and rules (from their text when nlsh printed one, else
// from their expressions), in that order. A ruleset listed and made
// again lists the same (a rollback restores tables so).
func (tx *Tx) AddRuleset(rs *Ruleset) {
	for _, t := range rs.Tables {
		tx.AddTable(&Table{Family: t.Family, Name: t.Name, Flags: t.Flags &^ TableOwner, Comment: t.Comment})
	}
	for _, c := range rs.Chains {
		cp := *c
		cp.Handle, cp.Priority = 0, ""
		tx.AddChain(&cp)
	}
	for _, o := range rs.Objects {
		cp := *o
		cp.Handle = 0
		tx.AddObject(&cp)
	}
	for _, s := range rs.Sets {
		cp := *s
		cp.Handle = 0
		tx.AddSet(&cp)
	}
	for _, f := range rs.Flowtables {
		cp := *f
		cp.Handle = 0
		tx.AddFlowtable(&cp)
	}
	for _, r := range rs.Rules {
		nr := &Rule{Family: r.Family, Table: r.Table, Chain: r.Chain, Comment: r.Comment}
		if r.Text != "" {
			nr.Text = r.Text
		} else {
			nr.Exprs = r.Exprs
		}
		tx.AddRule(nr)
	}
}
