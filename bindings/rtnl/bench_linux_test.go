package rtnl_test

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/rtnl"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// BenchmarkLinkList: one rtnl.link.list() from Lua against the same
// ListLinks call from Go, side by side, in a namespace with 20 links.
func BenchmarkLinkList(b *testing.B) {
	ns := testutil.NewNetNS(b)
	for i := 0; i < 10; i++ {
		ns.IP("link", "add", fmt.Sprintf("v%da", i), "type", "veth", "peer", "name", fmt.Sprintf("v%db", i))
	}
	ctx := context.Background()
	b.Run("go", func(b *testing.B) {
		cl, err := rtnl.Dial(&socket.Config{NetNS: ns.Target})
		if err != nil {
			b.Fatal(err)
		}
		defer cl.Close()
		b.ReportAllocs()
		for b.Loop() {
			ls, err := cl.ListLinks(ctx, rtnl.LinkFilter{NoStats: true})
			if err != nil || len(ls) != 21 {
				b.Fatal(len(ls), err)
			}
		}
	})
	b.Run("lua", func(b *testing.B) {
		rt, err := runtime.New(runtime.Options{Netns: ns.Target})
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close()
		fn, err := rt.Compile("bench", `local rtnl = require "rtnl"; return #rtnl.link.list()`)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rt.Call(ctx, fn); err != nil { // first require and dial
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			res, err := rt.Call(ctx, fn)
			if err != nil || res[0] != lua.LNumber(21) {
				b.Fatal(res, err)
			}
		}
	})
}

// routeBenchNS is a namespace with a veth pair bench0/bench1 (up) and n /32
// routes on it (10.0.0.0 counted up), added from Go in one bulk call.
func routeBenchNS(b *testing.B, n int) *testutil.NS {
	ns := testutil.NewNetNS(b)
	ns.IP("link", "add", "bench0", "type", "veth", "peer", "name", "bench1")
	ns.IP("link", "set", "bench0", "up")
	ns.IP("link", "set", "bench1", "up")
	cl, err := rtnl.Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	rs := make([]rtnl.Route, n)
	for i := range rs {
		rs[i] = rtnl.Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32), Dev: "bench0"}
	}
	if _, err := cl.AddRoutes(context.Background(), rs); err != nil {
		b.Fatal(err)
	}
	return ns
}

// benchLua runs src (a chunk returning a number) in a runtime in ns,
// checking it returns want.
func benchLua(b *testing.B, ns *testutil.NS, src string, want int) {
	ctx := context.Background()
	rt, err := runtime.New(runtime.Options{Netns: ns.Target})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	fn, err := rt.Compile("bench", src)
	if err != nil {
		b.Fatal(err)
	}
	if res, err := rt.Call(ctx, fn); err != nil || res[0] != lua.LNumber(want) { // first require and dial
		b.Fatal(res, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := rt.Call(ctx, fn)
		if err != nil || res[0] != lua.LNumber(want) {
			b.Fatal(res, err)
		}
	}
}

// BenchmarkRouteEach: a dump of the main table's 2,000 routes from Go
// (EachRoute), from Lua through rtnl.route.each and through
// rtnl.route.list, side by side.
func BenchmarkRouteEach(b *testing.B) {
	const n = 2000
	ns := routeBenchNS(b, n)
	b.Run("go", func(b *testing.B) {
		cl, err := rtnl.Dial(&socket.Config{NetNS: ns.Target})
		if err != nil {
			b.Fatal(err)
		}
		defer cl.Close()
		b.ReportAllocs()
		for b.Loop() {
			k := 0
			err := cl.EachRoute(context.Background(), rtnl.RouteFilter{Family: "inet"}, func(rtnl.Route) error { k++; return nil })
			if err != nil || k != n {
				b.Fatal(k, err)
			}
		}
	})
	b.Run("lua-each", func(b *testing.B) {
		benchLua(b, ns, `local rtnl = require "rtnl"; local k = 0
			for r in rtnl.route.each{family = "inet"} do if r.dst then k = k + 1 end end
			return k`, n)
	})
	b.Run("lua-list", func(b *testing.B) {
		benchLua(b, ns, `local rtnl = require "rtnl"; return #rtnl.route.list{family = "inet"}`, n)
	})
}

// BenchmarkRouteBatch: 1,000 routes added and deleted again through
// rtnl.batch (the W1 script's calls), per iteration.
func BenchmarkRouteBatch(b *testing.B) {
	ns := routeBenchNS(b, 0)
	benchLua(b, ns, `local rtnl = require "rtnl"; local fmt = string.format
		local n = 1000
		rtnl.batch(function()
			for i = 0, n - 1 do rtnl.route.add{dst = fmt("10.1.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"} end
		end)
		rtnl.batch(function()
			for i = 0, n - 1 do rtnl.route.del{dst = fmt("10.1.%d.%d/32", math.floor(i / 256), i % 256), dev = "bench0"} end
		end)
		return n`, 1000)
}

// BenchmarkRouteJSON: --json of 2,000 routes, the list returned whole
// (rtnl.route.list) against the iterator streamed (rtnl.route.each).
func BenchmarkRouteJSON(b *testing.B) {
	ns := routeBenchNS(b, 2000)
	for _, fn := range []string{"list", "each"} {
		b.Run(fn, func(b *testing.B) {
			ctx := context.Background()
			rt, err := runtime.New(runtime.Options{Netns: ns.Target})
			if err != nil {
				b.Fatal(err)
			}
			defer rt.Close()
			f, err := rt.Compile("bench", `return require("rtnl").route.`+fn+`{family = "inet"}`)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				vals, err := rt.Call(ctx, f)
				if err != nil {
					b.Fatal(err)
				}
				if err := rt.PrintJSON(ctx, io.Discard, vals); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// w1Script is bench/lua/w1_routes.lua's body: n /32 routes on bench0 added
// in one rtnl.batch, the destination formatted per call.
const w1Script = `local rtnl = require "rtnl"
local n = %d
local floor, fmt = math.floor, string.format
rtnl.batch(function()
  for i = 0, n - 1 do
    rtnl.route.add{
      dst = fmt("10.%%d.%%d.%%d/32", floor(i / 65536) %% 256, floor(i / 256) %% 256, i %% 256),
      dev = "bench0",
    }
  end
end)
return n`

// w4Script is bench/lua/w4_addrs.lua's body: n /32 addresses on bench0.
const w4Script = `local rtnl = require "rtnl"
local n = %d
local floor, fmt = math.floor, string.format
rtnl.batch(function()
  for i = 0, n - 1 do
    rtnl.addr.add{
      dev = "bench0",
      address = fmt("172.%%d.%%d.%%d/32", 16 + floor(i / 65536), floor(i / 256) %% 256, i %% 256),
    }
  end
end)
return n`

// benchLuaReset is benchLua with reset run, untimed, after each
// iteration (to take away what the iteration added).
func benchLuaReset(b *testing.B, ns *testutil.NS, src string, want int, reset func()) {
	ctx := context.Background()
	rt, err := runtime.New(runtime.Options{Netns: ns.Target})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	fn, err := rt.Compile("bench", src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var cpu time.Duration // the process's CPU time in the timed part (other load shows less in it than in ns/op)
	for b.Loop() {
		before := cpuTime()
		res, err := rt.Call(ctx, fn)
		if err != nil || res[0] != lua.LNumber(want) {
			b.Fatal(res, err)
		}
		cpu += cpuTime() - before
		b.StopTimer()
		reset()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBatchW1: the W1 workload in-process, 10,000 route adds queued
// in one rtnl.batch from Lua and sent, per iteration (the routes are
// deleted again from Go, untimed).
func BenchmarkBatchW1(b *testing.B) {
	benchBatchW1(b, func(src string) string { return src })
}

// BenchmarkBatchW1Results is BenchmarkBatchW1 with the script keeping
// rtnl.batch's results (a table per call), which W1 throws away.
func BenchmarkBatchW1Results(b *testing.B) {
	benchBatchW1(b, func(src string) string {
		src = strings.Replace(src, "rtnl.batch(function()", "local res = rtnl.batch(function()", 1)
		return strings.Replace(src, "return n", "return #res", 1)
	})
}

// benchBatchW1 runs W1's script, as edit changes it, per iteration.
func benchBatchW1(b *testing.B, edit func(string) string) {
	const n = 10000
	ns := routeBenchNS(b, 0)
	cl, err := rtnl.Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	rs := make([]rtnl.Route, n)
	for i := range rs {
		rs[i] = rtnl.Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32), Dev: "bench0"}
	}
	benchLuaReset(b, ns, edit(fmt.Sprintf(w1Script, n)), n, func() {
		if errs, err := cl.DelRoutes(context.Background(), rs); err != nil || errs[0] != nil {
			b.Fatal(errs[0], err)
		}
	})
}

// BenchmarkBatchW4: the W4 workload in-process, 5,000 address adds in
// one rtnl.batch, per iteration (deleted again from Go, untimed).
func BenchmarkBatchW4(b *testing.B) {
	const n = 5000
	ns := routeBenchNS(b, 0)
	cl, err := rtnl.Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	as := make([]rtnl.Address, n)
	for i := range as {
		as[i] = rtnl.Address{Dev: "bench0", Local: netip.AddrFrom4([4]byte{172, byte(16 + i>>16), byte(i >> 8), byte(i)}), Prefixlen: 32}
	}
	benchLuaReset(b, ns, fmt.Sprintf(w4Script, n), n, func() {
		if errs, err := cl.DelAddrs(context.Background(), as); err != nil || errs[0] != nil {
			b.Fatal(errs[0], err)
		}
	})
}
