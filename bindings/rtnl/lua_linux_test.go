package rtnl_test

import (
	"encoding/json"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
	"github.com/nlsh/nlsh/runtime/luatest"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// ipModule is the test-only module `ipj`: ipj.json(nsname, args...) runs
// `ip -n NSNAME -j ARGS...` and returns the decoded JSON, so Lua tests
// cross-check what rtnl did with the tool users trust.
func ipModule() bindings.Module {
	return bindings.Module{Name: "ipj", Open: func(L *lua.LState, _ *bindings.Env) lua.LValue {
		return bindings.SetFuncs(L, map[string]lua.LGFunction{
			"json": func(L *lua.LState) int {
				args := []string{"-n", bindings.StringArg(L, 1, "ipj.json"), "-j"}
				for i := 2; i <= L.GetTop(); i++ {
					args = append(args, bindings.StringArg(L, i, "ipj.json"))
				}
				out, err := testutil.Run("ip", args...)
				if err != nil {
					L.RaiseError("%v", err)
				}
				if strings.TrimSpace(out) == "" {
					out = "[]"
				}
				var v any
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					L.RaiseError("ip %s: %v", strings.Join(args, " "), err)
				}
				L.Push(bindings.ToLua(L, v))
				return 1
			},
		})
	}}
}

// TestLua runs testdata/*_test.lua: the API as scripts use it, in
// throwaway namespaces, cross-checked with ip -j.
func TestLua(t *testing.T) {
	luatest.RunDir(t, "testdata", runtime.Options{Modules: append(runtime.StandardModules(), ipModule())})
}

// TestLuaAtomic runs the same files with the journal on, so every change
// also records its undo step without disturbing the results.
func TestLuaJournal(t *testing.T) {
	luatest.RunDir(t, "testdata", runtime.Options{Journal: true, Modules: append(runtime.StandardModules(), ipModule())})
}
