package socket_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
)

// newRoute is RTM_NEWROUTE for dst/32 dev ifindex in the main table.
func newRoute(dst netip.Addr, ifindex uint32) codec.Message {
	// rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags.
	b := []byte{unix.AF_INET, 32, 0, 0, unix.RT_TABLE_MAIN, unix.RTPROT_STATIC, unix.RT_SCOPE_LINK, unix.RTN_UNICAST, 0, 0, 0, 0}
	e := codec.NewEncoder(b)
	e.Addr(unix.RTA_DST, dst)
	e.Uint32(unix.RTA_OIF, ifindex)
	data, _ := e.Encode()
	return codec.Message{Header: codec.Header{Type: unix.RTM_NEWROUTE, Flags: codec.Create | codec.Excl}, Data: data}
}

var getRoutes = codec.Message{
	Header: codec.Header{Type: unix.RTM_GETROUTE},
	Data:   []byte{unix.AF_INET, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
}

// routeNS makes a namespace holding n /32 routes via lo, added with Batch.
func routeNS(tb testing.TB, n int) (*testutil.NS, *socket.Conn) {
	ns := testutil.NewNetNS(tb)
	ns.IP("link", "set", "lo", "up")
	c := dialRoute(tb, ns, nil)
	msgs := make([]codec.Message, n)
	for i := range msgs {
		msgs[i] = newRoute(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 1)
	}
	errs, err := c.Batch(context.Background(), msgs)
	if err != nil {
		tb.Fatal(err)
	}
	if err := errors.Join(errs...); err != nil {
		tb.Fatal(err)
	}
	return ns, c
}

// A streamed dump of 10,000 routes decodes every one; memory per dump
// does not depend on the number of routes.
func BenchmarkRouteDump10k(b *testing.B) {
	const n = 10000
	_, c := routeNS(b, n)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d := c.Dump(ctx, getRoutes)
		count := 0
		for d.Next() {
			m := d.Message()
			if len(m.Data) >= 12 && m.Data[4] == unix.RT_TABLE_MAIN && binary.LittleEndian.Uint16(m.Data[12:]) != 0 {
				count++
			}
		}
		if err := d.Close(); err != nil {
			b.Fatal(err)
		}
		if count < n {
			b.Fatalf("dumped %d main-table routes, want at least %d", count, n)
		}
	}
	b.ReportMetric(float64(n), "routes/op")
}

// The same dump collected into a slice with DumpAll, for comparison.
func BenchmarkRouteDumpAll10k(b *testing.B) {
	const n = 10000
	_, c := routeNS(b, n)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ms, err := c.DumpAll(ctx, getRoutes)
		if err != nil || len(ms) < n {
			b.Fatal(len(ms), err)
		}
	}
}

// Adding and deleting 1,000 routes: one Batch against 1,000 Requests.
func BenchmarkAddRoutes1k(b *testing.B) {
	const n = 1000
	ns := testutil.NewNetNS(b)
	ns.IP("link", "set", "lo", "up")
	c := dialRoute(b, ns, nil)
	add := make([]codec.Message, n)
	del := make([]codec.Message, n)
	for i := range add {
		add[i] = newRoute(netip.AddrFrom4([4]byte{10, 200, byte(i >> 8), byte(i)}), 1)
		del[i] = add[i]
		del[i].Header = codec.Header{Type: unix.RTM_DELROUTE}
	}
	ctx := context.Background()
	b.Run("batch", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, ms := range [][]codec.Message{add, del} {
				errs, err := c.Batch(ctx, ms)
				if err != nil || errors.Join(errs...) != nil {
					b.Fatal(err, errors.Join(errs...))
				}
			}
		}
	})
	b.Run("one-by-one", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, ms := range [][]codec.Message{add, del} {
				for _, m := range ms {
					if err := c.Request(ctx, m); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	})
}
