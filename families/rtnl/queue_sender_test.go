package rtnl

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// senderRoutes is n routes of every kind a queue handles differently:
// on eth0 and eth1, multipath, on a device that does not exist, refused
// when queued (host bits set), refused by the fake kernel (10.4.x.x),
// enough of them to fill several chunks.
func senderRoutes(n int) []Route {
	p := netip.MustParsePrefix
	rs := make([]Route, 0, n)
	for i := range n {
		a, b := byte(i>>8), byte(i)
		var r Route
		switch i % 7 {
		case 0, 1, 2:
			r = Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, a, b}), 32), Dev: "eth0"}
		case 3:
			r = Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, a, b}), 32), Table: 100, Nexthops: []Nexthop{
				{Gateway: netip.MustParseAddr("10.0.0.1"), Dev: "eth1"}, {Gateway: netip.MustParseAddr("10.0.0.2"), Dev: "eth0", Weight: 3}}}
		case 4:
			r = Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 2, a, b}), 32), Dev: fmt.Sprintf("nosuch%d", i%3)}
		case 5:
			r = Route{Dst: p(fmt.Sprintf("10.3.%d.%d/24", a, b|1)), Dev: "eth1"}
		default:
			r = Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 4, a, b}), 32), Gateway: netip.MustParseAddr("10.0.0.9")}
		}
		rs = append(rs, r)
	}
	return rs
}

// TestQueueSenderSameAsSend: a queue sent while it fills (a window
// handed over as each is complete, from another goroutine) sends the
// same messages in the same order as Send sends the same queue filled
// first, reports the same failures in the same order, and leaves the
// same for DelAdded to undo.
func TestQueueSenderSameAsSend(t *testing.T) {
	ctx := context.Background()
	routes := senderRoutes(5000)

	// Send, after filling.
	q1 := NewRouteQueue(WithTables(BuiltinTables()))
	for i := range routes {
		r := routes[i]
		_ = q1.Add(&r)
	}
	f1 := queueFake(t, "10.4.0.0")
	var fail1 []string
	q1.Send(ctx, New(f1), func(i int, err error) { fail1 = append(fail1, fmt.Sprint(i, ": ", err)) })

	// Sent while filling.
	q2 := NewRouteQueue(WithTables(BuiltinTables()))
	f2 := queueFake(t, "10.4.0.0")
	qs := q2.StartSending(ctx, New(f2))
	for i := range routes {
		r := routes[i]
		_ = q2.Add(&r)
		qs.Pump()
		if h := qs.Handed(); h > q2.Len() || q2.Len()-h >= SendWindow || (q2.Len() == FirstWindow && h != FirstWindow) {
			t.Fatalf("after %d adds %d handed over", q2.Len(), h)
		}
	}
	qs.Wait()
	var fail2 []string
	qs.Report(func(i int, err error) { fail2 = append(fail2, fmt.Sprint(i, ": ", err)) })

	if len(q1.chunks) < 2 {
		t.Fatalf("%d chunks: the test must cross a chunk boundary", len(q1.chunks))
	}
	if len(fail1) == 0 || len(fail1) != len(fail2) {
		t.Fatalf("%d failures sent after filling, %d sent while filling", len(fail1), len(fail2))
	}
	for i := range fail1 {
		if fail1[i] != fail2[i] {
			t.Fatalf("failure %d: %q sent after filling, %q while filling", i, fail1[i], fail2[i])
		}
	}
	sameBatch(t, "adds", onlyType(f2.sent, rtmNewRoute), onlyType(f1.sent, rtmNewRoute))

	skip := []int{}
	for i := range routes {
		if i%7 == 6 {
			skip = append(skip, i)
		}
	}
	f1.sent, f2.sent = nil, nil
	if errs := q1.DelAdded(ctx, New(f1), skip); len(errs) != 0 {
		t.Fatalf("DelAdded after Send: %v", errs)
	}
	if errs := q2.DelAdded(ctx, New(f2), skip); len(errs) != 0 {
		t.Fatalf("DelAdded after the sender: %v", errs)
	}
	if len(onlyType(f1.sent, rtmDelRoute)) == 0 {
		t.Fatal("nothing to undo")
	}
	sameBatch(t, "deletes", onlyType(f2.sent, rtmDelRoute), onlyType(f1.sent, rtmDelRoute))
}

// TestQueueSenderAbort: Abort sends nothing more than was handed over,
// and DelAdded then undoes exactly what was sent.
func TestQueueSenderAbort(t *testing.T) {
	ctx := context.Background()
	q := NewRouteQueue(WithTables(BuiltinTables()))
	f := queueFake(t, "")
	qs := q.StartSending(ctx, New(f))
	const n = 3*SendWindow + 100
	addPumped(t, q, qs, n)
	qs.Abort()
	qs.Abort() // again: nothing happens
	sent := onlyType(f.sent, rtmNewRoute)
	if len(sent) != 3*SendWindow || qs.Handed() != len(sent) {
		t.Fatalf("%d sent, %d handed over; want %d", len(sent), qs.Handed(), 3*SendWindow)
	}
	qs.Report(func(i int, err error) { t.Errorf("call %d: %v", i, err) })
	f.sent = nil
	if errs := q.DelAdded(ctx, New(f), nil); len(errs) != 0 {
		t.Fatal(errs)
	}
	dels := onlyType(f.sent, rtmDelRoute)
	if len(dels) != len(sent) {
		t.Fatalf("%d deletes for %d adds sent", len(dels), len(sent))
	}
	// Newest first: the first delete names the last route sent.
	var first, last Route
	rd := routeDecoder{tables: BuiltinTables()}
	if err := rd.decode(&first, dels[0].Data); err != nil {
		t.Fatal(err)
	}
	if err := rd.decode(&last, sent[len(sent)-1].Data); err != nil {
		t.Fatal(err)
	}
	if first.Dst != last.Dst {
		t.Errorf("first delete %v, last add sent %v", first.Dst, last.Dst)
	}
}

// panicKind is routeKind whose devSlots panics on the route to 10.0.0.99.
type panicKind struct{ routeKind }

func (k panicKind) devSlots(rec []byte, dst []int) []int {
	if bytes.Contains(rec, []byte{10, 0, 0, 99}) {
		panic("devSlots: boom")
	}
	return k.routeKind.devSlots(rec, dst)
}

// TestQueueSenderPanic: a panic while the sender's goroutine sends (a
// bug) does not end the process: the calls of its window and every later
// one fail with an internal error naming it, those before are answered as
// usual.
func TestQueueSenderPanic(t *testing.T) {
	ctx := context.Background()
	q := NewRouteQueue(WithTables(BuiltinTables()))
	q.kind = panicKind{q.kind.(routeKind)}
	f := queueFake(t, "")
	qs := q.StartSending(ctx, New(f))
	const n = 400
	addPumped(t, q, qs, n)
	qs.Wait()
	var failed []int
	qs.Report(func(i int, err error) {
		if !strings.Contains(err.Error(), "internal error: devSlots: boom") {
			t.Errorf("call %d: %v", i, err)
		}
		failed = append(failed, i)
	})
	// Windows of 64, 64, 128: the panic is in the second (call 99).
	if len(failed) != n-64 || failed[0] != 64 || failed[len(failed)-1] != n-1 {
		t.Fatalf("%d calls failed, from %v", len(failed), failed[:min(3, len(failed))])
	}
	if sent := len(onlyType(f.sent, rtmNewRoute)); sent != 64 {
		t.Fatalf("%d routes sent, want the first window's 64", sent)
	}
}

// addPumped queues n routes 10.0.x.y/32 dev eth0 on q, pumping qs after
// each, as rtnl.batch's leading run does.
func addPumped(t *testing.T, q *RouteQueue, qs *QueueSender, n int) {
	t.Helper()
	for i := range n {
		r := Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), 32), Dev: "eth0"}
		if err := q.Add(&r); err != nil {
			t.Fatal(err)
		}
		qs.Pump()
	}
}
