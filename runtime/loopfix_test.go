package runtime_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/runtime"
)

// Loops whose body starts with a jump: gopher-lua alone leaves the outer
// loop too; through the runtime they run as Lua does.
func TestLoopBodyStartingWithBreak(t *testing.T) {
	cases := []struct{ name, code, want string }{
		{"generic for in for", `for k = 1, 2 do for _ in pairs({1}) do break end print(k) end`, "1\n2\n"},
		{"do break in for", `for k = 1, 2 do for _ in pairs({1}) do do break end end print(k) end`, "1\n2\n"},
		{"while in for", `for k = 1, 2 do while true do break end print(k) end`, "1\n2\n"},
		{"generic for in while", `local n = 0 while n < 2 do n = n + 1 for _ in pairs({1}) do break end print(n) end`, "1\n2\n"},
		{"repeat", `for k = 1, 2 do repeat break until false print(k) end`, "1\n2\n"},
		{"in a function", `local function f() for k = 1, 2 do for _ in pairs({1}) do break end print(k) end end f()`, "1\n2\n"},
		{"explist indexing a call", `local function f() return {g = function() return pairs({7}) end} end for k, v in f().g() do print(k, v) end`, "1\t7\n"},
		{"explist with a constructor", `for k, v in next, {a = 1} do print(k, v) end`, "a\t1\n"},
		{"explist of a call's results", `for k, v in (function() return next, {x = 2} end)() do print(k, v) end`, "x\t2\n"},
		{"explist of three", `local function it(_, c) if c < 3 then return c + 1 end end for i in it, nil, 0 do print(i) end`, "1\n2\n3\n"},
		{"nested bodies", `local s = 0 for i = 1, 3 do for _, v in ipairs({1, 2}) do for _ in pairs({}) do end s = s + v end end print(s)`, "9\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			rt, err := runtime.New(runtime.Options{Stdout: &out})
			if err != nil {
				t.Fatal(err)
			}
			defer rt.Close()
			if _, err := rt.RunString(context.Background(), "loop.lua", c.code); err != nil {
				t.Fatal(err)
			}
			if out.String() != c.want {
				t.Errorf("printed %q, want %q", out.String(), c.want)
			}
		})
	}
	// The traps are gopher-lua's own: without the runtime's rewrite these
	// cases print nothing or fail. When they stop failing, gopher-lua is
	// fixed and runtime/loopfix.go can go.
	for _, i := range []int{0, 6, 7} {
		L := lua.NewState()
		var got strings.Builder
		L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
			for j := 1; j <= L.GetTop(); j++ {
				if j > 1 {
					got.WriteString("\t")
				}
				got.WriteString(L.ToString(j))
			}
			got.WriteString("\n")
			return 0
		}))
		err := L.DoString(cases[i].code)
		L.Close()
		if err == nil && got.String() == cases[i].want {
			t.Logf("gopher-lua compiles %q right by itself now: runtime/loopfix.go may be removed", cases[i].name)
		}
	}
}

// The guard is invisible: no script can name it, locals and upvalues
// around it behave as before, and error lines are unchanged.
func TestLoopGuardInvisible(t *testing.T) {
	rt, err := runtime.New(runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	got, err := rt.RunString(context.Background(), "g.lua", `
local fns = {}
for i, v in ipairs({10, 20}) do fns[i] = function() return v end end
local n = 0
for name, value in pairs(debug and {} or {}) do n = n + 1 end
return fns[1]() + fns[2](), n`)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != int64(30) || got[1] != int64(0) {
		t.Errorf("results %v, want [30 0]", got)
	}
	_, err = rt.RunString(context.Background(), "line.lua", "for _ in pairs({1}) do\n  error('boom')\nend")
	if err == nil || !strings.Contains(err.Error(), "line.lua:2:") {
		t.Errorf("error %v, want it at line.lua:2", err)
	}
}

// Chunks compiled at run time get the rewrite too (loadstring, load,
// loadfile, dofile, require from package.path), and a syntax error reads
// as gopher-lua's own.
func TestLoopRewriteEveryCompile(t *testing.T) {
	dir := t.TempDir()
	body := `for k = 1, 2 do for _ in pairs({1}) do break end print(k) end`
	if err := os.WriteFile(filepath.Join(dir, "mod.lua"), []byte("#!/usr/bin/env nlsh\n"+body+"\nreturn true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, code string }{
		{"loadstring", `assert(loadstring(%q))()`},
		{"load", `local done; assert(load(function() if done then return nil end done = true return %q end))()`},
		{"loadfile", `assert(loadfile(DIR .. "/mod.lua"))()` + "--%q"},
		{"dofile", `dofile(DIR .. "/mod.lua")` + "--%q"},
		{"require", `package.path = DIR .. "/?.lua"; assert(require("mod") == true)` + "--%q"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			rt, err := runtime.New(runtime.Options{Stdout: &out})
			if err != nil {
				t.Fatal(err)
			}
			defer rt.Close()
			code := fmt.Sprintf("DIR = %q\n", dir) + fmt.Sprintf(c.code, body)
			if _, err := rt.RunString(context.Background(), "c.lua", code); err != nil {
				t.Fatal(err)
			}
			if out.String() != "1\n2\n" {
				t.Errorf("printed %q, want %q", out.String(), "1\n2\n")
			}
		})
	}
	rt, err := runtime.New(runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	got, err := rt.RunString(context.Background(), "e.lua", `local f, msg = loadstring("for x", "chunk") return f == nil, msg`)
	if err != nil {
		t.Fatal(err)
	}
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(`f, msg = loadstring("for x", "chunk")`); err != nil {
		t.Fatal(err)
	}
	if want := L.GetGlobal("msg").String(); len(got) != 2 || got[0] != true || got[1] != want {
		t.Errorf("loadstring syntax error: %v, gopher-lua's: %q", got, want)
	}
}
