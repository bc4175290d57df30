package nfnl

import (
	"context"
	"fmt"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl"
)

// snapshot is the state of the tables a transaction touches, taken just
// before its commit; restoring it undoes the transaction.
type snapshot struct {
	tables  []tableKey    // touched tables (every table after a flush)
	all     bool          // the transaction flushed the ruleset
	content *nfnl.Ruleset // what the touched tables held
	existed map[tableKey]bool
}

func takeSnapshot(ctx context.Context, cl *nfnl.Client, touched []tableKey, all bool) (*snapshot, error) {
	s := &snapshot{tables: touched, all: all, content: &nfnl.Ruleset{}, existed: map[tableKey]bool{}}
	tables, err := cl.Tables(ctx, nfnl.Filter{})
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		s.existed[tableKey{t.Family, t.Name}] = true
	}
	if all {
		rs, err := cl.Ruleset(ctx, nfnl.Filter{})
		if err != nil {
			return nil, err
		}
		s.content = rs
		return s, nil
	}
	for _, k := range touched {
		if !s.existed[k] {
			continue
		}
		rs, err := cl.Ruleset(ctx, nfnl.Filter{Family: k.family, Table: k.name})
		if err != nil {
			return nil, err
		}
		s.content.Tables = append(s.content.Tables, rs.Tables...)
		s.content.Chains = append(s.content.Chains, rs.Chains...)
		s.content.Sets = append(s.content.Sets, rs.Sets...)
		s.content.Rules = append(s.content.Rules, rs.Rules...)
		s.content.Objects = append(s.content.Objects, rs.Objects...)
		s.content.Flowtables = append(s.content.Flowtables, rs.Flowtables...)
	}
	return s, nil
}

// journal pushes the undo step of committed transaction t.
func (a *api) journal(t *txn, snap *snapshot) {
	env, target := a.env, t.target
	var names []string
	for _, k := range snap.tables {
		names = append(names, k.family+" "+k.name)
	}
	what := "tables " + strings.Join(names, ", ")
	if snap.all {
		what = "the whole ruleset"
	}
	desc := fmt.Sprintf("nftables transaction of %d operations on %s (in %s)", t.tx.Len(), what, target)
	env.Journal.Push(desc, func(ctx context.Context) error {
		cl, err := connsOf(env).client(target)
		if err != nil {
			return err
		}
		return snap.restore(ctx, cl)
	})
}

// restore puts the touched tables back as the snapshot holds them, in one
// batch: each is deleted if it exists now and re-created with its
// chains, sets, objects, flowtables and rules.
func (s *snapshot) restore(ctx context.Context, cl *nfnl.Client) error {
	now, err := cl.Tables(ctx, nfnl.Filter{})
	if err != nil {
		return err
	}
	exists := map[tableKey]bool{}
	for _, t := range now {
		exists[tableKey{t.Family, t.Name}] = true
	}
	tx := cl.Begin()
	if s.all {
		for _, t := range now {
			tx.DelTable(&nfnl.Table{Family: t.Family, Name: t.Name})
		}
	} else {
		for _, k := range s.tables {
			if exists[k] {
				tx.DelTable(&nfnl.Table{Family: k.family, Name: k.name})
			}
		}
	}
	tx.AddRuleset(s.content)
	if tx.Len() == 0 {
		return nil
	}
	return tx.Commit(ctx)
}
