package runtime

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// installHelp defines the global help(): with no argument it lists the
// modules; help(fn), help("rtnl.link.add") or help(module) describes one
// entry from the doc registry.
func installHelp(L *lua.LState, env *bindings.Env) {
	L.SetGlobal("help", L.NewFunction(func(L *lua.LState) int {
		w := env.Stdout
		v := L.Get(1)
		if v == lua.LNil {
			fmt.Fprintln(w, "nlsh modules (help(name) or help(fn) for more):")
			for _, m := range env.Docs.Modules() {
				fmt.Fprintf(w, "  %-8s %s\n", m.Name, m.Summary)
			}
			fmt.Fprintln(w, "globals: help, pp, pcall/xpcall (coroutine-safe)")
			return 0
		}
		name := ""
		switch v := v.(type) {
		case lua.LString:
			name = string(v)
		default:
			name = findName(L, v)
		}
		if name == "" {
			fmt.Fprintf(w, "no help for this %s\n", v.Type())
			return 0
		}
		if f, ok := env.Docs.Func(name); ok {
			bindings.WriteHelp(w, f)
			return 0
		}
		if m, ok := env.Docs.Module(name); ok {
			bindings.WriteModuleHelp(w, m)
			return 0
		}
		if mod, _, _ := strings.Cut(name, "."); mod != "" {
			if m, ok := env.Docs.Module(mod); ok {
				fmt.Fprintf(w, "functions of %s under %s:\n", m.Name, name)
				for i := range m.Funcs {
					if strings.HasPrefix(m.Funcs[i].Name, name+".") {
						fmt.Fprintf(w, "  %s\n", m.Funcs[i].Signature())
					}
				}
				return 0
			}
		}
		fmt.Fprintf(w, "no help for %s\n", name)
		return 0
	}))
}

// findName looks v up in the loaded modules (package.loaded) and returns
// its dotted name, such as "netns.run".
func findName(L *lua.LState, v lua.LValue) string {
	pkg, ok := L.GetGlobal("package").(*lua.LTable)
	if !ok {
		return ""
	}
	loaded, ok := pkg.RawGetString("loaded").(*lua.LTable)
	if !ok {
		return ""
	}
	var found string
	var walk func(t *lua.LTable, prefix string, depth int)
	walk = func(t *lua.LTable, prefix string, depth int) {
		t.ForEach(func(k, val lua.LValue) {
			ks, ok := k.(lua.LString)
			if found != "" || !ok {
				return
			}
			name := prefix + string(ks)
			if val == v {
				found = name
				return
			}
			if sub, ok := val.(*lua.LTable); ok && depth < 3 {
				walk(sub, name+".", depth+1)
			}
		})
	}
	loaded.ForEach(func(k, val lua.LValue) {
		ks, ok := k.(lua.LString)
		if found != "" || !ok {
			return
		}
		switch string(ks) { // standard libraries have no nlsh docs
		case "_G", "string", "table", "math", "os", "io", "coroutine", "package", "debug":
			return
		}
		if val == v {
			found = string(ks)
			return
		}
		if t, ok := val.(*lua.LTable); ok {
			walk(t, string(ks)+".", 1)
		}
	})
	return found
}
