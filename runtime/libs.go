package runtime

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// stdLib is a standard Lua library: its name, its opener, nlsh's changes
// to it (run once it is open), and whether it may wait for its first use
// (Options.LazyStdlib).
type stdLib struct {
	name  string
	open  lua.LGFunction
	patch func(*lua.LState)
	lazy  bool
}

// stdLibs are the standard libraries a runtime has (debug only when
// trusted). The lazy ones are those a short script seldom needs, whose
// tables cost the most to build: io, os, coroutine and debug are some 40%
// of a state's set-up (20 µs warm, twice that in a fresh process).
func stdLibs(debug bool) []stdLib {
	libs := []stdLib{
		{name: lua.LoadLibName, open: lua.OpenPackage},
		{name: lua.BaseLibName, open: lua.OpenBase},
		{name: lua.TabLibName, open: lua.OpenTable},
		{name: lua.IoLibName, open: lua.OpenIo, patch: installExclusiveOpen, lazy: true},
		{name: lua.OsLibName, open: lua.OpenOs, patch: installExit, lazy: true},
		{name: lua.StringLibName, open: lua.OpenString},
		{name: lua.MathLibName, open: lua.OpenMath},
		{name: lua.CoroutineLibName, open: lua.OpenCoroutine, patch: bindings.GuardYield, lazy: true},
	}
	if debug {
		libs = append(libs, stdLib{name: lua.DebugLibName, open: lua.OpenDebug, lazy: true})
	}
	return libs
}

// openLibs opens the standard libraries, all of them, or with lazy all
// but the lazy ones, which it returns by name for installAutoGlobals: each
// is opened (and changed) on its first use as a global, or by require,
// through package.preload.
func openLibs(L *lua.LState, libs []stdLib, lazy bool) (map[string]stdLib, error) {
	later := map[string]stdLib{}
	for _, lib := range libs {
		if lazy && lib.lazy {
			later[lib.name] = lib
			continue
		}
		if err := openLib(L, lib); err != nil {
			return nil, err
		}
	}
	if len(later) == 0 {
		return nil, nil
	}
	for name, lib := range later {
		L.PreloadModule(name, func(L *lua.LState) int {
			L.Push(openLazy(L, lib))
			return 1
		})
	}
	return later, nil
}

// openLib opens one library and makes nlsh's changes to it.
func openLib(L *lua.LState, lib stdLib) error {
	if err := L.CallByParam(lua.P{Fn: L.NewFunction(lib.open), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
		return fmt.Errorf("nlsh runtime: open %s: %w", lib.name, err)
	}
	if lib.patch != nil {
		lib.patch(L)
	}
	return nil
}

// openLazy opens a lazy library on its first use (once: the opener sets
// the global and package.loaded) and returns its table.
func openLazy(L *lua.LState, lib stdLib) lua.LValue {
	if v := L.G.Global.RawGetString(lib.name); v != lua.LNil {
		return v
	}
	if err := openLib(L, lib); err != nil {
		L.RaiseError("%v", err)
	}
	return L.G.Global.RawGetString(lib.name)
}

// installPrint makes print write to the runtime's Stdout.
func installPrint(L *lua.LState, env *bindings.Env) {
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		top := L.GetTop()
		var b strings.Builder
		for i := 1; i <= top; i++ {
			if i > 1 {
				b.WriteByte('\t')
			}
			b.WriteString(L.ToStringMeta(L.Get(i)).String())
		}
		b.WriteByte('\n')
		fmt.Fprint(env.Stdout, b.String())
		return 0
	}))
}

// ExitError is os.exit(code) called by a script: the runtime stops the
// script instead of the process, and the caller decides (cmd/nlsh exits
// with Code).
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("os.exit(%d)", e.Code) }

// installExit replaces os.exit so a script cannot end an embedding engine.
func installExit(L *lua.LState) {
	os, ok := L.GetGlobal("os").(*lua.LTable)
	if !ok {
		return
	}
	os.RawSetString("exit", L.NewFunction(func(L *lua.LState) int {
		code := 0
		switch v := L.Get(1).(type) {
		case lua.LBool:
			if !v {
				code = 1
			}
		case lua.LNumber:
			code = int(v)
		}
		ud := L.NewUserData()
		ud.Value = &ExitError{Code: code}
		L.Error(ud, 0)
		return 0
	}))
}

// installAutoGlobals makes each registered module a global, required on
// first use, and each lazy standard library (openLibs) a global opened on
// first use.
func installAutoGlobals(L *lua.LState, reg *bindings.Registry, lazy map[string]stdLib) {
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		name, ok := L.Get(2).(lua.LString)
		if !ok {
			return 0
		}
		if lib, ok := lazy[string(name)]; ok {
			L.Push(openLazy(L, lib))
			return 1
		}
		if _, ok := reg.Get(string(name)); !ok {
			return 0
		}
		L.Push(L.GetGlobal("require"))
		L.Push(name)
		L.Call(1, 1)
		v := L.Get(-1)
		L.RawSet(L.G.Global, name, v)
		return 1
	}))
	L.SetMetatable(L.G.Global, mt)
}
