package genl

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/genl"
)

// familyTable renders a family as a plain table: id, name, version,
// hdrsize, maxattr, ops ({id=, flags={"do","dump",...}}) and groups
// ({id=, name=}), in the order the controller reports them.
func familyTable(L *lua.LState, f *genl.Family) *lua.LTable {
	t := L.CreateTable(0, 7)
	t.RawSetString("id", lua.LNumber(f.ID))
	t.RawSetString("name", lua.LString(f.Name))
	t.RawSetString("version", lua.LNumber(f.Version))
	t.RawSetString("hdrsize", lua.LNumber(f.HdrSize))
	t.RawSetString("maxattr", lua.LNumber(f.MaxAttr))
	ops := L.CreateTable(len(f.Ops), 0)
	for _, op := range f.Ops {
		o := L.CreateTable(0, 2)
		o.RawSetString("id", lua.LNumber(op.ID))
		flags := L.NewTable()
		for _, n := range op.Names() {
			flags.Append(lua.LString(n))
		}
		o.RawSetString("flags", flags)
		ops.Append(o)
	}
	t.RawSetString("ops", ops)
	groups := L.CreateTable(len(f.Groups), 0)
	for _, g := range f.Groups {
		gt := L.CreateTable(0, 2)
		gt.RawSetString("id", lua.LNumber(g.ID))
		gt.RawSetString("name", lua.LString(g.Name))
		groups.Append(gt)
	}
	t.RawSetString("groups", groups)
	return t
}

// families is genl.families(): every family the controller knows.
func (a *api) families(L *lua.LState) int {
	const fn = "genl.families"
	bindings.OptTable(L, 1, fn).Done()
	fams, err := a.client(L, fn).g.Families(bindings.Context(L))
	if err != nil {
		raise(L, fn, err)
	}
	out := L.CreateTable(len(fams), 0)
	for i := range fams {
		out.Append(familyTable(L, &fams[i]))
	}
	L.Push(out)
	return 1
}

// familyName reads the family name argument: genl.family("ethtool") or
// genl.family{name="ethtool"}.
func familyName(L *lua.LState, fn string) string {
	if s, ok := L.Get(1).(lua.LString); ok {
		if s == "" {
			bindings.ArgError(L, fn, "argument #1: empty family name")
		}
		return string(s)
	}
	args := bindings.Table(L, 1, fn)
	name := args.String("name", bindings.Required)
	args.Done()
	return name
}

// family is genl.family(name): one family, resolved (and cached).
func (a *api) family(L *lua.LState) int {
	const fn = "genl.family"
	name := familyName(L, fn)
	f, err := a.client(L, fn).g.Family(bindings.Context(L), name)
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(familyTable(L, f))
	return 1
}

// policy is genl.policy(name): the family's attribute policy.
func (a *api) policy(L *lua.LState) int {
	const fn = "genl.policy"
	name := familyName(L, fn)
	p, err := a.client(L, fn).g.Policy(bindings.Context(L), name)
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(bindings.ToLua(L, p))
	return 1
}
