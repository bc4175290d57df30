package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/engine"
	"github.com/nlsh/nlsh/runtime"
)

// ledger is fake kernel state: a fake module changes it and journals the
// inverse, the way rtnl (host and container) and nfnl (batches) do.
type ledger struct {
	state  []string
	undone []string
	failOn string // an undo step that fails
}

func (lg *ledger) module() bindings.Module {
	return bindings.Module{Name: "fake", Open: func(L *lua.LState, env *bindings.Env) lua.LValue {
		return bindings.SetFuncs(L, map[string]lua.LGFunction{
			"change": func(L *lua.LState) int {
				what := L.CheckString(1)
				lg.state = append(lg.state, what)
				env.Journal.Push(what, func(context.Context) error {
					lg.undone = append(lg.undone, what)
					if what == lg.failOn {
						return errors.New("device busy")
					}
					lg.state = lg.state[:len(lg.state)-1]
					return nil
				})
				return 0
			},
		})
	}}
}

func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.lua")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func opts(t *testing.T, lg *ledger, body string, stderr *bytes.Buffer) engine.Options {
	return engine.Options{
		Script:  script(t, body),
		Modules: []bindings.Module{lg.module()},
		Stdout:  stderr, Stderr: stderr,
	}
}

const changes = `
fake.change("host: link add veth-h")
fake.change("container: addr add 10.0.0.2/24")
fake.change("nft: batch table inet nlsh")
`

func TestRollbackOnError(t *testing.T) {
	var lg ledger
	var errOut bytes.Buffer
	err := engine.Run(context.Background(), opts(t, &lg, changes+`error("route add: no route to host")`, &errOut), nil, nil)
	var se *runtime.ScriptError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "route add: no route to host") || se.Rollback != nil {
		t.Fatalf("got %v, want the script's own error and a clean rollback", err)
	}
	want := []string{"nft: batch table inet nlsh", "container: addr add 10.0.0.2/24", "host: link add veth-h"}
	if fmt.Sprint(lg.undone) != fmt.Sprint(want) || len(lg.state) != 0 {
		t.Fatalf("undone %q (state left %q), want %q newest first", lg.undone, lg.state, want)
	}
	if !strings.Contains(errOut.String(), "undid its 3 change(s)") {
		t.Errorf("stderr %q does not say the run was undone", errOut.String())
	}
}

func TestRollbackStepFailureReported(t *testing.T) {
	lg := ledger{failOn: "container: addr add 10.0.0.2/24"}
	var errOut bytes.Buffer
	err := engine.Run(context.Background(), opts(t, &lg, changes+`error("boom")`, &errOut), nil, nil)
	var se *runtime.ScriptError
	if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), se.Where+": boom") {
		t.Fatalf("got %v, want the original error first", err)
	}
	var re *bindings.RollbackError
	if !errors.As(err, &re) || len(re.Failed) != 1 || !strings.Contains(err.Error(), "undo container: addr add 10.0.0.2/24: device busy") {
		t.Fatalf("got %v, want the failed undo step reported", err)
	}
	if len(lg.undone) != 3 {
		t.Fatalf("undone %q: every step must be tried after one fails", lg.undone)
	}
}

func TestRollbackOnDeadline(t *testing.T) {
	var lg ledger
	var errOut bytes.Buffer
	o := opts(t, &lg, changes+`while true do end`, &errOut)
	o.Timeout = 100 * time.Millisecond
	start := time.Now()
	err := engine.Run(context.Background(), o, nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("a 100ms deadline took %v", d)
	}
	if len(lg.state) != 0 || len(lg.undone) != 3 {
		t.Fatalf("after the deadline: state %q, undone %q", lg.state, lg.undone)
	}
}

func TestRollbackOnBadResult(t *testing.T) {
	var lg ledger
	var errOut bytes.Buffer
	finish := func(_ *runtime.Runtime, vals []lua.LValue) error {
		if len(vals) != 1 || vals[0].Type() != lua.LTTable {
			return errors.New("want a result table")
		}
		return nil
	}
	err := engine.Run(context.Background(), opts(t, &lg, changes+`return 42`, &errOut), nil, finish)
	if err == nil || err.Error() != "want a result table" || len(lg.state) != 0 {
		t.Fatalf("got %v, state %q: a rejected result must roll back", err, lg.state)
	}
}

func TestSuccessKeepsChanges(t *testing.T) {
	for _, tail := range []string{"", "os.exit(0)", "return {}"} {
		var lg ledger
		var errOut bytes.Buffer
		if err := engine.Run(context.Background(), opts(t, &lg, changes+tail, &errOut), nil, nil); err != nil {
			t.Fatalf("%q: %v", tail, err)
		}
		if len(lg.state) != 3 || len(lg.undone) != 0 {
			t.Fatalf("%q: state %q undone %q: a successful run keeps its changes", tail, lg.state, lg.undone)
		}
	}
	var lg ledger
	var errOut bytes.Buffer
	err := engine.Run(context.Background(), opts(t, &lg, changes+"os.exit(3)", &errOut), nil, nil)
	var ex *runtime.ExitError
	if !errors.As(err, &ex) || ex.Code != 3 || len(lg.state) != 0 {
		t.Fatalf("os.exit(3): got %v, state %q: a failing exit rolls back", err, lg.state)
	}
}

func TestEngineSandboxOn(t *testing.T) {
	var lg ledger
	var errOut bytes.Buffer
	for _, code := range []string{`os.execute("true")`, `io.popen("id")`, `io.open("/etc/passwd")`, `package.loadlib("/x.so", "f")`} {
		err := engine.Run(context.Background(), opts(t, &lg, code, &errOut), nil, nil)
		if !errors.Is(err, runtime.ErrSandbox) && (err == nil || !strings.Contains(err.Error(), "not allowed in the sandbox")) {
			t.Errorf("%s: got %v, want the sandbox to refuse", code, err)
		}
	}
	o := opts(t, &lg, `return os.execute("true")`, &errOut)
	o.AllowExec = true
	if err := engine.Run(context.Background(), o, nil, nil); err != nil {
		t.Errorf("AllowExec: %v", err)
	}
}

func TestStdoutIsResult(t *testing.T) {
	var lg ledger
	var out, errOut bytes.Buffer
	// io.write and io.stdout go to the process's stderr: the CNI tests
	// (a real process) check them; print goes to Options.Stderr.
	o := opts(t, &lg, `print("p")`, &errOut)
	o.Stdout, o.StdoutIsResult = &out, true
	if err := engine.Run(context.Background(), o, nil, nil); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), "p\n") {
		t.Fatalf("stdout %q stderr %q: script output must stay off the result stream", out.String(), errOut.String())
	}
}
