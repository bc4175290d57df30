package nfnl

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/core/netns"
)

// Name is what scripts require.
const Name = "nfnl"

// handleMeta names the metatable of handles from nfnl.open.
const handleMeta = "nfnl.Handle"

// Module returns the nfnl module for the runtime's registry.
func Module() bindings.Module {
	return bindings.Module{Name: Name, Open: open, Doc: moduleDoc}
}

// api is one set of nfnl functions: the module's (following the runtime's
// current namespace) or a handle's (bound to one namespace).
type api struct {
	env   *bindings.Env
	fixed *netns.Target // nil: env.Netns()
}

// target is where calls made through a go now.
func (a *api) target() netns.Target {
	if a.fixed != nil {
		return *a.fixed
	}
	return a.env.Netns()
}

func open(L *lua.LState, env *bindings.Env) lua.LValue {
	a := &api{env: env}
	t := a.table(L)
	t.RawSetString("open", L.NewFunction(func(L *lua.LState) int {
		return nsbind.OpenHandle(L, env, "nfnl", handleMeta, func(L *lua.LState, tg netns.Target) (any, *lua.LTable) {
			h := &api{env: env, fixed: &tg}
			return h, h.table(L)
		})
	}))
	return t
}

// table builds the function tables of a.
func (a *api) table(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	for _, k := range kinds() {
		fns := map[string]lua.LGFunction{"list": a.lister(k)}
		for verb := range k.verbs {
			fns[verb] = a.single(k, verb)
		}
		t.RawSetString(k.name, bindings.SetFuncs(L, fns))
	}
	t.RawSetString("transaction", L.NewFunction(a.transaction))
	t.RawSetString("ruleset", L.NewFunction(a.ruleset))
	t.RawSetString("text", L.NewFunction(a.text))
	t.RawSetString("flush", L.NewFunction(a.flush))
	t.RawSetString("generation", L.NewFunction(a.generation))
	t.RawSetString("monitor", L.NewFunction(a.monitor))
	return t
}
