package rtnl

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"syscall"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// queueFake is a fake conn whose links are eth0 (3) and eth1 (4), and
// whose batches refuse the routes to refuse with EEXIST.
func queueFake(t *testing.T, refuse string) *ipFakeConn {
	f := &ipFakeConn{t: t}
	f.exec = func(m codec.Message) ([]codec.Message, error) {
		if m.Header.Type != rtmGetLink {
			t.Errorf("unexpected request %s", MessageName(m.Header.Type))
			return nil, nil
		}
		d := codec.NewDecoder(m.Data[ipIfinfomsgLen:])
		for d.Next() {
			if d.Type() == ipIFLAIfname {
				idx := map[string]byte{"eth0": 3, "eth1": 4}[d.String()]
				if idx == 0 {
					return nil, syscall.ENODEV
				}
				reply := make([]byte, ipIfinfomsgLen)
				reply[4] = idx
				return []codec.Message{{Header: codec.Header{Type: rtmNewLink}, Data: reply}}, nil
			}
		}
		return nil, syscall.EINVAL
	}
	f.batch = func(ms []codec.Message) []error {
		errs := make([]error, len(ms))
		for i, m := range ms {
			if refuse != "" && bytes.Contains(m.Data, netip.MustParseAddr(refuse).AsSlice()) {
				errs[i] = &codec.Error{Errno: syscall.EEXIST}
			}
		}
		return errs
	}
	return f
}

// TestRouteQueue: queued adds are sent as the same bytes AddRoutes sends,
// devices resolved when sent (an unknown one fails its own call), a route
// refused when queued fails its own call unsent, the kernel's refusal
// names its route; DelAdded deletes what was added, newest first, with
// the bytes DelRoutes sends for each route's Key, skipping what the
// caller says was refused.
func TestRouteQueue(t *testing.T) {
	ctx := context.Background()
	p := netip.MustParsePrefix
	routes := []Route{
		{Dst: p("10.0.0.1/32"), Dev: "eth0"},
		{Dst: p("10.1.0.0/16"), Table: 100, Metric: 7, Nexthops: []Nexthop{
			{Gateway: netip.MustParseAddr("10.0.0.1"), Dev: "eth1"}, {Gateway: netip.MustParseAddr("10.0.0.2"), Dev: "eth0", Weight: 3}}},
		{Dst: p("10.2.0.0/24"), Dev: "nosuch"},
		{Dst: p("10.3.0.1/24"), Dev: "eth0"}, // host bits set: refused when queued
		{Dst: p("2001:db8::/64"), Gateway: netip.MustParseAddr("fe80::1"), Dev: "eth1", Protocol: "static"},
		{Dst: p("10.4.0.0/24"), Gateway: netip.MustParseAddr("10.0.0.9")},
	}
	q := NewRouteQueue(WithTables(BuiltinTables()))
	for i := range routes {
		r := routes[i]
		err := q.Add(&r)
		if (i == 3) != (err != nil) {
			t.Fatalf("Add %d: %v", i, err)
		}
	}
	if q.Len() != len(routes) {
		t.Fatalf("Len %d", q.Len())
	}
	f := queueFake(t, "10.4.0.0")
	var failed []string
	q.Send(ctx, New(f), func(i int, err error) { failed = append(failed, fmt.Sprint(i, ": ", err)) })
	want := []string{
		`2: dev "nosuch": no such device`,
		`3: dst "10.3.0.1/24": host bits set`,
		`5: RTM_NEWROUTE 10.4.0.0/24 via 10.0.0.9: file exists (EEXIST)`,
	}
	if len(failed) != len(want) {
		t.Fatalf("failures %q", failed)
	}
	for i := range want {
		if !strings.HasPrefix(failed[i], want[i]) {
			t.Errorf("failure %q, want %q...", failed[i], want[i])
		}
	}

	// The same routes, but those not sent, through AddRoutes.
	g := queueFake(t, "10.4.0.0")
	if errs, err := New(g).AddRoutes(ctx, []Route{routes[0], routes[1], routes[4], routes[5]}, WithTables(BuiltinTables())); err != nil || errors.Join(errs...) == nil {
		t.Fatal(errs, err)
	}
	sameBatch(t, "adds", onlyType(f.sent, rtmNewRoute), onlyType(g.sent, rtmNewRoute))

	f.sent = nil
	if errs := q.DelAdded(ctx, New(f), []int{5}); len(errs) != 0 {
		t.Fatalf("DelAdded: %v", errs)
	}
	g.sent = nil
	var keys []Route
	for _, i := range []int{4, 1, 0} {
		r := routes[i]
		if _, err := r.normalize("route add", BuiltinTables(), false); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, r.Key())
	}
	if _, err := New(g).DelRoutes(ctx, keys, WithTables(BuiltinTables())); err != nil {
		t.Fatal(err)
	}
	sameBatch(t, "deletes", onlyType(f.sent, rtmDelRoute), onlyType(g.sent, rtmDelRoute))
}

func onlyType(ms []codec.Message, typ uint16) []codec.Message {
	var out []codec.Message
	for _, m := range ms {
		if m.Header.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

func sameBatch(t *testing.T, what string, got, want []codec.Message) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d messages, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i].Header != want[i].Header || !bytes.Equal(got[i].Data, want[i].Data) {
			t.Errorf("%s %d: %+v % x\nwant %+v % x", what, i, got[i].Header, got[i].Data, want[i].Header, want[i].Data)
		}
	}
}

// TestRouteQueueBrokenExchange: when the exchange itself fails, every
// call whose outcome is unknown reports it, and DelAdded leaves alone
// the calls that were never handed to the kernel.
func TestRouteQueueBrokenExchange(t *testing.T) {
	ctx := context.Background()
	q := NewRouteQueue(WithTables(BuiltinTables()))
	for i := range queueWindow + 10 {
		r := Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), 32), Dev: "eth0"}
		if err := q.Add(&r); err != nil {
			t.Fatal(err)
		}
	}
	f := queueFake(t, "")
	broken := errors.New("receive: connection reset")
	calls := 0
	f.batch = func(ms []codec.Message) []error {
		calls++
		return nil
	}
	c := New(&brokenBatchConn{ipFakeConn: f, err: broken})
	n := 0
	q.Send(ctx, c, func(i int, err error) {
		if !errors.Is(err, broken) {
			t.Errorf("call %d: %v", i, err)
		}
		n++
	})
	if n != q.Len() {
		t.Errorf("%d failures reported, want %d", n, q.Len())
	}
	if q.sent != queueWindow {
		t.Errorf("sent %d, want the first window, %d", q.sent, queueWindow)
	}
	f.sent = nil
	q.DelAdded(ctx, New(f), nil)
	if got := len(onlyType(f.sent, rtmDelRoute)); got != queueWindow {
		t.Errorf("%d deletes, want %d", got, queueWindow)
	}
}

// brokenBatchConn fails every batch as a whole.
type brokenBatchConn struct {
	*ipFakeConn
	err error
}

func (b *brokenBatchConn) Batch(_ context.Context, ms []codec.Message) ([]error, error) {
	for _, m := range ms {
		b.record(m)
	}
	errs := make([]error, len(ms))
	for i := range errs {
		errs[i] = b.err
	}
	return errs, b.err
}

// BenchmarkRouteQueueAdd is queueing one IPv4 host route on a device.
func BenchmarkRouteQueueAdd(b *testing.B) {
	q := NewRouteQueue(WithTables(BuiltinTables()))
	var r Route
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r = Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32), Dev: "eth0"}
		if err := q.Add(&r); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// A queue over many devices, named in any order and again, sends each
// route on its own device: the bytes AddRoutes sends for the same routes.
func TestRouteQueueManyDevices(t *testing.T) {
	ctx := context.Background()
	const ndev = 300
	newFake := func() *ipFakeConn {
		f := &ipFakeConn{t: t}
		f.exec = func(m codec.Message) ([]codec.Message, error) {
			d := codec.NewDecoder(m.Data[ipIfinfomsgLen:])
			for d.Next() {
				var i int
				if d.Type() == ipIFLAIfname {
					if _, err := fmt.Sscanf(d.String(), "dev%d", &i); err != nil || i >= ndev {
						return nil, syscall.ENODEV
					}
					reply := make([]byte, ipIfinfomsgLen)
					binary.LittleEndian.PutUint32(reply[4:], uint32(10+i))
					return []codec.Message{{Header: codec.Header{Type: rtmNewLink}, Data: reply}}, nil
				}
			}
			return nil, syscall.EINVAL
		}
		f.batch = func(ms []codec.Message) []error { return make([]error, len(ms)) }
		return f
	}
	var routes []Route
	for i := range 3 * ndev {
		dev := (i * 7) % ndev // every device, out of order, three times
		routes = append(routes, Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24), Dev: fmt.Sprintf("dev%d", dev)})
	}
	q := NewRouteQueue(WithTables(BuiltinTables()))
	for i := range routes {
		r := routes[i]
		if err := q.Add(&r); err != nil {
			t.Fatal(err)
		}
	}
	f, g := newFake(), newFake()
	q.Send(ctx, New(f), func(i int, err error) { t.Errorf("call %d: %v", i, err) })
	if errs, err := New(g).AddRoutes(ctx, routes, WithTables(BuiltinTables())); err != nil || errors.Join(errs...) != nil {
		t.Fatal(errs, err)
	}
	sameBatch(t, "adds", onlyType(f.sent, rtmNewRoute), onlyType(g.sent, rtmNewRoute))
}

// Runs of calls naming one device, devices coming back, and a multipath
// route one of whose devices does not exist: each route is sent on its
// own devices (the bytes AddRoutes sends), and the multipath route fails
// its own call, is not sent, and is not undone.
func TestRouteQueueDeviceRuns(t *testing.T) {
	ctx := context.Background()
	p := netip.MustParsePrefix
	gw := netip.MustParseAddr
	var routes []Route
	for i, dev := range []string{"eth0", "eth0", "eth1", "eth1", "eth1", "eth0", "eth1", "eth0", "eth0"} {
		routes = append(routes, Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 9, byte(i), 0}), 24), Dev: dev})
	}
	bad := Route{Dst: p("10.8.0.0/16"), Nexthops: []Nexthop{{Gateway: gw("10.0.0.1"), Dev: "eth1"}, {Gateway: gw("10.0.0.2"), Dev: "nosuch"}}}
	q := NewRouteQueue(WithTables(BuiltinTables()))
	for i, r := range append(routes[:4:4], append([]Route{bad}, routes[4:]...)...) {
		if err := q.Add(&r); err != nil {
			t.Fatalf("Add %d: %v", i, err)
		}
	}
	f, g := queueFake(t, ""), queueFake(t, "")
	var failed []int
	q.Send(ctx, New(f), func(i int, err error) {
		var ae *ArgError
		if !errors.As(err, &ae) || ae.Field != "nexthops.dev" {
			t.Errorf("call %d: %v", i, err)
		}
		failed = append(failed, i)
	})
	if len(failed) != 1 || failed[0] != 4 {
		t.Fatalf("failed calls %v, want [4]", failed)
	}
	if errs, err := New(g).AddRoutes(ctx, routes, WithTables(BuiltinTables())); err != nil || errors.Join(errs...) != nil {
		t.Fatal(errs, err)
	}
	sameBatch(t, "adds", onlyType(f.sent, rtmNewRoute), onlyType(g.sent, rtmNewRoute))

	f.sent, g.sent = nil, nil
	if errs := q.DelAdded(ctx, New(f), nil); len(errs) != 0 {
		t.Fatalf("DelAdded: %v", errs)
	}
	var keys []Route
	for i := len(routes) - 1; i >= 0; i-- {
		r := routes[i]
		if _, err := r.normalize("route add", BuiltinTables(), false); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, r.Key())
	}
	if _, err := New(g).DelRoutes(ctx, keys, WithTables(BuiltinTables())); err != nil {
		t.Fatal(err)
	}
	sameBatch(t, "deletes", onlyType(f.sent, rtmDelRoute), onlyType(g.sent, rtmDelRoute))
}

// Patching a queued request's devices allocates nothing (Send does it
// for every request).
func TestRequestQueuePatchAllocs(t *testing.T) {
	q := NewRouteQueue(WithTables(BuiltinTables()))
	r := Route{Dst: netip.MustParsePrefix("10.1.0.0/16"), Nexthops: []Nexthop{
		{Gateway: netip.MustParseAddr("10.0.0.1"), Dev: "eth1"}, {Gateway: netip.MustParseAddr("10.0.0.2"), Dev: "eth0"}}}
	if err := q.Add(&r); err != nil {
		t.Fatal(err)
	}
	s := &queueSend{op: q.op, kind: q.kind, index: []int{4, 3}, devErr: make([]error, 2)}
	var rec []byte
	q.each(func(_ int, b []byte) bool { rec = b; return false })
	orig := bytes.Clone(rec)
	allocs := testing.AllocsPerRun(100, func() {
		copy(rec, orig)
		if err := s.patch(rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("patch: %v allocations", allocs)
	}
	if q.unsent(rec) || !q.unsent(orig) {
		t.Errorf("unsent: patched %v, queued %v", q.unsent(rec), q.unsent(orig))
	}
}
