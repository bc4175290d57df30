package rtnl

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
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
