package runtime

import (
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/bindings/cidr"
	genlbind "github.com/nlsh/nlsh/bindings/genl"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	nfnlbind "github.com/nlsh/nlsh/bindings/nfnl"
	"github.com/nlsh/nlsh/bindings/rtnl"
	"github.com/nlsh/nlsh/scripts/stdlib"
)

// StandardModules are the modules a runtime has when Options.Modules is
// nil. A new family binding plugs in here with one line.
func StandardModules() []bindings.Module {
	mods := []bindings.Module{
		nsbind.Module(),
		cidr.Module(),
		rtnl.Module(),
		genlbind.Module(),
		genlbind.EthtoolModule(),
		genlbind.WireguardModule(),
		genlbind.NL80211Module(),
		nfnlbind.Module(),
	}
	return append(mods, StdlibModules()...)
}

// StdlibModules are the embedded Lua helpers (pp, ensure) as modules,
// compiled on first require.
func StdlibModules() []bindings.Module {
	var mods []bindings.Module
	for _, name := range stdlib.Names() {
		mods = append(mods, bindings.Module{
			Name: name,
			Doc:  func() *bindings.ModuleDoc { return stdlibDocs()[name] },
			Open: func(L *lua.LState, _ *bindings.Env) lua.LValue {
				src, _ := stdlib.Source(name)
				fn, err := L.Load(strings.NewReader(src), stdlib.ChunkName(name))
				if err != nil {
					L.RaiseError("stdlib %s: %v", name, err)
				}
				L.Push(fn)
				L.Call(0, 1)
				v := L.Get(-1)
				L.Pop(1)
				return v
			},
		})
	}
	return mods
}
