package rtnl

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/core/socket/faultinject"
	"github.com/nlsh/nlsh/internal/testutil"
)

// restartRoutes is how many routes the restart tests put in a namespace:
// enough for a dump of several datagrams.
const restartRoutes = 2000

// restartNS makes a namespace holding restartRoutes routes on v0 and
// returns it with the dsts of every route in its main table.
func restartNS(t *testing.T) (*testutil.NS, map[string]bool) {
	t.Helper()
	ns, c, ctx := ipLiveNS(t)
	rs := make([]Route, restartRoutes)
	for i := range rs {
		rs[i] = Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 40, byte(i >> 8), byte(i)}), 32), Dev: "v0"}
	}
	errs, err := c.AddRoutes(ctx, rs)
	if err != nil {
		t.Fatalf("AddRoutes: %v", err)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("route %d: %v", i, err)
		}
	}
	all, err := c.ListRoutes(ctx, RouteFilter{Family: "inet"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range all {
		want[r.DstString()] = true
	}
	if len(want) < restartRoutes {
		t.Fatalf("%d routes listed, want at least %d", len(want), restartRoutes)
	}
	return ns, want
}

// dialWith dials a client in ns whose receives go through inj.
func dialWith(t *testing.T, ns *testutil.NS, inj *faultinject.Injector) (*Client, context.Context) {
	t.Helper()
	c, err := Dial(&socket.Config{NetNS: ns.Target, WrapTransport: inj.Wrap})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c, ctx
}

// intrRoutes marks the k-th datagram of route messages NLM_F_DUMP_INTR,
// as the kernel does when routes change during the dump.
func intrRoutes(k int) *faultinject.Injector {
	return faultinject.New(faultinject.Fault{Op: faultinject.Receive, K: k, Kind: faultinject.DumpIntr, Type: rtmNewRoute})
}

// TestEachRouteRestartedAfterObjectsStops: when the kernel restarts a
// route dump after fn has seen routes, EachRoute stops with an error
// matching ErrStreamRestarted and socket.ErrDumpInterrupted, and fn never
// sees a route twice (it used to see the first datagrams' routes again).
func TestEachRouteRestartedAfterObjectsStops(t *testing.T) {
	ns, want := restartNS(t)
	inj := intrRoutes(3)
	c, ctx := dialWith(t, ns, inj)
	seen := map[string]bool{}
	err := c.EachRoute(ctx, RouteFilter{Family: "inet"}, func(r Route) error {
		d := r.DstString()
		if seen[d] {
			t.Fatalf("route %s handed out twice", d)
		}
		seen[d] = true
		return nil
	})
	if len(inj.Fired()) != 1 {
		t.Fatalf("the fault fired %d times: the dump had fewer than 3 datagrams", len(inj.Fired()))
	}
	if !errors.Is(err, ErrStreamRestarted) || !errors.Is(err, socket.ErrDumpInterrupted) {
		t.Fatalf("EachRoute after a restart: %v, want ErrStreamRestarted", err)
	}
	if len(seen) == 0 || len(seen) >= len(want) {
		t.Fatalf("fn saw %d of %d routes before the restart, want some", len(seen), len(want))
	}
}

// TestEachRouteRestartedEarlyIsInvisible: a restart before fn saw a route
// costs nothing: EachRoute hands out every route once, without error.
func TestEachRouteRestartedEarlyIsInvisible(t *testing.T) {
	ns, want := restartNS(t)
	inj := intrRoutes(1)
	c, ctx := dialWith(t, ns, inj)
	seen := map[string]bool{}
	err := c.EachRoute(ctx, RouteFilter{Family: "inet"}, func(r Route) error {
		if seen[r.DstString()] {
			t.Fatalf("route %s handed out twice", r.DstString())
		}
		seen[r.DstString()] = true
		return nil
	})
	if err != nil {
		t.Fatalf("EachRoute: %v", err)
	}
	if len(inj.Fired()) != 1 {
		t.Fatalf("the fault fired %d times", len(inj.Fired()))
	}
	if len(seen) != len(want) {
		t.Fatalf("%d routes, want %d", len(seen), len(want))
	}
}

// TestListsStartOverOnRestart: a list whose dump the kernel restarts
// after some objects holds each object once: routes, links, addresses
// (the restart lands in their datagrams) and OnRestart's hook runs once.
func TestListsStartOverOnRestart(t *testing.T) {
	ns, want := restartNS(t)
	c, ctx := dialWith(t, ns, intrRoutes(2))
	rs, err := c.ListRoutes(ctx, RouteFilter{Family: "inet"})
	if err != nil {
		t.Fatalf("ListRoutes: %v", err)
	}
	got := map[string]bool{}
	for _, r := range rs {
		got[r.DstString()] = true
	}
	if len(rs) != len(want) || len(got) != len(want) {
		t.Fatalf("ListRoutes after a restart: %d routes, %d distinct, want %d", len(rs), len(got), len(want))
	}

	// Dumps of one datagram: the restart lands before anything is seen.
	for _, tc := range []struct {
		name string
		typ  uint16
		list func(c *Client, ctx context.Context) (int, error)
		each func(c *Client, ctx context.Context, hook CallOption) error
	}{
		{"links", rtmNewLink,
			func(c *Client, ctx context.Context) (int, error) {
				ls, err := c.ListLinks(ctx, LinkFilter{})
				return len(ls), err
			},
			func(c *Client, ctx context.Context, hook CallOption) error {
				return c.EachLink(ctx, LinkFilter{}, func(*Link) error { return nil }, hook)
			}},
		{"addresses", rtmNewAddr,
			func(c *Client, ctx context.Context) (int, error) {
				as, err := c.ListAddrs(ctx, AddrFilter{})
				return len(as), err
			},
			func(c *Client, ctx context.Context, hook CallOption) error {
				return c.EachAddr(ctx, AddrFilter{}, func(Address) error { return nil }, hook)
			}},
		{"rules", rtmNewRule,
			func(c *Client, ctx context.Context) (int, error) {
				rs, err := c.ListRules(ctx, RuleFilter{})
				return len(rs), err
			},
			func(c *Client, ctx context.Context, hook CallOption) error {
				return c.EachRule(ctx, RuleFilter{}, func(Rule) error { return nil }, hook)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clean, _ := dialWith(t, ns, faultinject.New())
			total, err := tc.list(clean, ctx)
			if err != nil || total == 0 {
				t.Fatalf("clean dump: %d, %v", total, err)
			}
			fault := faultinject.Fault{Op: faultinject.Receive, K: 1, Kind: faultinject.DumpIntr, Type: tc.typ}
			inj := faultinject.New(fault)
			c, ctx := dialWith(t, ns, inj)
			n, err := tc.list(c, ctx)
			if err != nil || len(inj.Fired()) != 1 || n != total {
				t.Fatalf("list with a restart: %d, %v (fired %d), want %d", n, err, len(inj.Fired()), total)
			}
			inj = faultinject.New(fault)
			c, ctx = dialWith(t, ns, inj)
			hooked := 0
			err = tc.each(c, ctx, OnRestart(func() error { hooked++; return nil }))
			if err != nil || len(inj.Fired()) != 1 || hooked != 1 {
				t.Fatalf("each with a restart: %v, fired %d, OnRestart ran %d times, want once", err, len(inj.Fired()), hooked)
			}
			stop := errors.New("stop")
			c, ctx = dialWith(t, ns, faultinject.New(fault))
			if err := tc.each(c, ctx, OnRestart(func() error { return stop })); !errors.Is(err, stop) {
				t.Fatalf("each whose OnRestart fails: %v, want its error", err)
			}
		})
	}
}
