package socket_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
)

var rtnlNames = names{
	unix.RTM_NEWLINK: "RTM_NEWLINK", unix.RTM_GETLINK: "RTM_GETLINK",
	unix.RTM_NEWADDR: "RTM_NEWADDR", unix.RTM_GETADDR: "RTM_GETADDR",
	unix.RTM_NEWROUTE: "RTM_NEWROUTE", unix.RTM_GETROUTE: "RTM_GETROUTE",
}

func dialRoute(t testing.TB, ns *testutil.NS, cfg *socket.Config) *socket.Conn {
	t.Helper()
	if cfg == nil {
		cfg = &socket.Config{}
	}
	cfg.NetNS = ns.Target
	if cfg.Protocol == nil {
		cfg.Protocol = rtnlNames
	}
	c, err := socket.Dial(unix.NETLINK_ROUTE, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ifinfomsg is 16 bytes: family, pad, type, index, flags, change.
func ifinfomsg(index int32) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint32(b[4:], uint32(index))
	return b
}

type link struct {
	Link  int // IFLA_LINK
	Index int
	Name  string
	Flags uint32
	MTU   uint32
}

func decodeLink(t testing.TB, m codec.Message) link {
	t.Helper()
	if m.Header.Type != unix.RTM_NEWLINK || len(m.Data) < 16 {
		t.Fatalf("not an RTM_NEWLINK: %+v", m.Header)
	}
	l := link{Index: int(int32(binary.LittleEndian.Uint32(m.Data[4:]))), Flags: binary.LittleEndian.Uint32(m.Data[8:])}
	d := codec.NewDecoder(m.Data[16:])
	for d.Next() {
		switch d.Type() {
		case unix.IFLA_IFNAME:
			l.Name = d.String()
		case unix.IFLA_MTU:
			l.MTU = d.Uint32()
		case unix.IFLA_LINK:
			l.Link = int(d.Uint32())
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	return l
}

// ipFlagNames spells ifi_flags the way `ip -j link` prints them.
// mdown is ip's "M-DOWN": the link's lower (IFLA_LINK) device is down.
func ipFlagNames(f uint32, mdown bool) []string {
	var out []string
	if mdown {
		out = append(out, "M-DOWN")
	}
	if f&unix.IFF_UP != 0 && f&unix.IFF_RUNNING == 0 {
		out = append(out, "NO-CARRIER")
	}
	for _, n := range []struct {
		bit  uint32
		name string
	}{
		{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"},
		{unix.IFF_POINTOPOINT, "POINTOPOINT"}, {unix.IFF_MULTICAST, "MULTICAST"},
		{unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
		{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_MASTER, "MASTER"},
		{unix.IFF_SLAVE, "SLAVE"}, {unix.IFF_DEBUG, "DEBUG"},
		{unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
		{unix.IFF_PORTSEL, "PORTSEL"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"},
		{unix.IFF_UP, "UP"}, {unix.IFF_LOWER_UP, "LOWER_UP"},
		{unix.IFF_DORMANT, "DORMANT"}, {unix.IFF_ECHO, "ECHO"},
	} {
		if f&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	sort.Strings(out)
	return out
}

// A streamed link dump lists exactly what `ip -j link show` lists.
func TestLinkDumpMatchesIP(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "set", "lo", "up")
	ns.IP("link", "add", "br0", "type", "bridge")
	ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v1")
	ns.IP("link", "add", "v2", "mtu", "1400", "type", "veth", "peer", "name", "v3")
	ns.IP("link", "set", "v0", "master", "br0")
	ns.IP("link", "set", "v0", "up")
	ns.IP("link", "set", "br0", "up")

	c := dialRoute(t, ns, nil)
	// Carrier (LOWER_UP, NO-CARRIER, M-DOWN) settles asynchronously after
	// the links come up (linkwatch), slowly on an emulated CPU (the VM
	// lane), so the dump and ip may see two states: compare again until
	// they agree, for a bounded time.
	var mismatch []string
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		mismatch = compareLinkDump(t, c, ns)
		if len(mismatch) == 0 {
			return
		}
		if time.Since(start) > 5*time.Second {
			break
		}
		t.Logf("dump and ip differ (%d links), again", len(mismatch))
	}
	for _, m := range mismatch {
		t.Error(m)
	}
}

// compareLinkDump dumps the links and lists them with ip, and describes
// every difference.
func compareLinkDump(t *testing.T, c *socket.Conn, ns *testutil.NS) (mismatch []string) {
	t.Helper()
	d := c.Dump(context.Background(), codec.Message{Header: codec.Header{Type: unix.RTM_GETLINK}, Data: ifinfomsg(0)})
	var got []link
	for d.Next() {
		if d.Restarted() {
			got = got[:0]
		}
		got = append(got, decodeLink(t, d.Message()))
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	var ipLinks []struct {
		Ifindex int      `json:"ifindex"`
		Ifname  string   `json:"ifname"`
		Flags   []string `json:"flags"`
		MTU     uint32   `json:"mtu"`
	}
	ns.IPJSON(&ipLinks, "link", "show")
	if len(got) != len(ipLinks) || len(got) != 6 {
		t.Fatalf("dump has %d links, ip has %d, want 6: %+v", len(got), len(ipLinks), got)
	}
	flagsOf := map[int]uint32{}
	for _, l := range got {
		flagsOf[l.Index] = l.Flags
	}
	for i, want := range ipLinks {
		g := got[i]
		mdown := g.Link != 0 && flagsOf[g.Link]&unix.IFF_UP == 0
		wantFlags := slices.Clone(want.Flags)
		sort.Strings(wantFlags)
		if g.Index != want.Ifindex || g.Name != want.Ifname || g.MTU != want.MTU ||
			!slices.Equal(ipFlagNames(g.Flags, mdown), wantFlags) {
			mismatch = append(mismatch, fmt.Sprintf("link %d: dump %+v (flags %v), ip %+v", i, g, ipFlagNames(g.Flags, mdown), want))
		}
	}
	return mismatch
}

func newAddr(index uint32, a netip.Addr, prefix uint8) codec.Message {
	b := []byte{unix.AF_INET, prefix, 0, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[4:], index)
	e := codec.NewEncoder(b)
	e.Addr(unix.IFA_LOCAL, a)
	e.Addr(unix.IFA_ADDRESS, a)
	data, _ := e.Encode()
	return codec.Message{Header: codec.Header{Type: unix.RTM_NEWADDR, Flags: codec.Create | codec.Excl}, Data: data}
}

// 1,000 RTM_NEWADDR in one batch with one bad prefix length: 999 succeed,
// the bad one fails with the kernel's extack text at its own index, and
// `ip -j addr` shows exactly the 999.
func TestBatchThousandAddrs(t *testing.T) {
	ns := testutil.NewNetNS(t)
	var sends int
	c := dialRoute(t, ns, &socket.Config{Trace: func(d socket.Direction, m codec.Message) {
		if d == socket.Sent && m.Header.Seq != 0 {
			sends++
		}
	}})
	const n, bad = 1000, 537
	msgs := make([]codec.Message, n)
	for i := range msgs {
		a := netip.AddrFrom4([4]byte{10, 77, byte(i / 256), byte(i % 256)})
		prefix := uint8(32)
		if i == bad {
			prefix = 33
		}
		msgs[i] = newAddr(1, a, prefix)
	}
	start := time.Now()
	errs, err := c.Batch(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1000 RTM_NEWADDR in %v", time.Since(start))
	if sends != n {
		t.Fatalf("traced %d sent messages, want %d", sends, n)
	}
	for i, e := range errs {
		if i == bad {
			var ke *codec.Error
			if !errors.As(e, &ke) || !errors.Is(e, unix.EINVAL) || ke.Op != "RTM_NEWADDR" {
				t.Fatalf("errs[%d] = %v, want RTM_NEWADDR EINVAL", i, e)
			}
			// Linux 6.6 added the text ("ipv4: Invalid prefix length");
			// older kernels answer with the errno alone.
			if ke.Msg == "" && kernel.AtLeast(6, 6) {
				t.Fatalf("errs[%d] = %v, want the kernel's extack text", i, e)
			}
			t.Logf("errs[%d] = %v", i, e)
		} else if e != nil {
			t.Fatalf("errs[%d] = %v", i, e)
		}
	}
	var addrs []struct {
		AddrInfo []struct {
			Local     string `json:"local"`
			Prefixlen int    `json:"prefixlen"`
		} `json:"addr_info"`
	}
	ns.IPJSON(&addrs, "-4", "addr", "show", "dev", "lo")
	have := map[string]bool{}
	for _, l := range addrs {
		for _, a := range l.AddrInfo {
			if strings.HasPrefix(a.Local, "10.77.") && a.Prefixlen == 32 {
				have[a.Local] = true
			}
		}
	}
	if len(have) != n-1 {
		t.Fatalf("ip lists %d addresses, want %d", len(have), n-1)
	}
	badAddr := fmt.Sprintf("10.77.%d.%d", bad/256, bad%256)
	if have[badAddr] {
		t.Fatalf("%s was added despite its error", badAddr)
	}
	// Doing it again fails every request but the bad one with EEXIST.
	errs, err = c.Batch(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if want := unix.EEXIST; i != bad && !errors.Is(e, want) || i == bad && !errors.Is(e, unix.EINVAL) {
			t.Fatalf("second batch errs[%d] = %v", i, e)
		}
	}
}

// A kernel error from Request reads like ip's and matches the errno.
func TestRequestError(t *testing.T) {
	ns := testutil.NewNetNS(t)
	c := dialRoute(t, ns, nil)
	m := newAddr(1, netip.MustParseAddr("10.9.9.9"), 32)
	if err := c.Request(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	err := c.Request(context.Background(), m)
	if !errors.Is(err, unix.EEXIST) || !strings.HasPrefix(err.Error(), "RTM_NEWADDR: file exists (EEXIST)") {
		t.Fatalf("err = %v", err)
	}
	// A bad ifindex names the attribute-less cause in the extack text.
	err = c.Request(context.Background(), newAddr(999, netip.MustParseAddr("10.9.9.8"), 32))
	if !errors.Is(err, unix.ENODEV) {
		t.Fatalf("err = %v, want ENODEV", err)
	}
	t.Log(err)
}

// 1,000 sockets opened from many goroutines in several namespaces land in
// the right namespace, leave every thread in the process's own namespace
// and leak no descriptor.
func TestConcurrentDialNamespaces(t *testing.T) {
	const nNS, total, workers = 4, 1000, 50
	nss := make([]*testutil.NS, nNS)
	for i := range nss {
		nss[i] = testutil.NewNetNS(t)
		nss[i].IP("link", "add", fmt.Sprintf("mark%d", i), "type", "veth", "peer", "name", fmt.Sprintf("peer%d", i))
	}
	before := len(testutil.OpenFDs())
	var wg sync.WaitGroup
	errc := make(chan error, total)
	jobs := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				i := j % nNS
				c, err := socket.Dial(unix.NETLINK_ROUTE, &socket.Config{NetNS: nss[i].Target, ReceiveBuffer: -1})
				if err != nil {
					errc <- err
					continue
				}
				e := codec.NewEncoder(ifinfomsg(0))
				e.String(unix.IFLA_IFNAME, fmt.Sprintf("mark%d", i))
				data, _ := e.Encode()
				ms, err := c.Execute(context.Background(), codec.Message{Header: codec.Header{Type: unix.RTM_GETLINK}, Data: data})
				if err == nil && len(ms) != 1 {
					err = fmt.Errorf("%d replies", len(ms))
				}
				if err != nil {
					errc <- fmt.Errorf("socket %d in %s: %w", j, nss[i].Name, err)
				}
				c.Close()
			}
		}()
	}
	for j := 0; j < total; j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if err := testutil.CheckThreads(); err != nil {
		t.Fatal(err)
	}
	if after := len(testutil.OpenFDs()); after != before {
		t.Fatalf("%d descriptors open before, %d after", before, after)
	}
}

// A Receive blocked on a quiet multicast group ends promptly when its
// context is cancelled, and when the Conn is closed.
func TestCancelBlockedReceive(t *testing.T) {
	ns := testutil.NewNetNS(t)
	c := dialRoute(t, ns, nil)
	if err := c.JoinGroup(unix.RTNLGRP_LINK); err != nil {
		t.Fatal(err)
	}
	// The group works: an event arrives.
	ns.IP("link", "add", "ev0", "type", "veth", "peer", "name", "ev1")
	ms, err := c.Receive(context.Background())
	if err != nil || len(ms) == 0 || ms[0].Header.Type != unix.RTM_NEWLINK {
		t.Fatalf("event: %v, %v", ms, err)
	}
	for range 2 { // drain the peer's event, if separate
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		c.Receive(ctx)
		cancel()
	}

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := c.Receive(ctx); errc <- err }()
	var cancelled time.Time
	time.AfterFunc(50*time.Millisecond, func() { cancelled = time.Now(); cancel() })
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if d := time.Since(cancelled); d > time.Second {
			t.Fatalf("Receive returned %v after cancel", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Receive still blocked 10s after cancel")
	}

	// A deadline works the same way, and the conn is still usable.
	ctx, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := c.Receive(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if _, err := c.DumpAll(context.Background(), codec.Message{Header: codec.Header{Type: unix.RTM_GETLINK}, Data: ifinfomsg(0)}); err != nil {
		t.Fatalf("dump after cancel: %v", err)
	}

	go func() { _, err := c.Receive(context.Background()); errc <- err }()
	time.AfterFunc(50*time.Millisecond, func() { c.Close() })
	select {
	case err := <-errc:
		if !errors.Is(err, socket.ErrClosed) {
			t.Fatalf("err = %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Receive still blocked 10s after Close")
	}
}

// A namespace made by core/netns is seen by `ip netns list`, and one made
// by `ip netns add` can be dialled through core/netns.
func TestNamedNamespaceInterop(t *testing.T) {
	testutil.RequireRoot(t)
	hostID, err := netns.Host().ID()
	if err != nil {
		t.Fatal(err)
	}
	check := func(target netns.Target, wantLinks []string) {
		t.Helper()
		id, err := target.ID()
		if err != nil || id == hostID {
			t.Fatalf("%s: id %d (host %d), %v", target, id, hostID, err)
		}
		c, err := socket.Dial(unix.NETLINK_ROUTE, &socket.Config{NetNS: target})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ms, err := c.DumpAll(context.Background(), codec.Message{Header: codec.Header{Type: unix.RTM_GETLINK}, Data: ifinfomsg(0)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range ms {
			got = append(got, decodeLink(t, m).Name)
		}
		if !slices.Equal(got, wantLinks) {
			t.Fatalf("%s: links %v, want %v", target, got, wantLinks)
		}
	}

	ours := fmt.Sprintf("nlsh-sock-%d", time.Now().UnixNano())
	tg, err := netns.Add(ours)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { netns.Del(ours) })
	out, err := testutil.Run("ip", "netns", "list")
	if err != nil || !strings.Contains(out, ours) {
		t.Fatalf("ip netns list does not show %s: %q %v", ours, out, err)
	}
	if _, err := testutil.Run("ip", "-n", ours, "link", "add", "x0", "type", "veth", "peer", "name", "x1"); err != nil {
		t.Fatal(err)
	}
	check(tg, []string{"lo", "x1", "x0"})

	theirs := fmt.Sprintf("nlsh-ipns-%d", time.Now().UnixNano())
	if _, err := testutil.Run("ip", "netns", "add", theirs); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testutil.Run("ip", "netns", "del", theirs) })
	tg2, err := netns.Named(theirs)
	if err != nil {
		t.Fatal(err)
	}
	check(tg2, []string{"lo"})
	names, err := netns.List()
	if err != nil || !slices.Contains(names, theirs) || !slices.Contains(names, ours) {
		t.Fatalf("netns.List = %v, %v", names, err)
	}
}

// A monitor with a tiny receive buffer that falls behind gets
// ErrEventsLost (matching ENOBUFS), and stays usable: it can resync with a
// dump and receive again.
func TestEventsLost(t *testing.T) {
	ns := testutil.NewNetNS(t)
	mon := dialRoute(t, ns, &socket.Config{ReceiveBuffer: 4096})
	if err := mon.JoinGroup(unix.RTNLGRP_IPV4_IFADDR); err != nil {
		t.Fatal(err)
	}
	c := dialRoute(t, ns, nil)
	msgs := make([]codec.Message, 300)
	for i := range msgs {
		msgs[i] = newAddr(1, netip.AddrFrom4([4]byte{10, 88, byte(i / 256), byte(i % 256)}), 32)
	}
	if errs, err := c.Batch(context.Background(), msgs); err != nil || errors.Join(errs...) != nil {
		t.Fatal(err, errors.Join(errs...))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var lostErr error
	for lostErr == nil {
		if _, err := mon.Receive(ctx); err != nil {
			lostErr = err
		}
	}
	if !errors.Is(lostErr, socket.ErrEventsLost) || !errors.Is(lostErr, unix.ENOBUFS) {
		t.Fatalf("err = %v, want ErrEventsLost wrapping ENOBUFS", lostErr)
	}
	t.Log(lostErr)
	// Resync: drop the stale queue (the kernel reports no further loss
	// until it is empty), then dump.
	dropped, err := mon.Discard()
	if err != nil || dropped == 0 {
		t.Fatalf("discard: %d datagrams, %v", dropped, err)
	}
	ms, err := mon.DumpAll(ctx, codec.Message{Header: codec.Header{Type: unix.RTM_GETADDR}, Data: []byte{unix.AF_INET, 0, 0, 0, 0, 0, 0, 0}})
	if err != nil || len(ms) != len(msgs) {
		t.Fatalf("resync dump: %d addresses, %v", len(ms), err)
	}
	// The monitor goes on: a new event arrives, the first thing it reads.
	if err := c.Request(ctx, newAddr(1, netip.MustParseAddr("10.89.0.1"), 32)); err != nil {
		t.Fatal(err)
	}
	ms, err = mon.Receive(ctx)
	if err != nil {
		t.Fatalf("receive after resync: %v", err)
	}
	if len(ms) != 1 || ms[0].Header.Type != unix.RTM_NEWADDR || !strings.Contains(string(ms[0].Data), "\x0a\x59\x00\x01") {
		t.Fatalf("after resync: %v, want the new address's event", ms)
	}
}

// One Conn shared by goroutines: requests, dumps and batches interleave
// without any goroutine seeing another's replies.
func TestConnSharedByGoroutines(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "s0", "type", "veth", "peer", "name", "s1")
	c := dialRoute(t, ns, nil)
	var wg sync.WaitGroup
	errc := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				var err error
				switch i % 3 {
				case 0:
					var ms []codec.Message
					ms, err = c.Execute(context.Background(), codec.Message{Header: codec.Header{Type: unix.RTM_GETLINK}, Data: ifinfomsg(1)})
					if err == nil && (len(ms) != 1 || decodeLink(t, ms[0]).Name != "lo") {
						err = fmt.Errorf("get lo: %d replies", len(ms))
					}
				case 1:
					var ms []codec.Message
					ms, err = c.DumpAll(context.Background(), codec.Message{Header: codec.Header{Type: unix.RTM_GETLINK}, Data: ifinfomsg(0)})
					if err == nil && len(ms) != 3 {
						err = fmt.Errorf("dump: %d links", len(ms))
					}
				case 2:
					a := netip.AddrFrom4([4]byte{10, 66, byte(g), byte(i)})
					var errs []error
					errs, err = c.Batch(context.Background(), []codec.Message{newAddr(1, a, 32), newAddr(1, a, 32)})
					if err == nil && (errs[0] != nil || !errors.Is(errs[1], unix.EEXIST)) {
						err = fmt.Errorf("batch: %v", errs)
					}
				}
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
}

// countMany passes the kernel transport through, counting receives.
type countMany struct {
	socket.Transport
	receives, receiveManys int
}

func (c *countMany) Receive(b []byte) ([]byte, uint32, error) {
	c.receives++
	return c.Transport.Receive(b)
}

func (c *countMany) ReceiveMany(ds []socket.Datagram) (int, error) {
	c.receiveManys++
	return c.Transport.(socket.MultiReceiver).ReceiveMany(ds)
}

func (c *countMany) BufferSizes() (int, int) { return c.Transport.(socket.BufferSizer).BufferSizes() }
func (c *countMany) CapAck() bool            { return c.Transport.(socket.CapAcker).CapAck() }

// The kernel transport reads a batch's acknowledgements with recvmmsg,
// many per call: 2,000 RTM_NEWADDR take a few dozen receives, not 2,000.
func TestBatchAcksReadMany(t *testing.T) {
	ns := testutil.NewNetNS(t)
	var cm *countMany
	c := dialRoute(t, ns, &socket.Config{WrapTransport: func(tr socket.Transport) socket.Transport {
		cm = &countMany{Transport: tr}
		return cm
	}})
	const n = 2000
	msgs := make([]codec.Message, n)
	for i := range msgs {
		msgs[i] = newAddr(1, netip.AddrFrom4([4]byte{10, 78, byte(i / 256), byte(i % 256)}), 32)
	}
	msgs[n-1] = newAddr(1, netip.AddrFrom4([4]byte{10, 78, 0, 0}), 32) // a repeat of the first: EEXIST
	errs, err := c.Batch(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if want := i == n-1; (e != nil) != want || want && !errors.Is(e, unix.EEXIST) {
			t.Fatalf("errs[%d] = %v", i, e)
		}
	}
	if cm.receives != 0 || cm.receiveManys == 0 || cm.receiveManys > n/16 {
		t.Fatalf("%d Receive and %d ReceiveMany calls for %d acks", cm.receives, cm.receiveManys, n)
	}
	t.Logf("%d acks in %d ReceiveMany calls", n, cm.receiveManys)
}
