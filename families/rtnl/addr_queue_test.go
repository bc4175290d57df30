package rtnl

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// TestAddrQueue: queued address adds are sent as the same bytes AddAddrs
// sends, devices resolved when sent (an unknown one fails its own call),
// an address refused when queued fails its own call unsent, the kernel's
// refusal names its address; DelAdded deletes what was added, newest
// first, with the bytes DelAddrs sends for each address's Key, skipping
// what the caller says was refused.
func TestAddrQueue(t *testing.T) {
	ctx := context.Background()
	ip := netip.MustParseAddr
	addrs := []Address{
		{Dev: "eth0", Local: ip("10.0.0.1"), Prefixlen: 24},
		{Dev: "eth1", Local: ip("10.0.1.1"), Prefixlen: 32, Address: ip("10.0.1.2"), Label: "eth1:p", Metric: 9},
		{Dev: "nosuch", Local: ip("10.0.2.1"), Prefixlen: 24},
		{Dev: "eth0", Local: ip("10.0.3.1"), Prefixlen: 33}, // refused when queued
		{Dev: "eth1", Local: ip("2001:db8::1"), Prefixlen: 64, Flags: []string{"nodad"}, ValidLifetime: 600},
		{Dev: "eth0", Local: ip("10.0.4.1"), Prefixlen: 24, BroadcastAuto: true, Scope: "link"},
		{Dev: "eth0", Local: ip("10.0.5.1")},
	}
	q := NewAddrQueue()
	for i := range addrs {
		a := addrs[i]
		err := q.Add(&a)
		if (i == 3) != (err != nil) {
			t.Fatalf("Add %d: %v", i, err)
		}
	}
	if q.Len() != len(addrs) {
		t.Fatalf("Len %d", q.Len())
	}
	f := queueFake(t, "10.0.4.1")
	var failed []string
	q.Send(ctx, New(f), func(i int, err error) { failed = append(failed, fmt.Sprint(i, ": ", err)) })
	want := []string{
		`2: dev "nosuch": no such device`,
		`3: prefixlen "33": must be 1..32`,
		`5: RTM_NEWADDR 10.0.4.1/24 dev eth0: file exists (EEXIST)`,
	}
	if len(failed) != len(want) {
		t.Fatalf("failures %q", failed)
	}
	for i := range want {
		if !strings.HasPrefix(failed[i], want[i]) {
			t.Errorf("failure %q, want %q...", failed[i], want[i])
		}
	}

	// The same addresses, but those not sent, through AddAddrs.
	sent := []Address{addrs[0], addrs[1], addrs[4], addrs[5], addrs[6]}
	g := queueFake(t, "10.0.4.1")
	if errs, err := New(g).AddAddrs(ctx, sent); err != nil || errors.Join(errs...) == nil {
		t.Fatal(errs, err)
	}
	sameBatch(t, "adds", onlyType(f.sent, rtmNewAddr), onlyType(g.sent, rtmNewAddr))

	f.sent = nil
	if errs := q.DelAdded(ctx, New(f), []int{5}); len(errs) != 0 {
		t.Fatalf("DelAdded: %v", errs)
	}
	g.sent = nil
	var keys []Address
	for _, i := range []int{6, 4, 1, 0} {
		a := addrs[i]
		if _, err := a.normalize("addr add"); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, a.Key())
	}
	if _, err := New(g).DelAddrs(ctx, keys); err != nil {
		t.Fatal(err)
	}
	sameBatch(t, "deletes", onlyType(f.sent, rtmDelAddr), onlyType(g.sent, rtmDelAddr))
	if d := onlyType(f.sent, rtmDelAddr); len(d) != 4 || !strings.Contains(string(d[2].Data), "eth1:p") {
		t.Errorf("the peer address's delete names no label: % x", d[2].Data)
	}
}

// TestAddrQueueBrokenExchange: when the exchange itself fails, every
// call whose outcome is unknown reports it, and DelAdded undoes the
// calls that were handed to the kernel and leaves alone the rest.
func TestAddrQueueBrokenExchange(t *testing.T) {
	ctx := context.Background()
	q := NewAddrQueue()
	for i := range queueWindow + 10 {
		a := Address{Local: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), Dev: "eth0"}
		if err := q.Add(&a); err != nil {
			t.Fatal(err)
		}
	}
	f := queueFake(t, "")
	broken := errors.New("receive: connection reset")
	n := 0
	q.Send(ctx, New(&brokenBatchConn{ipFakeConn: f, err: broken}), func(i int, err error) {
		if !errors.Is(err, broken) {
			t.Errorf("call %d: %v", i, err)
		}
		n++
	})
	if n != q.Len() || q.sent != queueWindow {
		t.Errorf("%d failures reported, want %d; sent %d, want %d", n, q.Len(), q.sent, queueWindow)
	}
	f.sent = nil
	q.DelAdded(ctx, New(f), nil)
	if got := len(onlyType(f.sent, rtmDelAddr)); got != queueWindow {
		t.Errorf("%d deletes, want %d", got, queueWindow)
	}
}

// TestAddrQueueExisting: Existing names the queued adds whose address is
// already on its device (same local address and prefix length), and no
// other: not one on another device, nor with another prefix length.
func TestAddrQueueExisting(t *testing.T) {
	ctx := context.Background()
	ip := netip.MustParseAddr
	f := queueFake(t, "")
	link := func(idx byte, name string) codec.Message {
		e := codec.NewEncoder(make([]byte, ipIfinfomsgLen))
		e.String(ipIFLAIfname, name)
		b, _ := e.Encode()
		b[4] = idx
		return codec.Message{Header: codec.Header{Type: rtmNewLink}, Data: b}
	}
	addr := func(idx int, local string, plen int) codec.Message {
		a := Address{Ifindex: idx, Local: ip(local), Prefixlen: plen}
		fam, _ := a.normalize("addr add")
		b, err := encodeAddr(&a, fam, false)
		if err != nil {
			t.Fatal(err)
		}
		return codec.Message{Header: codec.Header{Type: rtmNewAddr}, Data: b}
	}
	f.dump = func(m codec.Message) []codec.Message {
		if m.Header.Type == rtmGetLink {
			return []codec.Message{link(3, "eth0"), link(4, "eth1")}
		}
		return []codec.Message{addr(3, "10.0.0.1", 24), addr(4, "10.0.0.2", 24), addr(3, "10.0.0.3", 16), addr(3, "2001:db8::5", 64)}
	}
	q := NewAddrQueue()
	for _, a := range []Address{
		{Dev: "eth0", Local: ip("10.0.0.1"), Prefixlen: 24},    // there
		{Dev: "eth0", Local: ip("10.0.0.2"), Prefixlen: 24},    // on eth1
		{Dev: "eth0", Local: ip("10.0.0.3"), Prefixlen: 24},    // as a /16
		{Dev: "nosuch", Local: ip("10.0.0.1"), Prefixlen: 24},  // no device
		{Dev: "eth0", Local: ip("2001:db8::5"), Prefixlen: 64}, // there
		{Dev: "eth1", Local: ip("10.0.0.2"), Prefixlen: 24},    // there
	} {
		if err := q.Add(&a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := q.Existing(ctx, New(f))
	if err != nil || !slices.Equal(got, []int{0, 4, 5}) {
		t.Fatalf("Existing: %v, %v; want [0 4 5]", got, err)
	}
}

// BenchmarkAddrQueueAdd is queueing one IPv4 address on a device.
func BenchmarkAddrQueueAdd(b *testing.B) {
	q := NewAddrQueue()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a := Address{Local: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), Prefixlen: 32, Dev: "eth0"}
		if err := q.Add(&a); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
