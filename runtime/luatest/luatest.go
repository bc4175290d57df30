// Package luatest runs Lua test files as Go subtests: each global function
// TestXxx(t) of a *_test.lua file is one subtest, run in sorted order, so
// the Lua API is tested the way scripts use it.
//
// The t object has t:error(msg), t:fatal(msg), t:log(msg), t:skip(msg),
// t:name(), t:run(name, fn) for a nested subtest, and t:netns(), which
// makes a throwaway named namespace for the test (removed when it ends)
// and returns its target and name.
package luatest

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// RunDir runs every *_test.lua file in dir as a subtest named after it.
func RunDir(t *testing.T, dir string, opts runtime.Options) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*_test.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *_test.lua files in %s", dir)
	}
	sort.Strings(files)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".lua"), func(t *testing.T) { Run(t, f, opts) })
	}
}

// Run loads the Lua file path in a fresh runtime and runs its TestXxx
// functions as subtests of t.
func Run(t *testing.T, path string, opts runtime.Options) {
	t.Helper()
	opts.AutoGlobals = true
	opts.LazyStdlib = true // as the CLI runs scripts
	rt, err := runtime.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if _, err := rt.EvalFile(context.Background(), path, nil); err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	L := rt.LState()
	var names []string
	L.G.Global.ForEach(func(k, v lua.LValue) {
		if s, ok := k.(lua.LString); ok && strings.HasPrefix(string(s), "Test") && v.Type() == lua.LTFunction {
			names = append(names, string(s))
		}
	})
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatalf("%s defines no TestXxx functions", path)
	}
	for _, name := range names {
		fn := L.GetGlobal(name)
		t.Run(name, func(t *testing.T) { call(t, rt, fn) })
	}
}

// stop is raised by t:fatal and t:skip to end the Lua test function.
type stop struct{ skip bool }

func call(t *testing.T, rt *runtime.Runtime, fn lua.LValue) {
	t.Helper()
	_, err := rt.Call(context.Background(), fn, newT(rt.LState(), t, rt))
	if err == nil {
		return
	}
	var st *stopErr
	if errors.As(err, &st) {
		if st.skip {
			t.SkipNow()
		}
		t.FailNow()
	}
	var se *runtime.ScriptError
	if errors.As(err, &se) && se.Traceback != "" {
		t.Fatalf("%v\n%s", err, se.Traceback)
	}
	t.Fatal(err)
}

// stopErr is raised by t:fatal and t:skip to end the Lua test function.
type stopErr struct{ skip bool }

func (s *stopErr) Error() string { return "test stopped" }

func newT(L *lua.LState, t *testing.T, rt *runtime.Runtime) *lua.LTable {
	msg := func(L *lua.LState) string {
		var parts []string
		for i := 2; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		w := bindings.Where(L)
		return strings.TrimSpace(w + " " + strings.Join(parts, " "))
	}
	raiseStop := func(L *lua.LState, skip bool) {
		L.Error(bindings.ErrorValue(L, &bindings.Error{Op: "test stopped", Err: &stopErr{skip: skip}}), 0)
	}
	obj := L.NewTable()
	L.SetFuncs(obj, map[string]lua.LGFunction{
		"log":   func(L *lua.LState) int { t.Log(msg(L)); return 0 },
		"error": func(L *lua.LState) int { t.Error(msg(L)); return 0 },
		"fatal": func(L *lua.LState) int { t.Error(msg(L)); raiseStop(L, false); return 0 },
		"skip":  func(L *lua.LState) int { t.Log(msg(L)); raiseStop(L, true); return 0 },
		"name":  func(L *lua.LState) int { L.Push(lua.LString(t.Name())); return 1 },
		"run": func(L *lua.LState) int {
			name := L.CheckString(2)
			fn := L.CheckFunction(3)
			ok := t.Run(name, func(t *testing.T) { call(t, rt, fn) })
			L.Push(lua.LBool(ok))
			return 1
		},
		"netns": func(L *lua.LState) int {
			if !isRoot() {
				t.Log("needs root: it creates a throwaway network namespace")
				raiseStop(L, true)
			}
			ns := testutil.NewNetNS(t)
			L.Push(nsbind.New(L, ns.Target))
			L.Push(lua.LString(ns.Name))
			return 2
		},
	})
	return obj
}
