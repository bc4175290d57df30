package rtnl_test

import (
	"context"
	"testing"

	"github.com/nlsh/nlsh/core/socket/faultinject"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// rtnl.batch calls the runtime's Guard once, before it sends anything of
// the batch (the CLI starts catching interrupts there, so an interrupt
// rolls the batch back); calls outside a batch do not.
func TestBatchGuardsBeforeSending(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "g0", "type", "veth", "peer", "name", "g1")
	inj := faultinject.New()
	var guards, sendsAtGuard int
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, WrapTransport: inj.Wrap, Guard: func() {
		guards++
		sendsAtGuard, _ = inj.Counts()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	ctx := context.Background()
	if _, err := rt.RunString(ctx, "plain.lua", `local rtnl = require "rtnl"
rtnl.link.set{ifname = "g0", up = true}
rtnl.addr.add{dev = "g0", address = "192.0.2.1/24"}`); err != nil {
		t.Fatal(err)
	}
	if guards != 0 {
		t.Fatalf("calls outside a batch called Guard %d times", guards)
	}
	before, _ := inj.Counts()
	if _, err := rt.RunString(ctx, "batch.lua", `local rtnl = require "rtnl"
rtnl.batch(function()
  for i = 1, 20 do rtnl.route.add{dst = "198.51.100." .. i .. "/32", dev = "g0"} end
end)`); err != nil {
		t.Fatal(err)
	}
	after, _ := inj.Counts()
	if guards != 1 {
		t.Fatalf("one batch called Guard %d times, want 1", guards)
	}
	if sendsAtGuard != before || after <= before {
		t.Fatalf("Guard ran after %d of the batch's sends (sends before %d, after %d)", sendsAtGuard-before, before, after)
	}
	var routes []struct{ Dst string }
	ns.IPJSON(&routes, "route", "show", "dev", "g0", "proto", "boot", "scope", "link")
	if len(routes) != 20 {
		t.Fatalf("ip route shows %d of the batch's 20 routes", len(routes))
	}
}
