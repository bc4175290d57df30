package runtime

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// openLibs opens the standard Lua libraries (debug only when trusted).
func openLibs(L *lua.LState, debug bool) error {
	libs := []struct {
		name string
		fn   lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.IoLibName, lua.OpenIo},
		{lua.OsLibName, lua.OpenOs},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	}
	if debug {
		libs = append(libs, struct {
			name string
			fn   lua.LGFunction
		}{lua.DebugLibName, lua.OpenDebug})
	}
	for _, lib := range libs {
		if err := L.CallByParam(lua.P{Fn: L.NewFunction(lib.fn), NRet: 0, Protect: true}, lua.LString(lib.name)); err != nil {
			return fmt.Errorf("nlsh runtime: open %s: %w", lib.name, err)
		}
	}
	return nil
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
// first use: `netns.list()` works in the REPL without require.
func installAutoGlobals(L *lua.LState, reg *bindings.Registry) {
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		name, ok := L.Get(2).(lua.LString)
		if !ok {
			return 0
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
