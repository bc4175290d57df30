package rtnl

import (
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

// Results are records (bindings.NewRecord): plain tables with ip -j's
// field names whose fields are converted when first read. bindings.ToLua's
// rules do most of the work from the json tags; the specs below fix what
// ip prints differently from the Go types (flag lists, "default" routes,
// tables by number) and, for the types with string or address fields that
// ip leaves out when empty but whose json tags do not (links, addresses,
// neighbours), drop the empty strings left by zero values. Routes and
// rules have none: every such field of theirs is omitempty/omitzero.

// linkSpec: the family fills master, link (the parent), link_index and
// group as ip -j spells them; the flags come as ip's list (with M-DOWN).
var linkSpec = &bindings.RecordSpec{
	DropEmpty: true,
	Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
		"flags": func(L *lua.LState, v any) (lua.LValue, bool) {
			flags := v.(*rtnl.Link).Flags.Names()
			ft := L.CreateTable(len(flags), 0)
			for _, f := range flags {
				ft.Append(lua.LString(f))
			}
			return ft, true
		},
	},
}

// addrSpec: the fields of one ip -j addr_info entry, plus dev and ifindex.
var addrSpec = &bindings.RecordSpec{DropEmpty: true}

var neighSpec = &bindings.RecordSpec{DropEmpty: true}

// routeSpec: dst as ip prints it ("default", a bare host address, a
// prefix) and the table by name, or by number when it has none.
var routeSpec = &bindings.RecordSpec{
	Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
		"dst": func(_ *lua.LState, v any) (lua.LValue, bool) {
			return lua.LString(v.(*rtnl.Route).DstString()), true
		},
		"table": func(_ *lua.LState, v any) (lua.LValue, bool) {
			r := v.(*rtnl.Route)
			return tableNumber(r.TableName, r.Table)
		},
	},
	AppendComputed: map[string]func([]byte, any) ([]byte, bool){
		"dst": func(dst []byte, v any) ([]byte, bool) {
			return v.(*rtnl.Route).AppendDst(dst), true
		},
		"table": func(dst []byte, v any) ([]byte, bool) {
			if r := v.(*rtnl.Route); r.TableName == "" && r.Table != 0 {
				return strconv.AppendUint(dst, uint64(r.Table), 10), true
			}
			return dst, false
		},
	},
}

var ruleSpec = &bindings.RecordSpec{
	Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
		"table": func(_ *lua.LState, v any) (lua.LValue, bool) {
			r := v.(*rtnl.Rule)
			return tableNumber(r.TableName, r.Table)
		},
	},
}

// tableNumber is a table without a name as its number; a named one falls
// back to the struct's own field.
func tableNumber(name string, table uint32) (lua.LValue, bool) {
	if name == "" && table != 0 {
		return lua.LString(strconv.FormatUint(uint64(table), 10)), true
	}
	return nil, false
}

func linkToLua(L *lua.LState, l *rtnl.Link) *lua.LTable {
	return bindings.NewRecord(L, linkSpec, l)
}

func addrToLua(L *lua.LState, a *rtnl.Address) *lua.LTable {
	return bindings.NewRecord(L, addrSpec, a)
}

func routeToLua(L *lua.LState, r *rtnl.Route) *lua.LTable {
	return bindings.NewRecord(L, routeSpec, r)
}

func neighToLua(L *lua.LState, n *rtnl.Neigh) *lua.LTable {
	return bindings.NewRecord(L, neighSpec, n)
}

func ruleToLua(L *lua.LState, r *rtnl.Rule) *lua.LTable {
	return bindings.NewRecord(L, ruleSpec, r)
}
