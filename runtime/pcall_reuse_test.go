package runtime_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nlsh/nlsh/runtime"
)

// A protected call runs on a coroutine that a protected call returned
// from, when there is one, instead of a new one (gopher-lua builds a
// whole global state for each): a loop of pcalls allocates a fraction of
// what it did, and a used coroutine behaves as a new one would.
func TestPcallReusesCoroutines(t *testing.T) {
	ctx := context.Background()
	rt := newRT(t, runtime.Options{})
	const pcalls = 200
	fn, err := rt.Compile("loop.lua", `local f = function() return 1 end
		local n = 0
		for i = 1, 200 do if pcall(f) then n = n + 1 end end
		return n`)
	if err != nil {
		t.Fatal(err)
	}
	// A new coroutine each time was 28 allocations a pcall, 14 KB.
	if a := testingAllocs(func() {
		if _, err := rt.Call(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}); a/pcalls > 12 {
		t.Errorf("%.1f allocations a pcall", a/pcalls)
	}

	for _, c := range []struct{ name, code, want string }{
		// A coroutine a script kept hold of stays dead, however often
		// the one it was is used again.
		{"held", `local co
			pcall(function() co = coroutine.running() end)
			for i = 1, 10 do pcall(function() end) end
			local ok, err = coroutine.resume(co)
			return coroutine.status(co) .. " " .. tostring(ok) .. " " .. tostring(err)`,
			"dead false can not resume a dead thread"}, // gopher-lua's words
		// Errors caught between reuses do not close the caller's upvalues.
		{"upvalues", `local x = 1
			local function f() x = x + 1 end
			for i = 1, 5 do pcall(error, "e"); pcall(f); xpcall(error, function(e) return e end) end
			return tostring(x)`, "6"},
		{"nested", `local n = 0
			for i = 1, 20 do pcall(function() for j = 1, 5 do pcall(function() n = n + 1 end) end end) end
			return tostring(n)`, "100"},
		{"yield", `for i = 1, 3 do pcall(function() end) end
			local ok, err = pcall(function() coroutine.yield(1) end)
			return tostring(ok) .. " " .. tostring(err:match("attempt to yield across") ~= nil)`, "false true"},
		{"coroutines", `for i = 1, 3 do pcall(function() end) end
			local ok, v = pcall(function()
				local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); return b * 2 end)
				return co(1) + co(10)
			end)
			return tostring(ok) .. " " .. tostring(v)`, "true 22"},
		{"results", `local r = {}
			for i = 1, 3 do r[i] = select("#", pcall(function(...) return ... end, i, nil, i)) end
			return table.concat(r, ",")`, "4,4,4"},
	} {
		got, err := rt.RunString(ctx, c.name+".lua", c.code)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got[0] != c.want {
			t.Errorf("%s: %q, want %q", c.name, got[0], c.want)
		}
	}

	// The run's deadline still stops a loop in a used coroutine.
	rt2 := newRT(t, runtime.Options{Timeout: 200 * time.Millisecond})
	_, err = rt2.RunString(ctx, "deadline.lua", `for i = 1, 10 do pcall(function() end) end
		pcall(function() while true do end end)`)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline in a used coroutine: %v", err)
	}
}

// testingAllocs is testing.AllocsPerRun over a few runs.
func testingAllocs(f func()) float64 { return testing.AllocsPerRun(5, f) }
