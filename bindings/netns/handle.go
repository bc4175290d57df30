package netns

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	corens "github.com/nlsh/nlsh/core/netns"
)

// OpenHandle is the one home of every family module's `open{netns=}`: it
// reads the optional netns field (the current namespace by default) and
// returns a userdata handle whose fields are the table build makes for that
// namespace, plus `netns` (the target) and `close`. module names the
// function in errors and in the handle's tostring ("rtnl handle (name:x)");
// meta is the metatable's __name ("rtnl.Handle"); value is stored as the
// userdata's Value.
func OpenHandle(L *lua.LState, env *bindings.Env, module, meta string, build func(L *lua.LState, t corens.Target) (value any, fields *lua.LTable)) int {
	args := bindings.OptTable(L, 1, module+".open")
	tg, ok := Field(args, "netns")
	args.Done()
	if !ok {
		tg = env.Netns()
	}
	value, idx := build(L, tg)
	idx.RawSetString("netns", New(L, tg))
	idx.RawSetString("close", L.NewFunction(func(L *lua.LState) int { return 0 }))
	mt := L.NewTable()
	mt.RawSetString("__name", lua.LString(meta))
	mt.RawSetString("__index", idx)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(module + " handle (" + tg.String() + ")"))
		return 1
	}))
	ud := L.NewUserData()
	ud.Value = value
	ud.Metatable = mt
	L.Push(ud)
	return 1
}
