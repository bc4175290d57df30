package stdlib_test

import (
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
	"github.com/nlsh/nlsh/runtime/luatest"
	"github.com/nlsh/nlsh/scripts/stdlib"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestLua runs the *_test.lua files here as subtests.
func TestLua(t *testing.T) { luatest.RunDir(t, ".", runtime.Options{}) }

func TestNames(t *testing.T) {
	names := stdlib.Names()
	want := map[string]bool{"pp": true, "ensure": true}
	for _, n := range names {
		delete(want, n)
	}
	if len(want) != 0 {
		t.Fatalf("Names() = %v, missing %v", names, want)
	}
}
