package genl_test

import (
	"maps"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
	"github.com/nlsh/nlsh/runtime/luatest"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// toolModule is the test-only module `tool`: tool.run(nsname, cmd,
// args...) runs a command inside the namespace (`ip netns exec`) and
// returns its standard output, raising when it fails; tool.try does the
// same and returns nil and the error message instead of raising;
// tool.kernel_at_least(major, minor) tells whether the kernel is that
// Linux version or later (for features newer than the VM lane's kernel).
// Lua tests cross-check with the commands users trust (genl, ethtool, wg).
// radios adds tool.hwsim_radio and tool.hwsim_delete (hwsim_linux_test.go).
func toolModule(radios *hwsimRadios) bindings.Module {
	return bindings.Module{Name: "tool", Open: func(L *lua.LState, _ *bindings.Env) lua.LValue {
		run := func(L *lua.LState) (string, error) {
			ns := bindings.StringArg(L, 1, "tool.run")
			name := bindings.StringArg(L, 2, "tool.run")
			var args []string
			for i := 3; i <= L.GetTop(); i++ {
				args = append(args, bindings.StringArg(L, i, "tool.run"))
			}
			return testutil.Run("ip", append([]string{"netns", "exec", ns, name}, args...)...)
		}
		funcs := map[string]lua.LGFunction{
			"run": func(L *lua.LState) int {
				out, err := run(L)
				if err != nil {
					L.RaiseError("%v", err)
				}
				L.Push(lua.LString(out))
				return 1
			},
			"kernel_at_least": func(L *lua.LState) int {
				L.Push(lua.LBool(kernel.AtLeast(L.CheckInt(1), L.CheckInt(2))))
				return 1
			},
			"try": func(L *lua.LState) int {
				out, err := run(L)
				if err != nil {
					L.Push(lua.LNil)
					L.Push(lua.LString(err.Error()))
					return 2
				}
				L.Push(lua.LString(out))
				return 1
			},
		}
		maps.Copy(funcs, radios.funcs())
		return bindings.SetFuncs(L, funcs)
	}}
}

func opts(t *testing.T, journal bool) runtime.Options {
	return runtime.Options{Journal: journal, Modules: append(runtime.StandardModules(), toolModule(newHwsimRadios(t)))}
}

// TestLua runs testdata/*_test.lua in throwaway namespaces. The
// wireguard and nl80211 files skip (naming the VM lane) when the kernel
// has no such family, and fail for it when NLSH_VM_LANE=1.
func TestLua(t *testing.T) {
	testutil.RequireCommand(t, "ethtool", "ethtool")
	testutil.RequireCommand(t, "genl", "iproute2")
	luatest.RunDir(t, "testdata", opts(t, false))
}

// TestLuaJournal runs the same files with the journal on, so every change
// also records its undo step without disturbing the results.
func TestLuaJournal(t *testing.T) {
	testutil.RequireCommand(t, "ethtool", "ethtool")
	testutil.RequireCommand(t, "genl", "iproute2")
	luatest.RunDir(t, "testdata", opts(t, true))
}
