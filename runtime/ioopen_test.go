package runtime_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nlsh/nlsh/runtime"
)

// io.open(p, "wx") creates p only when it does not exist: of many
// runtimes racing for one file exactly one gets it, the others get
// io.open's failure triple; the file holds the winner's text.
func TestOpenExclusive(t *testing.T) {
	dir := t.TempDir()
	lease := filepath.Join(dir, "lease")
	const racers = 16
	var wg sync.WaitGroup
	wins := make([]bool, racers)
	errs := make([]error, racers)
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rt, err := runtime.New(runtime.Options{Sandbox: runtime.Sandbox{Enabled: true, AllowedPaths: []string{dir}}})
			if err != nil {
				errs[i] = err
				return
			}
			defer rt.Close()
			got, err := rt.RunString(context.Background(), "claim.lua", fmt.Sprintf(`
local f, msg, code = io.open(%q, "wx")
if not f then
  assert(msg:find("file exists", 1, true), msg); assert(code == 17, code)
  return false
end
assert(f:write("racer %d")); assert(f:close())
return true`, lease, i))
			if err != nil {
				errs[i] = err
				return
			}
			wins[i] = got[0] == true
		}()
	}
	wg.Wait()
	winner := -1
	for i := range racers {
		if errs[i] != nil {
			t.Fatalf("racer %d: %v", i, errs[i])
		}
		if wins[i] {
			if winner >= 0 {
				t.Fatalf("racers %d and %d both created the file", winner, i)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatal("no racer created the file")
	}
	if b, err := os.ReadFile(lease); err != nil || string(b) != fmt.Sprintf("racer %d", winner) {
		t.Fatalf("lease file: %q, %v; want the winner's text", b, err)
	}
}

// A bad mode raises; the sandbox still checks the path first.
func TestOpenExclusiveChecks(t *testing.T) {
	dir := t.TempDir()
	rt, err := runtime.New(runtime.Options{Sandbox: runtime.Sandbox{Enabled: true, AllowedPaths: []string{dir}}})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	_, err = rt.RunString(context.Background(), "m.lua", fmt.Sprintf(`io.open(%q, "rx")`, filepath.Join(dir, "a")))
	if err == nil || !strings.Contains(err.Error(), "invalid mode rx") {
		t.Errorf("mode rx: %v", err)
	}
	outside := filepath.Join(t.TempDir(), "b")
	_, err = rt.RunString(context.Background(), "s.lua", fmt.Sprintf(`io.open(%q, "wx")`, outside))
	if err == nil || !strings.Contains(err.Error(), runtime.ErrSandbox.Error()) {
		t.Errorf("outside the allowed paths: %v, want the sandbox's refusal", err)
	}
	if _, statErr := os.Stat(outside); statErr == nil {
		t.Errorf("%s was created outside the allowed paths", outside)
	}
}
