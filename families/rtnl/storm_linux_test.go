package rtnl

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
)

// TestMirrorUnderStorm: 51,000 address events (26,000 adds, then 25,000
// deletes when a link goes) are generated from a second connection while the
// Mirror's reader is paused (the test does not call Next until the storm
// is over; each event takes about 1 KiB of the default 4 MiB buffer). The
// Mirror must report the loss, resynchronise by dumping, and end up with
// exactly the links and addresses ip -j shows.
func TestMirrorUnderStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 kernel events: not in short mode")
	}
	testutil.RequireCommand(t, "ip", "iproute2")
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "s0", "type", "veth", "peer", "name", "s1")
	ns.IP("link", "set", "s0", "up")
	ns.IP("link", "set", "s1", "up")
	ns.IP("link", "add", "m0", "type", "veth", "peer", "name", "m1")
	ns.IP("link", "set", "m0", "up")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	mc, err := Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		t.Fatal(err)
	}
	defer mc.Close()
	m, err := mc.Mirror(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	gen, err := Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		t.Fatal(err)
	}
	defer gen.Close()
	// 25,000 addresses on s0 and 1,000 on m0, then s0 is deleted (with
	// its peer s1), which announces the deletion of each of its addresses.
	const onS0, onM0 = 25000, 1000
	var as, keep []Address
	for i := range onS0 + onM0 {
		ip := netip.AddrFrom4([4]byte{10, 50 + byte(i/65536), byte(i / 256), byte(i)})
		if i < onS0 {
			as = append(as, Address{Dev: "s0", Local: ip, Prefixlen: 32})
		} else {
			keep = append(keep, Address{Dev: "m0", Local: ip, Prefixlen: 32})
		}
	}
	for _, batch := range [][]Address{as, keep} {
		errs, err := gen.AddAddrs(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range errs {
			if e != nil {
				t.Fatalf("add %v: %v", batch[i].Local, e)
			}
		}
	}
	if err := gen.DelLink(ctx, ByName("s0")); err != nil {
		t.Fatal(err)
	}
	adds, dels := onS0+onM0, onS0
	events := adds + dels
	// The marker comes last: once the Mirror holds it, it has seen (or
	// re-dumped) everything before it.
	marker := Address{Dev: "m1", Local: netip.MustParseAddr("10.99.99.99"), Prefixlen: 32}
	if err := gen.AddAddr(ctx, marker); err != nil {
		t.Fatal(err)
	}
	m1, err := gen.GetLink(ctx, ByName("m1"))
	if err != nil {
		t.Fatal(err)
	}
	markerKey := AddrKey{m1.Index, marker.Prefix()}

	for {
		if _, ok := m.Addrs[markerKey]; ok {
			break
		}
		if _, _, err := m.Next(ctx); err != nil {
			t.Fatalf("after %d events, %d resyncs: %v", m.Events, m.Resyncs, err)
		}
	}
	t.Logf("storm of %d address events (+1 marker): %d applied from events, %d resyncs after ENOBUFS", events, m.Events, m.Resyncs)
	if m.Resyncs == 0 {
		t.Fatalf("no loss reported with %d unread events", events)
	}

	var links []struct {
		Ifindex  int
		Ifname   string
		AddrInfo []struct {
			Local     string
			Prefixlen int
		} `json:"addr_info"`
	}
	ns.IPJSON(&links, "addr", "show")
	var want, got []string
	wantLinks := map[int]string{}
	for _, l := range links {
		wantLinks[l.Ifindex] = l.Ifname
		for _, a := range l.AddrInfo {
			want = append(want, fmt.Sprintf("%d %s/%d", l.Ifindex, a.Local, a.Prefixlen))
		}
	}
	for k := range m.Addrs {
		got = append(got, fmt.Sprintf("%d %s", k.Ifindex, k.Prefix))
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) < 1000 || !slices.Equal(got, want) {
		t.Fatalf("mirror holds %d addresses, ip -j shows %d (first differences: %v)", len(got), len(want), firstDiff(got, want))
	}
	if len(m.Links) != len(wantLinks) {
		t.Fatalf("mirror holds %d links, ip -j shows %d", len(m.Links), len(wantLinks))
	}
	for i, l := range m.Links {
		if wantLinks[i] != l.Name {
			t.Fatalf("mirror link %d is %q, ip -j shows %q", i, l.Name, wantLinks[i])
		}
	}
}

func firstDiff(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, "+"+s)
		}
		if len(out) > 5 {
			return out
		}
	}
	for _, s := range b {
		if !slices.Contains(a, s) {
			out = append(out, "-"+s)
		}
		if len(out) > 10 {
			break
		}
	}
	return out
}
