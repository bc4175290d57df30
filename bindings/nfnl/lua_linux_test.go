package nfnl_test

import (
	"os"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
	"github.com/nlsh/nlsh/runtime/luatest"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// nftModule is the test-only module `nftx`: nftx.run(nsname, args...)
// runs `nft ARGS...` inside the named namespace and returns its output;
// nftx.load(nsname, text) loads a ruleset with nft -f.
func nftModule() bindings.Module {
	return bindings.Module{Name: "nftx", Open: func(L *lua.LState, _ *bindings.Env) lua.LValue {
		return bindings.SetFuncs(L, map[string]lua.LGFunction{
			"run": func(L *lua.LState) int {
				args := []string{"netns", "exec", bindings.StringArg(L, 1, "nftx.run"), "nft"}
				for i := 2; i <= L.GetTop(); i++ {
					args = append(args, bindings.StringArg(L, i, "nftx.run"))
				}
				out, err := testutil.Run("ip", args...)
				if err != nil {
					L.RaiseError("%v", err)
				}
				L.Push(lua.LString(out))
				return 1
			},
			"load": func(L *lua.LState) int {
				f, err := os.CreateTemp("", "nlsh-*.nft")
				if err != nil {
					L.RaiseError("%v", err)
				}
				defer os.Remove(f.Name())
				f.WriteString(bindings.StringArg(L, 2, "nftx.load"))
				f.Close()
				if _, err := testutil.Run("ip", "netns", "exec", bindings.StringArg(L, 1, "nftx.load"), "nft", "-f", f.Name()); err != nil {
					L.RaiseError("%v", err)
				}
				return 0
			},
		})
	}}
}

func modules() []bindings.Module { return append(runtime.StandardModules(), nftModule()) }

func requireNft(t *testing.T) {
	t.Helper()
	testutil.RequireRoot(t)
	testutil.RequireCommand(t, "nft", "nftables")
}

// TestLua runs testdata/*_test.lua in throwaway namespaces, cross-checked
// with nft.
func TestLua(t *testing.T) {
	requireNft(t)
	luatest.RunDir(t, "testdata", runtime.Options{Modules: modules()})
}

// TestLuaJournal runs the same files with the journal on: every commit
// also snapshots for its undo step without disturbing the results.
func TestLuaJournal(t *testing.T) {
	requireNft(t)
	luatest.RunDir(t, "testdata", runtime.Options{Journal: true, Modules: modules()})
}

func nftOut(t *testing.T, ns *testutil.NS, args ...string) string {
	t.Helper()
	out, err := ns.Exec("nft", args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var _ = strings.Contains
