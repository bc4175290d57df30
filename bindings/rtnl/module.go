package rtnl

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/core/netns"
)

// Name is what scripts require.
const Name = "rtnl"

// handleMeta names the metatable of handles from rtnl.open.
const handleMeta = "rtnl.Handle"

// Module returns the rtnl module for the runtime's registry.
func Module() bindings.Module {
	return bindings.Module{
		Name:     Name,
		Open:     open,
		Doc:      moduleDoc,
		Complete: completers(),
	}
}

// api is one set of rtnl functions: the module's (following the runtime's
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
		return nsbind.OpenHandle(L, env, "rtnl", handleMeta, func(L *lua.LState, tg netns.Target) (any, *lua.LTable) {
			h := &api{env: env, fixed: &tg}
			return h, h.table(L)
		})
	}))
	return t
}

// table builds the function tables of a: link, addr, route, neigh, rule,
// batch, monitor, wait.
func (a *api) table(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("link", bindings.SetFuncs(L, map[string]lua.LGFunction{
		"list": a.linkList, "each": a.linkEach, "get": a.linkGet, "add": a.linkAdd, "set": a.linkSet, "del": a.linkDel,
	}))
	t.RawSetString("addr", bindings.SetFuncs(L, map[string]lua.LGFunction{
		"list": a.addrList, "each": a.addrEach, "add": a.addrAdd, "replace": a.addrReplace, "del": a.addrDel,
	}))
	t.RawSetString("route", bindings.SetFuncs(L, map[string]lua.LGFunction{
		"list": a.routeList, "each": a.routeEach, "get": a.routeGet, "add": a.routeAdd,
		"replace": a.routeReplace, "append": a.routeAppend, "del": a.routeDel,
	}))
	t.RawSetString("neigh", bindings.SetFuncs(L, map[string]lua.LGFunction{
		"list": a.neighList, "each": a.neighEach, "add": a.neighAdd, "replace": a.neighReplace, "del": a.neighDel,
	}))
	t.RawSetString("rule", bindings.SetFuncs(L, map[string]lua.LGFunction{
		"list": a.ruleList, "add": a.ruleAdd, "del": a.ruleDel,
	}))
	t.RawSetString("batch", L.NewFunction(a.batch))
	t.RawSetString("monitor", L.NewFunction(a.monitor))
	t.RawSetString("wait", L.NewFunction(a.wait))
	return t
}
