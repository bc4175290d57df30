package nfnl

import (
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/families/nfnl"
)

type setKey struct{ family, table, name string }

type tableKey struct{ family, name string }

// txn is one transaction being built from Lua.
type txn struct {
	a      *api
	fn     string // function name for errors, "nfnl.transaction"
	cl     *nfnl.Client
	target netns.Target
	tx     *nfnl.Tx
	sets   map[setKey]*nfnl.Set
	// touched lists the tables the operations change, in order;
	// flushAll is set by a ruleset flush.
	touched  []tableKey
	flushAll bool
	descs    []string
	closed   bool
}

func (a *api) newTxn(L *lua.LState, fn string) *txn {
	cl := a.client(L, fn)
	return &txn{a: a, fn: fn, cl: cl, target: a.target(), tx: cl.Begin(), sets: map[setKey]*nfnl.Set{}}
}

func (t *txn) touch(family, table string) {
	k := tableKey{family, table}
	for _, o := range t.touched {
		if o == k {
			return
		}
	}
	t.touched = append(t.touched, k)
}

// apply runs one verb on the arguments at stack position 1 of L and
// raises, naming fn, if the operation is refused before sending.
func (t *txn) apply(L *lua.LState, fn string, v verb) {
	if t.closed {
		L.RaiseError("%s: the transaction has ended", fn)
	}
	t.tx.SetContext(bindings.Context(L))
	v(t, bindings.Table(L, 1, fn))
	if err := t.tx.Err(); err != nil {
		bindings.ArgError(L, fn, "%v", err)
	}
}

// set returns the set name as it was made: earlier in this transaction,
// or as the kernel lists it.
func (t *txn) set(a *bindings.Args, family, table, name string) *nfnl.Set {
	if s, ok := t.sets[setKey{family, table, name}]; ok {
		return s
	}
	sets, err := t.cl.Sets(bindings.Context(a.L), nfnl.Filter{Family: family, Table: table})
	if err == nil {
		for _, s := range sets {
			if s.Name == name {
				t.sets[setKey{family, table, name}] = s
				return s
			}
		}
	}
	a.Fail("set", "no set %q in table %s %s", name, family, table)
	return nil
}

// single returns the Lua function of a one-operation verb.
func (a *api) single(k kind, name string) lua.LGFunction {
	fn := "nfnl." + k.name + "." + name
	v := k.verbs[name]
	return func(L *lua.LState) int {
		t := a.newTxn(L, fn)
		t.apply(L, fn, v)
		a.commit(L, t)
		return 0
	}
}

// transaction is nfnl.transaction(fn): fn(tx) queues operations, which
// are sent as one atomic batch when it returns.
func (a *api) transaction(L *lua.LState) int {
	const fn = "nfnl.transaction"
	f := bindings.FuncArg(L, 1, fn)
	if L.GetTop() > 1 {
		bindings.ArgError(L, fn, "takes one function, got %d arguments", L.GetTop())
	}
	t := a.newTxn(L, fn)
	txt := t.table(L)
	func() {
		defer func() { t.closed = true }()
		L.Push(f)
		L.Push(txt)
		L.Call(1, 0)
	}()
	a.commit(L, t)
	return 0
}

// table builds the Lua tx: tx.table.add{...}, tx.rule.add{...}, ...,
// tx.flush().
func (t *txn) table(L *lua.LState) *lua.LTable {
	txt := L.NewTable()
	for _, k := range kinds() {
		sub := L.NewTable()
		for name, v := range k.verbs {
			fn := "tx." + k.name + "." + name
			v := v
			sub.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
				t.apply(L, fn, v)
				return 0
			}))
		}
		txt.RawSetString(k.name, sub)
	}
	txt.RawSetString("flush", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() > 0 {
			bindings.ArgError(L, "tx.flush", "takes no arguments")
		}
		t.apply(L, "tx.flush", func(t *txn, _ *bindings.Args) { t.flushAll = true; t.tx.FlushRuleset() })
		return 0
	}))
	return txt
}

// commit sends t, journals its inverse (also when the commit's answer
// was lost), and raises on failure.
func (a *api) commit(L *lua.LState, t *txn) {
	t.closed = true
	if t.tx.Len() == 0 {
		return
	}
	ctx := bindings.Context(L)
	var snap *snapshot
	if a.env.Journal.Enabled() && !a.env.DryRun {
		var err error
		if snap, err = takeSnapshot(ctx, t.cl, t.touched, t.flushAll); err != nil {
			bindings.Raise(L, t.fn, fmt.Errorf("snapshot for rollback: %w", err))
		}
	}
	// A batch the kernel answered (a *codec.Error) was refused whole; one
	// whose answer was lost may have been applied: its undo restores the
	// snapshot all the same, which changes nothing if it was not.
	err := t.tx.Commit(ctx)
	if snap != nil && bindings.MayHaveApplied(err) {
		a.journal(t, snap)
	}
	if err != nil {
		raiseCommit(L, t.fn, err)
	}
}

// raiseCommit raises a refused batch as an error value whose text names
// the operation and its rule text, keeping the errno and extack.
func raiseCommit(L *lua.LState, fn string, err error) {
	var oe *nfnl.OpError
	var ke *codec.Error
	if errors.As(err, &oe) && errors.As(oe.Err, &ke) {
		cp := *ke
		obj := fmt.Sprintf("operation %d (%s", oe.Index, oe.Op)
		if oe.Text != "" {
			obj += fmt.Sprintf(" %q", oe.Text)
		}
		cp.Object = strings.TrimSpace(obj + ")")
		err = fmt.Errorf("%s: %w", oe.Error(), &cp)
	}
	bindings.Raise(L, fn, err)
}
