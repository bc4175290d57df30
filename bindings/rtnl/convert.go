package rtnl

import (
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

// Results are plain tables with ip -j's field names: bindings.ToLua does
// most of the work from the json tags; these functions fix what ip prints
// differently from the Go types (flag lists, "default" routes) and, for
// the types with string or address fields that ip leaves out when empty
// but whose json tags do not (links, addresses, neighbours), drop the
// empty strings left by zero values. Routes and rules have none: every
// such field of theirs is omitempty/omitzero, so ToLua leaves it out.

// linkToLua converts a link. The family fills master, link (the
// parent), link_index and group as ip -j spells them; the flags come as
// ip's list (with M-DOWN).
func linkToLua(L *lua.LState, l *rtnl.Link) *lua.LTable {
	t := bindings.ToLua(L, l).(*lua.LTable)
	flags := l.Flags.Names()
	ft := L.CreateTable(len(flags), 0)
	for _, f := range flags {
		ft.Append(lua.LString(f))
	}
	t.RawSetString("flags", ft)
	dropEmpty(t)
	return t
}

// addrToLua converts an address (the fields of one ip -j addr_info entry,
// plus dev and ifindex).
func addrToLua(L *lua.LState, a *rtnl.Address) *lua.LTable {
	t := bindings.ToLua(L, a).(*lua.LTable)
	dropEmpty(t)
	return t
}

// routeToLua converts a route: dst as ip prints it ("default", a bare
// host address, a prefix) and the table by name.
func routeToLua(L *lua.LState, r *rtnl.Route) *lua.LTable {
	t := bindings.ToLua(L, r).(*lua.LTable)
	t.RawSetString("dst", lua.LString(r.DstString()))
	if r.TableName == "" && r.Table != 0 {
		t.RawSetString("table", lua.LString(strconv.FormatUint(uint64(r.Table), 10)))
	}
	return t
}

func neighToLua(L *lua.LState, n *rtnl.Neigh) *lua.LTable {
	t := bindings.ToLua(L, n).(*lua.LTable)
	dropEmpty(t)
	return t
}

func ruleToLua(L *lua.LState, r *rtnl.Rule) *lua.LTable {
	t := bindings.ToLua(L, r).(*lua.LTable)
	if r.TableName == "" && r.Table != 0 {
		t.RawSetString("table", lua.LString(strconv.FormatUint(uint64(r.Table), 10)))
	}
	return t
}

// dropEmpty removes fields whose value is "" (zero netip values, which
// ToLua renders as empty strings), at every level. It walks with Next,
// which hands out the table's own keys (ForEach boxes each again), and
// clears as it goes (assigning nil to a visited field keeps Next valid).
func dropEmpty(t *lua.LTable) {
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		switch v := v.(type) {
		case lua.LString:
			if v == "" {
				t.RawSet(k, lua.LNil)
			}
		case *lua.LTable:
			dropEmpty(v)
		}
	}
}
