package rtnl_test

import (
	"context"
	"io"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// Records an each loop hands out are the script's to keep: kept across
// many of the stream's batches (whose memory the stream may reuse), past
// other streams run to the end, a collection, and a --json push of
// another dump, every field of every one still reads as the route or
// link it was (checked against list, read in reverse order so that each
// is decoded again from what it holds).
func TestEachRecordsKept(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "e0", "type", "veth", "peer", "name", "e1")
	ns.IP("link", "set", "e0", "up")
	ctx := context.Background()
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Timeout: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	run := func(code string) []lua.LValue {
		vals, err := rt.EvalString(ctx, "t", code)
		if err != nil {
			t.Fatal(err)
		}
		return vals
	}
	// 3,000 routes (a dozen batches of 256), with fields that differ
	// from one to the next; 140 veth pairs (more than a batch of links).
	run(`local rtnl = require "rtnl"
		rtnl.batch(function()
			for i = 0, 2999 do
				rtnl.route.add{dst = string.format("10.30.%d.%d/32", math.floor(i / 256), i % 256), dev = "e0",
					metric = i % 7, protocol = ({"static", "boot", "dhcp"})[i % 3 + 1]}
			end
		end)
		for i = 1, 140 do rtnl.link.add{ifname = "k" .. i, kind = "veth", peer = {ifname = "p" .. i}, mtu = 1280 + i} end`)
	run(`local rtnl = require "rtnl"
		routes, links = {}, {}
		for r in rtnl.route.each{} do
			routes[#routes + 1] = r
			if #routes % 5 == 0 then local _ = r.dst end -- some read in the loop
		end
		for l in rtnl.link.each{} do links[#links + 1] = l end`)
	// --json of another dump, pushed.
	if err := rt.PrintJSON(ctx, io.Discard, run(`return require("rtnl").route.each{}`)); err != nil {
		t.Fatal(err)
	}
	vals := run(`local rtnl = require "rtnl"
		-- other streams, to the end, then a collection
		local n = 0
		for r in rtnl.route.each{} do if r.dst then n = n + 1 end end
		for l in rtnl.link.each{} do if l.ifname then n = n + 1 end end
		collectgarbage()
		local bad = {}
		local function check(kind, kept, list, fields)
			if #kept ~= #list then bad[#bad + 1] = kind .. ": " .. #kept .. " kept, " .. #list .. " listed"; return end
			for i = #kept, 1, -1 do
				for _, f in ipairs(fields) do
					if kept[i][f] ~= list[i][f] then
						bad[#bad + 1] = string.format("%s %d %s: %s, listed %s", kind, i, f, tostring(kept[i][f]), tostring(list[i][f]))
					end
				end
			end
		end
		check("route", routes, rtnl.route.list{}, {"dst", "dev", "metric", "protocol", "table", "scope", "type", "family"})
		check("link", links, rtnl.link.list{}, {"ifname", "ifindex", "mtu", "address", "operstate"})
		return #routes, #links, n, table.concat(bad, "\n", 1, math.min(#bad, 20))`)
	if routes, links := vals[0].(lua.LNumber), vals[1].(lua.LNumber); routes < 3000 || links < 280 {
		t.Fatalf("%v routes, %v links kept", routes, links)
	}
	if vals[2] != vals[0].(lua.LNumber)+vals[1].(lua.LNumber) {
		t.Errorf("the second streams counted %v, want %v", vals[2], vals[0].(lua.LNumber)+vals[1].(lua.LNumber))
	}
	if vals[3].String() != "" {
		t.Errorf("kept records changed:\n%s", vals[3])
	}
}
