package netns_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/runtime"
)

func newRT(t *testing.T) *runtime.Runtime {
	t.Helper()
	rt, err := runtime.New(runtime.Options{Modules: runtime.StandardModules()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	return rt
}

// netns.run passes its arguments and returns fn's results; inside it the
// current namespace is the target, nested runs stack, and the previous one
// comes back however fn ends: returning, raising (the error value reaches
// pcall unchanged), or trying to yield.
func TestRunScopesTheNamespace(t *testing.T) {
	rt := newRT(t)
	got, err := rt.RunString(context.Background(), "run.lua", `
local netns = require "netns"
local cur = function() return tostring(netns.current()) end
local out = {}
local a, b, c = netns.run(netns.named("a"), function(x, y)
  out[#out + 1] = cur()
  netns.run(netns.named("b"), function() out[#out + 1] = cur() end)
  out[#out + 1] = cur()
  return x + y, "two"
end, 1, 2)
out[#out + 1] = a .. " " .. b .. " " .. tostring(c)
local e = {code = 7}
local ok, got = pcall(netns.run, netns.named("c"), function() error(e) end)
out[#out + 1] = tostring(ok) .. " " .. tostring(got == e) .. " " .. cur()
ok, got = pcall(netns.run, netns.named("d"), function() local t = nil; return t.x end)
out[#out + 1] = tostring(ok) .. " " .. cur()
local co = coroutine.wrap(function()
  netns.run(netns.named("e"), function() coroutine.yield(1) end)
end)
ok = pcall(co)
out[#out + 1] = tostring(ok) .. " " .. cur()
return table.concat(out, "|"), got`)
	if err != nil {
		t.Fatal(err)
	}
	want := "name:a|name:b|name:a|3 two nil|false true host|false host|false host"
	if got[0] != want {
		t.Fatalf("got  %q\nwant %q", got[0], want)
	}
	if msg, _ := got[1].(string); !strings.Contains(msg, "run.lua:15:") || !strings.Contains(msg, "attempt to index") {
		t.Fatalf("error of fn names %q, want run.lua:15 and the failure", got[1])
	}
}

// An error inside netns.run that a pcall outside catches leaves the
// caller's closures their locals (the gopher-lua trap nlsh's pcall works
// around), and an uncaught one ends the script naming fn's line.
func TestRunErrorKeepsLocalsAndLine(t *testing.T) {
	rt := newRT(t)
	got, err := rt.RunString(context.Background(), "keep.lua", `
local netns = require "netns"
local n = 1
local function bump() n = n + 1 end
pcall(function() netns.run(netns.named("x"), function() bump(); error("no") end) end)
bump()
return n`)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []any{int64(3)}) {
		t.Fatalf("got %#v, want 3", got)
	}
	_, err = rt.RunString(context.Background(), "fail.lua", "local netns = require 'netns'\nnetns.run(netns.host(), function()\n  error('boom')\nend)")
	if err == nil || !strings.Contains(err.Error(), "fail.lua:3: boom") {
		t.Fatalf("uncaught error: %v, want fail.lua:3: boom", err)
	}
}
