package rtnl

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// resultsDiscarded is true only for a call whose results nobody receives;
// this pins what it reads from gopher-lua for each way of calling.
func TestResultsDiscarded(t *testing.T) {
	for _, c := range []struct {
		src  string
		want bool
	}{
		{"probe()", true},
		{"local f = function() probe() end; f()", true},
		{"for i = 1, 2 do probe() end", true},
		{"local x = probe()", false},
		{"local x, y = probe()", false},
		{"local t = {probe()}", false},
		{"local t = {probe(), 1}", false},
		{"if probe() then end", false},
		{"return probe()", false},
		{"local f = function() return probe() end; local x = f()", false},
		{"local ok, r = pcall(probe)", false},
		{"local x = (probe())", false},
		{"local s = tostring(probe())", false},
		{"local x = coroutine.wrap(probe)()", false},
		{"local ok, x = coroutine.resume(coroutine.create(probe))", false},
		{"coroutine.wrap(function() probe() end)()", true},
	} {
		L := lua.NewState()
		var got []bool
		L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
			got = append(got, resultsDiscarded(L))
			L.Push(lua.LTrue)
			return 1
		}))
		if err := L.DoString(c.src); err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		L.Close()
		if len(got) == 0 {
			t.Fatalf("%s: probe not called", c.src)
		}
		for _, g := range got {
			if g != c.want {
				t.Errorf("%s: resultsDiscarded = %v, want %v", c.src, g, c.want)
			}
		}
	}
}

// TestSameCallLine: whenever sameCallLine says a call is at the line
// recorded last, bindings.WhereFrame answers that line too, for each way
// of calling (stdlib helpers, tail calls, protected calls, coroutines);
// and a loop queuing from one line is answered without WhereFrame from
// its second call on.
func TestSameCallLine(t *testing.T) {
	const helper = `local M = {}
function M.one() probe() end
function M.tail() return probe() end
function M.twice() probe(); probe() end
return M`
	for _, c := range []struct {
		src    string
		fast   int  // calls sameCallLine must answer true, at least
		goLast bool // h.one is first called from Go: no script line
	}{
		{src: "for i = 1, 4 do probe() end", fast: 3},
		{src: "for i = 1, 3 do\n probe()\n probe()\nend", fast: 0},
		{src: "local function f() probe() end\nfor i = 1, 3 do f() end\nf()", fast: 3},
		{src: "local function f() return probe() end\nfor i = 1, 3 do f() end", fast: 0},
		{src: "for i = 1, 3 do local ok = pcall(probe) end", fast: 0},
		{src: "for i = 1, 3 do pcall(function() probe() end) end", fast: 2},
		{src: "local co = coroutine.wrap(function() for i = 1, 3 do probe(); coroutine.yield() end end)\nco() co()\nco()", fast: 1},
		{src: "h.one()\nh.one()\nh.one() h.one()", fast: 0},
		{src: "for i = 1, 3 do h.one() end\nh.tail()\nh.tail()\nh.twice()", fast: 0},
		{src: "for i = 1, 3 do protected(function() probe() end) end\nprotected(probe)\nprotected(probe)", fast: 2},
		{src: "for i = 1, 3 do protected(function() h.one() end) end\nprotected(h.one)", fast: 0},
		{src: "h.one()", goLast: true},
	} {
		L := lua.NewState()
		fast := 0
		var last bindings.Frame
		L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
			w := bindings.WhereFrame(L)
			if sameCallLine(L, last) {
				fast++
				if w != last {
					t.Errorf("%q: sameCallLine says %v, WhereFrame %v", c.src, last, w)
				}
			}
			last = w
			return 0
		}))
		L.SetGlobal("protected", L.NewFunction(func(L *lua.LState) int {
			if _, errv, ok := bindings.Call(L, L.CheckFunction(1), nil, nil); !ok {
				L.Error(errv, 0)
			}
			return 0
		}))
		h, err := L.Load(strings.NewReader(helper), bindings.StdlibPrefix+"helper.lua")
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
			if !strings.HasPrefix(last.Source, bindings.StdlibPrefix) {
				t.Fatalf("WhereFrame from Go: %v", last)
			}
		}
		L.Pop(1)
		if err := L.DoString(c.src); err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		L.Close()
		if fast < c.fast {
			t.Errorf("%q: %d calls answered by sameCallLine, want %d at least", c.src, fast, c.fast)
		}
	}
	if callerFields() == nil {
		t.Fatal("gopher-lua's call frames are not as callerLine expects")
	}
}

// TestCallerLineAllocs: reading the calling line allocates nothing.
func TestCallerLineAllocs(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	var allocs float64
	L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
		allocs = testing.AllocsPerRun(100, func() {
			if _, line, ok := callerLine(L); !ok || line != 2 {
				t.Errorf("callerLine: line %d, ok %v", line, ok)
			}
		})
		return 0
	}))
	if err := L.DoString("local x = 1\nprobe()"); err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Errorf("callerLine: %v allocations", allocs)
	}
}
