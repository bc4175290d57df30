package rtnl_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// pipeRuntime is a runtime in ns (not journalled, so a batch's leading
// run is sent while its fn runs) with the Lua global kernelRoutes(want):
// the number of IPv4 routes of the main table as `ip -j` lists them,
// read from outside the runtime, once at least want are there or, at the
// latest, after 10 s.
func pipeRuntime(t *testing.T, ns *testutil.NS, opts runtime.Options) *runtime.Runtime {
	t.Helper()
	opts.Netns = ns.Target
	rt, err := runtime.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	L := rt.LState()
	L.SetGlobal("kernelRoutes", L.NewFunction(func(L *lua.LState) int {
		want := L.CheckInt(1)
		deadline := time.Now().Add(10 * time.Second)
		for {
			n := len(routesOf(t, ns, "main"))
			if n >= want || time.Now().After(deadline) {
				L.Push(lua.LNumber(n))
				return 1
			}
			time.Sleep(time.Millisecond)
		}
	}))
	return rt
}

// seenInside runs a batch whose fn makes call n times (i counting from
// 0), then evaluates read, and returns what read gave.
func seenInside(t *testing.T, rt *runtime.Runtime, n int, call, read string) int64 {
	t.Helper()
	res, err := rt.RunString(context.Background(), "inside.lua", fmt.Sprintf(`local rtnl = require "rtnl"
local n
rtnl.batch(function()
  for i = 0, %d do %s end
  n = %s
end)
return n`, n-1, call, read))
	if err != nil {
		t.Fatal(err)
	}
	return res[0].(int64)
}

// TestBatchSendsLeadingRunEarly: a batch that starts with a run of route
// adds has sent windows of it to the kernel while fn still runs (ip sees
// them before fn returns); when the batch returns, every route is there,
// as ip lists it.
func TestBatchSendsLeadingRunEarly(t *testing.T) {
	ns := benchVethNS(t)
	rt := pipeRuntime(t, ns, runtime.Options{})
	res, err := rt.RunString(context.Background(), "early.lua", `local rtnl = require "rtnl"
local seen
rtnl.batch(function()
  for i = 0, 2999 do
    rtnl.route.add{dst = string.format("10.1.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"}
    if i == 2047 then seen = kernelRoutes(1024) end
  end
end)
return seen`)
	if err != nil {
		t.Fatal(err)
	}
	if seen := res[0].(int64); seen < 1024 || seen > 2048 {
		t.Fatalf("ip listed %d routes while fn ran, want 1024 to 2048 (windows of 256 sent early)", seen)
	}
	rs := routesOf(t, ns, "main")
	if len(rs) != 3000 {
		t.Fatalf("%d routes after the batch, want 3000", len(rs))
	}
	if rs[0]["dst"] != "10.1.0.0" || rs[0]["dev"] != "bench0" {
		t.Fatalf("first route %v", rs[0])
	}
}

// TestBatchEarlyReadSeesRun: a read inside fn first waits for the whole
// leading run queued so far, so it sees all of it and nothing queued
// after it (a later add starts a run of its own, sent when fn returns);
// the batch's results count every call, in order.
func TestBatchEarlyReadSeesRun(t *testing.T) {
	ns := benchVethNS(t)
	ns.IP("route", "add", "10.1.0.5/32", "dev", "bench0") // the run's 6th add fails
	rt := pipeRuntime(t, ns, runtime.Options{})
	res, err := rt.RunString(context.Background(), "read.lua", `local rtnl = require "rtnl"
local function add(i) rtnl.route.add{dst = string.format("10.1.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"} end
local n1, n2, n3
local res = rtnl.batch(function()
  for i = 0, 999 do add(i) end
  n1 = #rtnl.route.list{table = "main"}
  for i = 1000, 1499 do add(i) end
  n2 = #rtnl.route.list{table = "main"}
  rtnl.link.set{ifname = "bench1", mtu = 1400}
  for i = 1500, 1999 do add(i) end
  n3 = #rtnl.route.list{table = "main"}
end, {raise = false})
local bad = {}
for i, r in ipairs(res) do if not r.ok then bad[#bad + 1] = i .. " " .. tostring(r.error) end end
return n1, n2, n3, #res, table.concat(bad, "; "), #rtnl.route.list{table = "main"}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{1000, 1000, 1000, 2001}
	for i, w := range want {
		if res[i].(int64) != w {
			t.Fatalf("results %v: value %d is %v, want %d", res, i+1, res[i], w)
		}
	}
	if bad := res[4].(string); !strings.HasPrefix(bad, "6 read.lua:2: RTM_NEWROUTE 10.1.0.5 dev bench0: file exists (EEXIST)") || strings.Contains(bad, ";") {
		t.Fatalf("failures %q", bad)
	}
	if res[5].(int64) != 2000 {
		t.Fatalf("%v routes after the batch, want 2000", res[5])
	}
	var ls []map[string]any
	ns.IPJSON(&ls, "link", "show", "bench1")
	if ls[0]["mtu"] != float64(1400) {
		t.Fatalf("bench1: %v", ls[0])
	}
}

// TestBatchEarlySettlesForOtherModules: a call of another netlink module
// inside fn (nfnl, genl) also first waits for the leading run: calls take
// effect in the script's order across modules. kernelRoutes(0) counts
// at once, without waiting.
func TestBatchEarlySettlesForOtherModules(t *testing.T) {
	ns := benchVethNS(t)
	rt := pipeRuntime(t, ns, runtime.Options{})
	res, err := rt.RunString(context.Background(), "mods.lua", `local rtnl = require "rtnl"
local after = {}
rtnl.batch(function()
  for i = 0, 2999 do rtnl.route.add{dst = string.format("10.1.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"} end
  require("nfnl").generation()
  after[1] = kernelRoutes(0)
  for i = 3000, 5999 do rtnl.route.add{dst = string.format("10.1.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"} end
  require("genl").families()
  after[2] = kernelRoutes(0)
end)
return after[1], after[2]`)
	if err != nil {
		t.Fatal(err)
	}
	// The run ends at the nfnl call: the later adds are a run of their
	// own, sent when fn returns.
	if res[0].(int64) != 3000 || res[1].(int64) != 3000 {
		t.Fatalf("ip listed %v then %v routes after the other modules' calls, want 3000 and 3000", res[0], res[1])
	}
	if n := len(routesOf(t, ns, "main")); n != 6000 {
		t.Fatalf("%d routes after the batch, want 6000", n)
	}
}

// TestBatchEarlyRollback: when fn raises after part of its leading run
// was sent, the routes it added are deleted again before the error goes
// on, and a route that was there before (its add refused) stays; so
// does an interrupt (the run's context cancelled) while fn runs.
func TestBatchEarlyRollback(t *testing.T) {
	ns := benchVethNS(t)
	ns.IP("route", "add", "10.1.0.5/32", "dev", "bench0")
	before := routesOf(t, ns, "main")
	rt := pipeRuntime(t, ns, runtime.Options{})
	_, err := rt.RunString(context.Background(), "fail.lua", `local rtnl = require "rtnl"
rtnl.batch(function()
  for i = 0, 2999 do rtnl.route.add{dst = string.format("10.1.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"} end
  assert(kernelRoutes(2000) >= 2000)
  error("boom")
end)`)
	if err == nil || !strings.Contains(err.Error(), "boom") || strings.Contains(err.Error(), "undoing") {
		t.Fatalf("err = %v", err)
	}
	if after := routesOf(t, ns, "main"); len(after) != len(before) || after[0]["dst"] != "10.1.0.5" {
		t.Fatalf("after the failed batch: %d routes (%v), want the %d before", len(after), after, len(before))
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rt2 := pipeRuntime(t, ns, runtime.Options{})
	L := rt2.LState()
	L.SetGlobal("interrupt", L.NewFunction(func(L *lua.LState) int { cancel(); return 0 }))
	_, err = rt2.RunString(ctx, "intr.lua", `local rtnl = require "rtnl"
rtnl.batch(function()
  for i = 0, 2999 do rtnl.route.add{dst = string.format("10.2.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"} end
  assert(kernelRoutes(2001) >= 2001)
  interrupt()
  for i = 1, 1e9 do end
end)`)
	if err == nil {
		t.Fatal("an interrupted batch succeeded")
	}
	if after := routesOf(t, ns, "main"); len(after) != len(before) {
		t.Fatalf("after the interrupted batch (%v): %d routes, want %d", err, len(after), len(before))
	}
}

// sendsBreakable is a transport whose sends fail with EIO once broken is
// set.
type sendsBreakable struct {
	socket.Transport
	broken *atomic.Bool
}

func (t sendsBreakable) Send(b []byte) error {
	if t.broken.Load() {
		return syscall.EIO
	}
	return t.Transport.Send(b)
}

// TestBatchEarlyRollbackFailure: when fn raises and undoing what its
// leading run sent fails too, the error says both (fn's message and the
// rollback's failure), and the routes left are the ones ip still shows.
func TestBatchEarlyRollbackFailure(t *testing.T) {
	ns := benchVethNS(t)
	var broken atomic.Bool
	rt := pipeRuntime(t, ns, runtime.Options{WrapTransport: func(tr socket.Transport) socket.Transport {
		return sendsBreakable{tr, &broken}
	}})
	L := rt.LState()
	L.SetGlobal("breakSends", L.NewFunction(func(*lua.LState) int { broken.Store(true); return 0 }))
	_, err := rt.RunString(context.Background(), "rbfail.lua", `local rtnl = require "rtnl"
rtnl.batch(function()
  for i = 0, 255 do rtnl.route.add{dst = string.format("10.5.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"} end
  assert(kernelRoutes(256) == 256) -- windows of 64, 64 and 128 sent
  breakSends()
  error("boom")
end)`)
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "undoing the calls rtnl.batch had sent failed") ||
		!strings.Contains(err.Error(), "input/output error") {
		t.Fatalf("err = %v", err)
	}
	if n := len(routesOf(t, ns, "main")); n != 256 {
		t.Fatalf("%d routes left, want the 256 the failed rollback could not delete", n)
	}
}

// TestBatchEarlyAddrs: a leading run of address adds is sent early too;
// a read inside fn sees all of it, as ip does after.
func TestBatchEarlyAddrs(t *testing.T) {
	ns := benchVethNS(t)
	rt := pipeRuntime(t, ns, runtime.Options{})
	if n := seenInside(t, rt, 600, `rtnl.addr.add{dev = "bench0", address = string.format("172.16.%d.%d/32", math.floor(i / 256), i % 256)}`,
		`#rtnl.addr.list{dev = "bench0"}`); n != 600 {
		t.Fatalf("a read inside fn saw %v addresses, want 600", n)
	}
	var as []map[string]any
	ns.IPJSON(&as, "-4", "addr", "show", "dev", "bench0")
	if n := len(as[0]["addr_info"].([]any)); n != 600 {
		t.Fatalf("ip lists %d addresses, want 600", n)
	}
}

// TestBatchNotEarlyWhenJournalled: journalled (--atomic, hook, cni) or in
// a dry run, nothing of a batch is sent while fn runs: a read inside fn
// sees none of it.
func TestBatchNotEarlyWhenJournalled(t *testing.T) {
	for _, opts := range []runtime.Options{{Journal: true}, {Atomic: true}, {DryRun: true, Stderr: io.Discard}} {
		ns := benchVethNS(t)
		rt := pipeRuntime(t, ns, opts)
		if n := seenInside(t, rt, 1000, `rtnl.route.add{dst = string.format("10.3.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"}`,
			`#rtnl.route.list{table = "main"}`); n != 0 {
			t.Fatalf("%+v: a read inside fn saw %v routes, want 0", opts, n)
		}
	}
}
