package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/runtime"
)

func newRT(t *testing.T, opts runtime.Options) *runtime.Runtime {
	t.Helper()
	rt, err := runtime.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	return rt
}

func TestResults(t *testing.T) {
	rt := newRT(t, runtime.Options{})
	got, err := rt.RunString(context.Background(), "t.lua", `return 1, "x", {1, 2, 3}, {a = 1, b = {true}}, 1.5, nil`)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(1), "x", []any{int64(1), int64(2), int64(3)}, map[string]any{"a": int64(1), "b": []any{true}}, 1.5, nil}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
}

func TestGlobalsAndArgs(t *testing.T) {
	rt := newRT(t, runtime.Options{Globals: map[string]any{"container": map[string]any{"id": "abc", "pid": 42}}})
	got, err := rt.RunString(context.Background(), "t.lua", `return container.id, container.pid`)
	if err != nil || got[0] != "abc" || got[1] != int64(42) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestScriptErrorOneLine(t *testing.T) {
	rt := newRT(t, runtime.Options{})
	_, err := rt.RunString(context.Background(), "setup.lua", "local x = 1\nerror('boom')")
	var se *runtime.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("got %T %v", err, err)
	}
	if se.Error() != "setup.lua:2: boom" || se.Where != "setup.lua:2" {
		t.Fatalf("got %q where %q", se.Error(), se.Where)
	}
	if !strings.Contains(se.Traceback, "setup.lua:2") {
		t.Fatalf("traceback %q", se.Traceback)
	}
}

func TestSyntaxError(t *testing.T) {
	rt := newRT(t, runtime.Options{})
	_, err := rt.RunString(context.Background(), "bad.lua", "x = = 1")
	var syn *runtime.SyntaxError
	if !errors.As(err, &syn) || syn.Line != 1 || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %#v %q", syn, err)
	}
	_, err = rt.RunString(context.Background(), "bad.lua", "function f()")
	if !errors.As(err, &syn) || !syn.AtEOF {
		t.Fatalf("want AtEOF, got %#v %q", syn, err)
	}
}

func TestDeadlineStopsLoop(t *testing.T) {
	rt := newRT(t, runtime.Options{Timeout: 200 * time.Millisecond})
	start := time.Now()
	_, err := rt.RunString(context.Background(), "loop.lua", "local x = 0\nwhile true do\n  x = x + 1\nend")
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("took %v", el)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	// The error names the script's line, not nlsh's internal chunk.
	var se *runtime.ScriptError
	if !errors.As(err, &se) || !strings.HasPrefix(se.Where, "loop.lua:") || !strings.HasPrefix(se.Msg, se.Where+": ") || strings.Contains(err.Error(), "nlsh protected call") {
		t.Fatalf("deadline error %q (where %q) does not name the script's line", err, se.Where)
	}
}

func TestDeadlineThroughPcall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	rt := newRT(t, runtime.Options{})
	_, err := rt.RunString(ctx, "loop.lua", `
		for i = 1, 1e12 do
			local ok = pcall(function() while true do end end)
			local ok2 = xpcall(function() while true do end end, function(e) return e end)
		end`)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

// TestPcallKeepsUpvalues is gopher-lua issue #448: after pcall catches an
// error, closures must still see the locals they captured.
func TestPcallKeepsUpvalues(t *testing.T) {
	rt := newRT(t, runtime.Options{})
	for _, code := range []string{
		`local a; local function f() return a end; pcall(error); a = 1; assert(f() == 1); return f()`,
		`local a; local function f() return a end; pcall(error, "x"); a = 1; return f()`,
		`local a; local function f() return a end; xpcall(error, function(e) return e end); a = 1; return f()`,
		`local a; local function f() return a end; pcall(function() error({}) end); a = 1; return f()`,
		`local a; local function f() return a end; local ok = pcall(function() local b = 2; error("x") end); a = 1; return f()`,
	} {
		got, err := rt.RunString(context.Background(), "t.lua", code)
		if err != nil || len(got) != 1 || got[0] != int64(1) {
			t.Errorf("%s\n got %v, %v", code, got, err)
		}
	}
}

func TestPcallAcrossChunks(t *testing.T) {
	rt := newRT(t, runtime.Options{})
	ctx := context.Background()
	for _, code := range []string{
		`do local a; function f() return a end; function set(v) a = v end end`,
		`pcall(error)`,
		`set(1)`,
		`assert(f() == 1, "f lost its upvalue")`,
	} {
		if _, err := rt.RunString(ctx, "repl", code); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
	}
}

func TestPcallSemantics(t *testing.T) {
	rt := newRT(t, runtime.Options{})
	got, err := rt.RunString(context.Background(), "t.lua", `
		local r = {}
		r[1] = select("#", pcall(function() end))
		local ok, a, b = pcall(function(x, y) return x + y, "z" end, 1, 2)
		r[2] = tostring(ok) .. a .. b
		local ok, e = pcall(error, {code = 7})
		r[3] = e.code
		local ok, e = xpcall(function() error("m", 0) end, function(m) return "handled " .. m end)
		r[4] = e
		local ok, e = pcall(nil)
		r[5] = e
		local ok, e = pcall(function() local x = nil; return x.y end)
		r[6] = ok
		local ok, e = pcall(pcall, error, "n")
		r[7] = tostring(ok) .. tostring(e)
		local co = coroutine.wrap(function() local ok, e = pcall(error, "in co"); coroutine.yield(e); return "done" end)
		r[8] = co() .. "," .. co()
		r[#r + 1] = first
		return r`)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(1), "true3z", int64(7), "handled m", "attempt to call a nil value", false, "truefalse", "in co,done"}
	if !reflect.DeepEqual(got[0], want) {
		t.Fatalf("got %#v\nwant %#v", got[0], want)
	}
}

// A yield that would cross a Go function (pcall, xpcall, a Go function
// calling back into Lua such as table.sort's comparator or rtnl.batch's
// body, or the script's top level) raises an error, as Lua 5.1 does at a
// C-call boundary; gopher-lua would return into the Go function as if the
// call had ended and crash in its VM. Yields that cross only Lua frames,
// in nested coroutines too, work as ever.
func TestYieldAcrossGoIsAnError(t *testing.T) {
	rt := newRT(t, runtime.Options{})
	ctx := context.Background()
	got, err := rt.RunString(ctx, "y.lua", `
		local r = {}
		local function try(f)
			local co = coroutine.wrap(function() local ok, e = pcall(f); r[#r + 1] = tostring(ok) .. " " .. tostring(e); return "end" end)
			return co()
		end
		local first = try(function() coroutine.yield(1) end)
		try(function() local ok, e = xpcall(function() coroutine.yield(2) end, function(m) return "h: " .. m end); error(e, 0) end)
		try(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield(3); return a < b end) end)
		try(function() require("rtnl").batch(function() coroutine.yield(4) end) end)
		local inner = pcall(function()
			local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); return b * 2 end)
			r[#r + 1] = co(1) .. "," .. co(10)
		end)
		r[#r + 1] = first
		return r`)
	if err != nil {
		t.Fatal(err)
	}
	r := got[0].([]any)
	if len(r) != 6 || r[4] != "2,20" || r[5] != "end" {
		t.Fatalf("got %#v", r)
	}
	for i, s := range r[:4] {
		if !strings.HasPrefix(s.(string), "false ") || !strings.Contains(s.(string), "attempt to yield across a Go function call") {
			t.Errorf("case %d: %q; want pcall to return false and the yield error", i+1, s)
		}
	}
	if !strings.Contains(r[1].(string), "h: ") {
		t.Errorf("xpcall's handler did not see the yield error: %q", r[1])
	}
	if _, err := rt.RunString(ctx, "top.lua", "coroutine.yield(1)"); err == nil || !strings.Contains(err.Error(), "attempt to yield across a Go function call") {
		t.Fatalf("a yield at the top level: %v", err)
	}
}

func TestParallelRuntimes(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rt, err := runtime.New(runtime.Options{})
			if err != nil {
				errs <- err
				return
			}
			defer rt.Close()
			code := fmt.Sprintf(`local s = 0; for i = 1, 2000 do local ok = pcall(function() s = s + %d end) end; return s`, i)
			got, err := rt.RunString(context.Background(), "p.lua", code)
			if err != nil || got[0] != int64(2000*i) {
				errs <- fmt.Errorf("runtime %d: %v %v", i, got, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestPrintToStdout(t *testing.T) {
	var out bytes.Buffer
	rt := newRT(t, runtime.Options{Stdout: &out})
	if _, err := rt.RunString(context.Background(), "t.lua", `print("a", 1, nil)`); err != nil {
		t.Fatal(err)
	}
	if out.String() != "a\t1\tnil\n" {
		t.Fatalf("got %q", out.String())
	}
}

func TestExit(t *testing.T) {
	rt := newRT(t, runtime.Options{})
	_, err := rt.RunString(context.Background(), "t.lua", `os.exit(3)`)
	var ee *runtime.ExitError
	if !errors.As(err, &ee) || ee.Code != 3 {
		t.Fatalf("got %v", err)
	}
}

func TestJournalAtomic(t *testing.T) {
	rt := newRT(t, runtime.Options{Atomic: true})
	var undone []string
	L := rt.LState()
	L.SetGlobal("change", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(1)
		bindings.EnvOf(L).Journal.Push("change "+name, func(context.Context) error {
			undone = append(undone, name)
			if name == "bad" {
				return errors.New("cannot undo")
			}
			return nil
		})
		return 0
	}))
	ctx := context.Background()
	if _, err := rt.RunString(ctx, "ok.lua", `change("kept")`); err != nil {
		t.Fatal(err)
	}
	_, err := rt.RunString(ctx, "fail.lua", `change("a"); change("bad"); change("b"); error("late failure")`)
	if !reflect.DeepEqual(undone, []string{"b", "bad", "a"}) {
		t.Fatalf("undone %v", undone)
	}
	var rb *bindings.RollbackError
	if !errors.As(err, &rb) || len(rb.Failed) != 1 || !strings.HasPrefix(err.Error(), "fail.lua:1: late failure") {
		t.Fatalf("got %v", err)
	}
}

// The value stack starts small and grows: deep recursion, a call with
// many values and table.unpack of a long list work, on the run's own
// coroutine and inside pcall's.
func TestValueStackGrows(t *testing.T) {
	rt := newRT(t, runtime.Options{})
	got, err := rt.RunString(context.Background(), "deep.lua", `
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
local function count(...) return select("#", ...) end
local big = {}
for i = 1, 5000 do big[i] = i end
local ok, inner = pcall(function() return depth(200) + count(unpack(big)) end)
assert(ok, inner)
return depth(200), count(unpack(big)), inner`)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(200), int64(5000), int64(5200)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
