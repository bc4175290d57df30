// Package bindingtest helps test Lua modules: a table of bad calls, each
// expected to fail with one clear line that names the problem. Each module
// adds its own table (rtnl, nfnl, ...) and runs it with RunBadCalls.
package bindingtest

import (
	"context"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/runtime"
)

// BadCall is one call that must fail.
type BadCall struct {
	Name string // subtest name
	Code string // Lua chunk that must raise
	// Want are substrings the one-line error must contain (the function
	// and field names, the offending value).
	Want []string
}

// RunBadCalls runs each case in a fresh runtime made with opts and checks
// the error: present, one line, naming the script line ("bad.lua:N:") and
// containing every Want string.
func RunBadCalls(t *testing.T, opts runtime.Options, cases []BadCall) {
	t.Helper()
	opts.AutoGlobals = true
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			rt, err := runtime.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			defer rt.Close()
			_, err = rt.RunString(context.Background(), "bad.lua", c.Code)
			if err == nil {
				t.Fatalf("%s: no error", c.Code)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if !strings.HasPrefix(msg, "bad.lua:") {
				t.Errorf("error does not name the script line: %q", msg)
			}
			for _, w := range c.Want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}
}
