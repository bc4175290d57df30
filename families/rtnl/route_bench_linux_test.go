package rtnl

import (
	"context"
	"net/netip"
	"testing"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
)

func benchNS(b *testing.B) (*Client, context.Context) {
	b.Helper()
	ns := testutil.NewNetNS(b)
	ns.IP("link", "set", "lo", "up")
	ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v1")
	ns.IP("link", "set", "v0", "up")
	c, err := Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c, context.Background()
}

func benchRoutes(n int, table uint32) []Route {
	rs := make([]Route, n)
	for i := range rs {
		rs[i] = Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32), Dev: "v0", Table: table}
	}
	return rs
}

func mustBatch(b *testing.B, errs []error, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range errs {
		if e != nil {
			b.Fatal(e)
		}
	}
}

// BenchmarkRouteDump streams a table of 100,000 routes (decode included).
func BenchmarkRouteDump(b *testing.B) {
	c, ctx := benchNS(b)
	const n = 100000
	errs, err := c.AddRoutes(ctx, benchRoutes(n, 100))
	mustBatch(b, errs, err)
	tables := WithTables(BuiltinTables())
	b.ReportAllocs()
	for b.Loop() {
		count := 0
		err := c.EachRoute(ctx, RouteFilter{Family: FamilyInet, Table: 100}, func(Route) error { count++; return nil }, tables)
		if err != nil || count != n {
			b.Fatalf("%d routes, %v", count, err)
		}
	}
	b.ReportMetric(float64(n), "routes/op")
}

// BenchmarkRouteAdd10k adds 10,000 routes one request at a time and as one
// batch, side by side.
func BenchmarkRouteAdd10k(b *testing.B) {
	c, ctx := benchNS(b)
	rs := benchRoutes(10000, 200)
	tables := WithTables(BuiltinTables())
	del := func() {
		b.StopTimer()
		errs, err := c.DelRoutes(ctx, rs, tables)
		mustBatch(b, errs, err)
		b.StartTimer()
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, r := range rs {
				if err := c.AddRoute(ctx, r, tables); err != nil {
					b.Fatal(err)
				}
			}
			del()
		}
	})
	b.Run("batched", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			errs, err := c.AddRoutes(ctx, rs, tables)
			mustBatch(b, errs, err)
			del()
		}
	})
}
