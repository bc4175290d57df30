package nfnl

import (
	"encoding/json"
	"fmt"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/nfnl"
)

// jsonToLua converts v through its JSON form (nft -j names, flags as
// names) to a plain Lua value.
func jsonToLua(L *lua.LState, v any) lua.LValue {
	b, err := json.Marshal(v)
	if err != nil {
		L.RaiseError("nfnl: %v", err)
	}
	var x any
	d := json.NewDecoder(bytesReader(b))
	d.UseNumber()
	if err := d.Decode(&x); err != nil {
		L.RaiseError("nfnl: %v", err)
	}
	return plainToLua(L, x)
}

func plainToLua(L *lua.LState, x any) lua.LValue {
	switch x := x.(type) {
	case map[string]any:
		t := L.CreateTable(0, len(x))
		for k, v := range x {
			t.RawSetString(k, plainToLua(L, v))
		}
		return t
	case []any:
		t := L.CreateTable(len(x), 0)
		for _, v := range x {
			t.Append(plainToLua(L, v))
		}
		return t
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil && n <= bindings.MaxExactInt && n >= -bindings.MaxExactInt {
			return lua.LNumber(n)
		}
		return lua.LString(x)
	case string:
		return lua.LString(x)
	case bool:
		return lua.LBool(x)
	}
	return lua.LNil
}

// ruleSpec shows a rule as a record (fields converted on first read, so
// counting a 10,000-rule ruleset builds no expression tables): family,
// table, chain, handle (always, 0 for none), text, comment and expr
// (expression tables nfnl.rule.add accepts as exprs, always a list).
var ruleSpec = &bindings.RecordSpec{
	Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
		"handle": func(_ *lua.LState, v any) (lua.LValue, bool) {
			return lua.LNumber(v.(*nfnl.Rule).Handle), true
		},
		"position": func(*lua.LState, any) (lua.LValue, bool) { return lua.LNil, true },
		"expr": func(L *lua.LState, v any) (lua.LValue, bool) {
			return exprsToLua(L, v.(*nfnl.Rule).Exprs), true
		},
	},
}

// ruleToLua is a rule as a record under ruleSpec.
func ruleToLua(L *lua.LState, r *nfnl.Rule) *lua.LTable {
	return bindings.NewRecord(L, ruleSpec, r)
}

func listToLua[T any](L *lua.LState, xs []T, conv func(*lua.LState, T) lua.LValue) *lua.LTable {
	t := L.CreateTable(len(xs), 0)
	for _, x := range xs {
		t.Append(conv(L, x))
	}
	return t
}

func anyToLua[T any](L *lua.LState, x T) lua.LValue { return jsonToLua(L, x) }

func rulesToLua(L *lua.LState, r *nfnl.Rule) lua.LValue { return ruleToLua(L, r) }

// filterArgs reads {family=, table=, chain=} for listings.
func filterArgs(a *bindings.Args, chain bool) nfnl.Filter {
	f := nfnl.Filter{Family: family(a, bindings.Optional), Table: a.String("table", bindings.Optional)}
	if chain {
		f.Chain = a.String("chain", bindings.Optional)
	}
	if f.Table != "" && f.Family == "" {
		a.Fail("family", "a table filter needs the family")
	}
	return f
}

// lister returns the list function of kind k.
func (a *api) lister(k kind) lua.LGFunction {
	fn := "nfnl." + k.name + ".list"
	return func(L *lua.LState) int {
		args := bindings.OptTable(L, 1, fn)
		f := filterArgs(args, k.name == "rule" || k.name == "chain")
		var setName string
		if k.name == "element" {
			setName = args.String("set", bindings.Required)
			if f.Table == "" {
				args.Fail("table", "listing elements needs family, table and set")
			}
		}
		args.Done()
		cl := a.client(L, fn)
		ctx := bindings.Context(L)
		var out lua.LValue
		var err error
		switch k.name {
		case "table":
			var xs []*nfnl.Table
			xs, err = cl.Tables(ctx, f)
			out = listToLua(L, xs, anyToLua)
		case "chain":
			var xs []*nfnl.Chain
			xs, err = cl.Chains(ctx, f)
			if f.Chain != "" {
				xs = onlyChain(xs, f.Chain)
			}
			out = listToLua(L, xs, anyToLua)
		case "rule":
			var xs []*nfnl.Rule
			xs, err = cl.Rules(ctx, f)
			out = listToLua(L, xs, rulesToLua)
		case "set":
			var xs []*nfnl.Set
			xs, err = cl.Sets(ctx, f)
			out = listToLua(L, xs, anyToLua)
		case "element":
			var xs []*nfnl.Set
			xs, err = cl.Sets(ctx, f)
			out = lua.LNil
			for _, s := range xs {
				if s.Name == setName {
					out = listToLua(L, s.Elements, anyToLua)
				}
			}
			if out == lua.LNil && err == nil {
				err = fmt.Errorf("no set %q in table %s %s", setName, f.Family, f.Table)
			}
		case "object":
			var xs []*nfnl.Object
			xs, err = cl.Objects(ctx, f)
			out = listToLua(L, xs, anyToLua)
		case "flowtable":
			var xs []*nfnl.Flowtable
			xs, err = cl.Flowtables(ctx, f)
			out = listToLua(L, xs, anyToLua)
		}
		if err != nil {
			bindings.Raise(L, fn, err)
		}
		L.Push(out)
		return 1
	}
}

func onlyChain(xs []*nfnl.Chain, name string) []*nfnl.Chain {
	var out []*nfnl.Chain
	for _, c := range xs {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// ruleset is nfnl.ruleset{family=, table=}: every object as plain tables.
func (a *api) ruleset(L *lua.LState) int {
	const fn = "nfnl.ruleset"
	args := bindings.OptTable(L, 1, fn)
	f := filterArgs(args, false)
	args.Done()
	rs, err := a.client(L, fn).Ruleset(bindings.Context(L), f)
	if err != nil {
		bindings.Raise(L, fn, err)
	}
	t := L.CreateTable(0, 6)
	t.RawSetString("tables", listToLua(L, rs.Tables, anyToLua))
	t.RawSetString("chains", listToLua(L, rs.Chains, anyToLua))
	t.RawSetString("sets", listToLua(L, rs.Sets, anyToLua))
	t.RawSetString("rules", listToLua(L, rs.Rules, rulesToLua))
	t.RawSetString("objects", listToLua(L, rs.Objects, anyToLua))
	t.RawSetString("flowtables", listToLua(L, rs.Flowtables, anyToLua))
	L.Push(t)
	return 1
}

// text is nfnl.text{family=, table=}: the ruleset as nft list ruleset
// prints it.
func (a *api) text(L *lua.LState) int {
	const fn = "nfnl.text"
	args := bindings.OptTable(L, 1, fn)
	f := filterArgs(args, false)
	args.Done()
	rs, err := a.client(L, fn).Ruleset(bindings.Context(L), f)
	if err != nil {
		bindings.Raise(L, fn, err)
	}
	L.Push(lua.LString(rs.Text()))
	return 1
}

// flush is nfnl.flush(): deletes every table (nft flush ruleset), as a
// one-operation transaction.
func (a *api) flush(L *lua.LState) int {
	const fn = "nfnl.flush"
	if L.GetTop() > 0 {
		bindings.ArgError(L, fn, "takes no arguments")
	}
	t := a.newTxn(L, fn)
	t.flushAll = true
	t.tx.FlushRuleset()
	a.commit(L, t)
	return 0
}

// generation is nfnl.generation(): the ruleset's generation id.
func (a *api) generation(L *lua.LState) int {
	const fn = "nfnl.generation"
	g, err := a.client(L, fn).Generation(bindings.Context(L))
	if err != nil {
		bindings.Raise(L, fn, err)
	}
	L.Push(lua.LNumber(g))
	return 1
}
