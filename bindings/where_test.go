package bindings

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// WhereFrame answers what the walk through GetStack answers, for each
// way of calling (stdlib helpers, tail calls, protected calls,
// coroutines, a call from Go); and a call from a script line is
// answered by callerLine, without the walk.
func TestWhereFrameFast(t *testing.T) {
	const helper = `local M = {}
function M.one() probe() end
function M.tail() return probe() end
function M.twice() probe(); probe() end
return M`
	for _, c := range []struct {
		src    string
		fast   int  // calls answered by callerLine, at least
		goLast bool // h.one is first called from Go: no script line
	}{
		{src: "for i = 1, 4 do probe() end", fast: 4},
		{src: "for i = 1, 3 do\n probe()\n probe()\nend", fast: 6},
		{src: "local function f() probe() end\nfor i = 1, 3 do f() end\nf()", fast: 4},
		{src: "local function f() return probe() end\nfor i = 1, 3 do f() end", fast: 0},
		{src: "for i = 1, 3 do local ok = pcall(probe) end", fast: 0},
		{src: "for i = 1, 3 do pcall(function() probe() end) end", fast: 3},
		{src: "local co = coroutine.wrap(function() for i = 1, 3 do probe(); coroutine.yield() end end)\nco() co()\nco()", fast: 3},
		{src: "h.one()\nh.one()\nh.one() h.one()", fast: 0},
		{src: "for i = 1, 3 do h.one() end\nh.tail()\nh.tail()\nh.twice()", fast: 0},
		{src: "for i = 1, 3 do protected(function() probe() end) end\nprotected(probe)\nprotected(probe)", fast: 3},
		{src: "for i = 1, 3 do protected(function() h.one() end) end\nprotected(h.one)", fast: 0},
		{src: "h.one()", goLast: true},
	} {
		L := lua.NewState()
		fast := 0
		var last Frame
		L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
			w, walk := WhereFrame(L), whereFrameWalk(L)
			if w != walk {
				t.Errorf("%q: WhereFrame %v, the walk %v", c.src, w, walk)
			}
			if src, line, ok := callerLine(L); ok && (Frame{src, line}) == w {
				fast++
			}
			last = w
			return 0
		}))
		L.SetGlobal("protected", L.NewFunction(func(L *lua.LState) int {
			if _, errv, ok := Call(L, L.CheckFunction(1), nil, nil); !ok {
				L.Error(errv, 0)
			}
			return 0
		}))
		h, err := L.Load(strings.NewReader(helper), StdlibPrefix+"helper.lua")
		if err != nil {
			t.Fatal(err)
		}
		L.Push(h)
		L.Call(0, 1)
		L.SetGlobal("h", L.Get(-1))
		if c.goLast {
			// WhereFrame falls back to the stdlib line: no script line.
			if err := L.CallByParam(lua.P{Fn: L.GetField(L.Get(-1), "one"), Protect: true}); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(last.Source, StdlibPrefix) {
				t.Fatalf("WhereFrame from Go: %v", last)
			}
		}
		L.Pop(1)
		if err := L.DoString(c.src); err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		L.Close()
		if fast < c.fast {
			t.Errorf("%q: %d calls answered by callerLine, want %d at least", c.src, fast, c.fast)
		}
	}
	if callerOffsets() == nil {
		t.Fatal("gopher-lua's call frames are not as callerLine expects")
	}
}

// WhereFrame allocates nothing for a call from a script line.
func TestWhereFrameAllocs(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	var allocs float64
	L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
		allocs = testing.AllocsPerRun(100, func() {
			if w := WhereFrame(L); w.Line != 2 {
				t.Errorf("WhereFrame: %v", w)
			}
		})
		return 0
	}))
	if err := L.DoString("local x = 1\nprobe()"); err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Errorf("WhereFrame: %v allocations", allocs)
	}
}

func BenchmarkWhereFrame(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
		b.Run("fast", func(b *testing.B) {
			for b.Loop() {
				WhereFrame(L)
			}
		})
		b.Run("walk", func(b *testing.B) {
			for b.Loop() {
				whereFrameWalk(L)
			}
		})
		return 0
	}))
	if err := L.DoString("probe()"); err != nil {
		b.Fatal(err)
	}
}
