package rtnl

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
)

// linkLiveNS makes a throwaway namespace and a client bound to it.
func linkLiveNS(t *testing.T) (*testutil.NS, *Client) {
	t.Helper()
	testutil.RequireCommand(t, "ip", "iproute2")
	ns := testutil.NewNetNS(t)
	c, err := Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return ns, c
}

// ipLink is what `ip -j -d link show` prints, as far as the tests compare.
type ipLink struct {
	Ifindex  int      `json:"ifindex"`
	Ifname   string   `json:"ifname"`
	Flags    []string `json:"flags"`
	MTU      uint32   `json:"mtu"`
	Master   string   `json:"master"`
	Link     string   `json:"link"`
	Oper     string   `json:"operstate"`
	TxQLen   uint32   `json:"txqlen"`
	Address  string   `json:"address"`
	Alias    string   `json:"ifalias"`
	LinkType string   `json:"link_type"`
	LinkInfo *struct {
		Kind string         `json:"info_kind"`
		Data map[string]any `json:"info_data"`
	} `json:"linkinfo"`
}

func ipShow(t *testing.T, ns *testutil.NS, name string) ipLink {
	t.Helper()
	var ls []ipLink
	ns.IPJSON(&ls, "-d", "link", "show", "dev", name)
	if len(ls) != 1 {
		t.Fatalf("ip link show %s: %d links", name, len(ls))
	}
	return ls[0]
}

// sameValue compares an nlsh option value with what ip -j printed.
func sameValue(nl, ip any) bool {
	return fmt.Sprint(nl) == fmt.Sprint(ip)
}

type kindRow struct {
	name    string
	require []kernel.Feature
	// spec is what nlsh creates; ipArgs create the same with ip (after
	// "link add NAME").
	spec   LinkSpec
	ipArgs []string
	// data lists the info_data fields to compare.
	data []string
	// ipData is what ip must print under info_data for the link nlsh
	// made, where ip spells it otherwise than nlsh is given it.
	ipData map[string]any
	// prepare creates what the row needs first (a parent device).
	prepare []string
	// hostUnsupported: the host kernel lacks this variant (a config
	// option, not a module); it runs in the VM lane.
	hostUnsupported bool
	// parentAddress: the kind always takes its parent's MAC address (the
	// ipvlan driver overwrites IFLA_ADDRESS with lower0's).
	parentAddress bool
}

func kindRows() []kindRow {
	return []kindRow{
		{name: "veth", spec: LinkSpec{Kind: "veth", Peer: &LinkSpec{Name: "pe0"}},
			ipArgs: []string{"type", "veth", "peer", "name", "pe1"}},
		{name: "bridge-stp", spec: LinkSpec{Kind: "bridge", Data: Options{"stp_state": 1, "forward_delay": 400, "priority": 4096}},
			ipArgs: []string{"type", "bridge", "stp_state", "1", "forward_delay", "400", "priority", "4096"},
			data:   []string{"stp_state", "forward_delay", "priority"}},
		{name: "bridge-boolopt", spec: LinkSpec{Kind: "bridge", Data: Options{"no_linklocal_learn": 1, "group_fwd_mask": "0x8"}},
			ipArgs: []string{"type", "bridge", "no_linklocal_learn", "1", "group_fwd_mask", "0x8"},
			data:   []string{"no_linklocal_learn", "group_fwd_mask"}},
		{name: "bridge-vlan", spec: LinkSpec{Kind: "bridge", Data: Options{"vlan_filtering": 1, "vlan_protocol": "802.1ad"}},
			ipArgs: []string{"type", "bridge", "vlan_filtering", "1", "vlan_protocol", "802.1ad"},
			data:   []string{"vlan_filtering", "vlan_protocol"}, hostUnsupported: true},
		{name: "vxlan", spec: LinkSpec{Kind: "vxlan", Data: Options{"id": 42, "port": 4789, "local": "10.0.0.1", "remote": "10.0.0.2", "ttl": 5, "learning": false}},
			ipArgs: []string{"type", "vxlan", "id", "42", "dstport", "4789", "local", "10.0.0.1", "remote", "10.0.0.2", "ttl", "5", "nolearning"},
			data:   []string{"id", "port", "local", "remote", "ttl", "learning"}},
		{name: "vxlan-ports", spec: LinkSpec{Kind: "vxlan", Data: Options{"id": 9, "port": 4789, "port_range": map[string]any{"low": 1000, "high": 2000}, "ttl_inherit": true}},
			ipArgs: []string{"type", "vxlan", "id", "9", "dstport", "4789", "srcport", "1000", "2000", "ttl", "inherit"},
			data:   []string{"id", "port", "port_range"}},
		{name: "vxlan-group", spec: LinkSpec{Kind: "vxlan", Data: Options{"id": 7, "group": "239.1.1.1", "link": "lo", "port": 8472}},
			ipArgs: []string{"type", "vxlan", "id", "7", "group", "239.1.1.1", "dev", "lo", "dstport", "8472"},
			data:   []string{"id", "group", "port"}},
		{name: "macvlan", prepare: []string{"link", "add", "lower0", "type", "ifb"},
			spec:   LinkSpec{Kind: "macvlan", Parent: ByName("lower0"), Data: Options{"mode": "bridge"}},
			ipArgs: []string{"link", "lower0", "type", "macvlan", "mode", "bridge"}, data: []string{"mode"}},
		{name: "macvlan-private", prepare: []string{"link", "add", "lower0", "type", "ifb"},
			spec:   LinkSpec{Kind: "macvlan", Parent: ByName("lower0"), Data: Options{"mode": "private"}},
			ipArgs: []string{"link", "lower0", "type", "macvlan", "mode", "private"}, data: []string{"mode"}},
		{name: "ifb", spec: LinkSpec{Kind: "ifb"}, ipArgs: []string{"type", "ifb"}},
		{name: "vlan", require: []kernel.Feature{kernel.LinkKind("vlan")}, prepare: []string{"link", "add", "lower0", "type", "ifb"},
			spec:   LinkSpec{Kind: "vlan", Parent: ByName("lower0"), Data: Options{"id": 100, "protocol": "802.1ad", "flags": []any{"REORDER_HDR", "loose_binding"}}},
			ipArgs: []string{"link", "lower0", "type", "vlan", "id", "100", "protocol", "802.1ad", "loose_binding", "on"}, data: []string{"id", "protocol"},
			ipData: map[string]any{"flags": []string{"REORDER_HDR", "LOOSE_BINDING"}}},
		{name: "ipvlan", require: []kernel.Feature{kernel.LinkKind("ipvlan")}, prepare: []string{"link", "add", "lower0", "type", "ifb"},
			spec:   LinkSpec{Kind: "ipvlan", Parent: ByName("lower0"), Data: Options{"mode": "l3", "flags": "private"}},
			ipArgs: []string{"link", "lower0", "type", "ipvlan", "mode", "l3", "private"}, data: []string{"mode"},
			ipData: map[string]any{"private": true}, parentAddress: true},
		{name: "bond", require: []kernel.Feature{kernel.LinkKind("bond")},
			spec:   LinkSpec{Kind: "bond", Data: Options{"mode": "active-backup", "miimon": 100}},
			ipArgs: []string{"type", "bond", "mode", "active-backup", "miimon", "100"}, data: []string{"mode", "miimon"}},
		{name: "dummy", require: []kernel.Feature{kernel.LinkKind("dummy")}, spec: LinkSpec{Kind: "dummy"}, ipArgs: []string{"type", "dummy"}},
		{name: "vrf", require: []kernel.Feature{kernel.LinkKind("vrf")},
			spec: LinkSpec{Kind: "vrf", Data: Options{"table": 10}}, ipArgs: []string{"type", "vrf", "table", "10"}, data: []string{"table"}},
	}
}

// One row per kind/variant: created by nlsh, ip reads back the same
// fields; created by ip, nlsh lists the same fields.
func TestLinkKindsCrossCheckIP(t *testing.T) {
	for i, row := range kindRows() {
		t.Run(row.name, func(t *testing.T) {
			kernel.Require(t, append([]kernel.Feature{kernel.Root()}, row.require...)...)
			ns, c := linkLiveNS(t)
			if row.prepare != nil {
				ns.IP(row.prepare...)
			}
			spec := row.spec
			spec.Name = "nl0"
			spec.MTU = 1400
			spec.Address = fmt.Sprintf("02:00:00:00:01:%02x", i)
			spec.Alias = "made by nlsh"
			spec.TxQLen = 77
			err := c.AddLink(ctx(t), spec)
			if row.hostUnsupported && errors.Is(err, syscall.EOPNOTSUPP) && !kernel.InVMLane() {
				t.Skipf("this kernel lacks it (%v); runs in the VM lane: make test-vm", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ipShow(t, ns, "nl0")
			if got.LinkInfo == nil || got.LinkInfo.Kind != spec.Kind {
				t.Errorf("ip sees kind %+v, want %s", got.LinkInfo, spec.Kind)
			}
			wantAddr := spec.Address
			if row.parentAddress {
				wantAddr = ipShow(t, ns, "lower0").Address
			}
			if got.MTU != 1400 || got.Address != wantAddr || got.Alias != "made by nlsh" || got.TxQLen != 77 {
				t.Errorf("ip sees mtu %d address %s alias %q txqlen %d; want 1400 %s %q 77", got.MTU, got.Address, got.Alias, got.TxQLen, wantAddr, "made by nlsh")
			}
			for _, k := range row.data {
				if !sameValue(normalizeOpt(spec.Data[k]), got.LinkInfo.Data[k]) {
					t.Errorf("info_data.%s: nlsh set %v, ip reads %v", k, spec.Data[k], got.LinkInfo.Data[k])
				}
			}
			for k, want := range row.ipData {
				if !sameValue(want, got.LinkInfo.Data[k]) {
					t.Errorf("info_data.%s: ip reads %v, want %v", k, got.LinkInfo.Data[k], want)
				}
			}

			// Del, then the other way: ip creates, nlsh lists.
			if err := c.DelLink(ctx(t), ByName("nl0")); err != nil {
				t.Fatal(err)
			}
			if _, err := ns.TryIP("link", "show", "nl0"); err == nil {
				t.Fatal("nl0 still there after DelLink")
			}
			ns.IP(append([]string{"link", "add", "ip0"}, row.ipArgs...)...)
			ns.IP("link", "set", "ip0", "mtu", "1300", "alias", "made by ip", "txqlen", "55")
			want := ipShow(t, ns, "ip0")
			ls, err := c.ListLinks(ctx(t), LinkFilter{Kind: spec.Kind})
			if err != nil {
				t.Fatal(err)
			}
			idx := slices.IndexFunc(ls, func(l *Link) bool { return l.Name == "ip0" })
			if idx < 0 {
				t.Fatalf("nlsh does not list ip0 among %d %s links", len(ls), spec.Kind)
			}
			l := ls[idx]
			if l.Index != want.Ifindex || l.MTU != want.MTU || l.Address.String() != want.Address ||
				l.Alias != want.Alias || l.TxQLen != want.TxQLen || l.OperState.String() != want.Oper ||
				l.Type.String() != want.LinkType || l.Kind() != want.LinkInfo.Kind {
				t.Errorf("nlsh lists %+v, ip shows %+v", l, want)
			}
			if !slices.Equal(want.Flags, l.Flags.Names()) {
				t.Errorf("flags: nlsh %v, ip %v", l.Flags.Names(), want.Flags)
			}
			for _, k := range row.data {
				if !sameValue(l.Info.Data[k], want.LinkInfo.Data[k]) {
					t.Errorf("info_data.%s: nlsh lists %v, ip shows %v", k, l.Info.Data[k], want.LinkInfo.Data[k])
				}
			}
			for _, l := range ls {
				if l.Kind() != spec.Kind {
					t.Errorf("kind filter let %s (%s) through", l.Name, l.Kind())
				}
			}
		})
	}
}

func normalizeOpt(v any) any {
	if b, ok := v.(bool); ok {
		return b
	}
	return v
}

// startChild runs `unshare -n sleep 60` and ends it (by pid) when the
// test ends.
func startChild(t *testing.T) int {
	t.Helper()
	testutil.RequireCommand(t, "unshare", "util-linux")
	cmd := exec.Command("unshare", "-n", "sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// Wait until the child is in its own namespace (unshare has run).
	self, _ := netns.Host().ID()
	pidT, _ := netns.PID(cmd.Process.Pid)
	for start := time.Now(); ; {
		id, err := pidT.ID()
		if err == nil && id != self && strings.Contains(readComm(cmd.Process.Pid), "sleep") {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("child never entered its namespace: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
	return cmd.Process.Pid
}

func readComm(pid int) string {
	out, _ := testutil.Run("cat", fmt.Sprintf("/proc/%d/comm", pid))
	return out
}

// A veth pair whose peer is created straight inside a child process's
// namespace (by pid, and by pidfd), then set up there.
func TestVethPeerIntoChildNamespace(t *testing.T) {
	for _, by := range []string{"pid", "pidfd"} {
		t.Run(by, func(t *testing.T) {
			ns, c := linkLiveNS(t)
			testutil.RequireCommand(t, "nsenter", "util-linux")
			pid := startChild(t)
			var target netns.Target
			var err error
			if by == "pid" {
				target, err = netns.PID(pid)
			} else {
				target, err = netns.PidFD(pid)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer target.Close()
			err = c.AddLink(ctx(t), LinkSpec{Name: "veth-h", Kind: "veth", Up: true,
				Peer: &LinkSpec{Name: "eth0", NetNS: &target, Address: "02:00:00:00:00:42"}})
			if err != nil {
				t.Fatal(err)
			}
			// The peer never existed in the test namespace.
			if out := ns.IP("-o", "link", "show"); strings.Contains(out, "eth0") {
				t.Errorf("peer visible in the creating namespace: %s", out)
			}
			child, err := Dial(&socket.Config{NetNS: target})
			if err != nil {
				t.Fatal(err)
			}
			defer child.Close()
			if err := child.SetLink(ctx(t), ByName("eth0"), LinkChange{Up: new(true)}); err != nil {
				t.Fatal(err)
			}
			out, err := testutil.Run("nsenter", "-t", fmt.Sprint(pid), "-n", "ip", "-j", "link", "show", "eth0")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, `"UP"`) || !strings.Contains(out, "02:00:00:00:00:42") {
				t.Errorf("in the child: %s", out)
			}
			// Both ends up: the host end gets carrier; wait for it.
			wctx, cancel := context.WithTimeout(ctx(t), 5*time.Second)
			defer cancel()
			if _, err := c.WaitLink(wctx, "veth-h", UntilCarrier); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Set round trips, each checked with ip -j.
func TestSetLinkRoundTrips(t *testing.T) {
	ns, c := linkLiveNS(t)
	ns.IP("link", "add", "br0", "type", "bridge")
	if err := c.AddLink(ctx(t), LinkSpec{Name: "a0", Kind: "veth", Peer: &LinkSpec{Name: "b0"}}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		ch    LinkChange
		check func(l ipLink) bool
	}{
		{"rename", LinkChange{Name: new("a1")}, func(l ipLink) bool { return l.Ifname == "a1" }},
		{"mtu", LinkChange{MTU: new(1280)}, func(l ipLink) bool { return l.MTU == 1280 }},
		{"address", LinkChange{Address: "02:11:22:33:44:55"}, func(l ipLink) bool { return l.Address == "02:11:22:33:44:55" }},
		{"master", LinkChange{Master: &LinkRef{Name: "br0"}}, func(l ipLink) bool { return l.Master == "br0" }},
		{"nomaster", LinkChange{NoMaster: true}, func(l ipLink) bool { return l.Master == "" }},
		{"up", LinkChange{Up: new(true)}, func(l ipLink) bool { return slices.Contains(l.Flags, "UP") }},
		{"down", LinkChange{Up: new(false)}, func(l ipLink) bool { return !slices.Contains(l.Flags, "UP") }},
		{"alias", LinkChange{Alias: new("uplink")}, func(l ipLink) bool { return l.Alias == "uplink" }},
		{"txqlen", LinkChange{TxQLen: new(321)}, func(l ipLink) bool { return l.TxQLen == 321 }},
	}
	name := "a0"
	for _, s := range steps {
		if err := c.SetLink(ctx(t), ByName(name), s.ch); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if s.ch.Name != nil {
			name = *s.ch.Name
		}
		if got := ipShow(t, ns, name); !s.check(got) {
			t.Errorf("%s: ip shows %+v", s.name, got)
		}
	}
	// Move into a named namespace.
	other := testutil.NewNetNS(t)
	if err := c.SetLink(ctx(t), ByName(name), LinkChange{NetNS: &other.Target}); err != nil {
		t.Fatal(err)
	}
	if _, err := ns.TryIP("link", "show", name); err == nil {
		t.Errorf("%s still in the first namespace", name)
	}
	if got := ipShow(t, other, name); got.Alias != "uplink" {
		t.Errorf("moved link: %+v", got)
	}
	// A kernel error names op and object.
	err := c.SetLink(ctx(t), ByName("nosuch0"), LinkChange{MTU: new(1400)})
	if !errors.Is(err, syscall.ENODEV) || !strings.Contains(err.Error(), "RTM_NEWLINK nosuch0") {
		t.Errorf("error for a missing link: %v", err)
	}
}

// ExistOK: the same Add twice leaves the same state and no error.
func TestAddLinkExistOK(t *testing.T) {
	ns, c := linkLiveNS(t)
	spec := LinkSpec{Name: "br9", Kind: "bridge", MTU: 1400, Up: true, Alias: "prov"}
	for i := range 2 {
		if err := c.AddLink(ctx(t), spec, ExistOK()); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	if err := c.AddLink(ctx(t), spec); !errors.Is(err, syscall.EEXIST) {
		t.Errorf("without ExistOK: %v, want EEXIST", err)
	}
	ns.IP("link", "set", "br9", "mtu", "1500", "down")
	if err := c.AddLink(ctx(t), spec, ExistOK()); err != nil {
		t.Fatal(err)
	}
	got := ipShow(t, ns, "br9")
	if got.MTU != 1400 || !slices.Contains(got.Flags, "UP") || got.Alias != "prov" {
		t.Errorf("after ensure: %+v", got)
	}
	// A link of another kind under the name is still an error.
	if err := c.AddLink(ctx(t), LinkSpec{Name: "br9", Kind: "ifb"}, ExistOK()); !errors.Is(err, syscall.EEXIST) {
		t.Errorf("kind clash: %v, want EEXIST", err)
	}
}

// The monitor sees ip's changes; WaitLink returns when the condition
// holds and times out when it does not.
func TestMonitorSeesIPChanges(t *testing.T) {
	ns, c := linkLiveNS(t)
	mon, err := c.Monitor(ctx(t), GroupLink)
	if err != nil {
		t.Fatal(err)
	}
	defer mon.Close()
	ns.IP("link", "add", "m0", "type", "ifb")
	ns.IP("link", "set", "m0", "up")
	ns.IP("link", "del", "m0")
	deadline, cancel := context.WithTimeout(ctx(t), 5*time.Second)
	defer cancel()
	var seen []string
	for len(seen) < 3 {
		ev, err := mon.Next(deadline)
		if err != nil {
			t.Fatalf("after %v: %v", seen, err)
		}
		l := ev.Link()
		if l == nil || l.Name != "m0" {
			continue
		}
		step := "new"
		switch {
		case ev.Deleted:
			step = "del"
		case l.IsUp():
			step = "up"
		}
		if !slices.Contains(seen, step) && (step != "new" || len(seen) == 0) {
			seen = append(seen, step)
		}
	}
	if strings.Join(seen, ",") != "new,up,del" {
		t.Errorf("events %v, want new,up,del", seen)
	}

	// Carrier on a veth comes when both ends are up.
	if err := c.AddLink(ctx(t), LinkSpec{Name: "w0", Kind: "veth", Up: true, Peer: &LinkSpec{Name: "w1"}}); err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(ctx(t), 200*time.Millisecond)
	defer cancel2()
	if _, err := c.WaitLink(short, "w0", UntilCarrier); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("carrier with the peer down: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		wctx, cancel := context.WithTimeout(ctx(t), 5*time.Second)
		defer cancel()
		_, err := c.WaitLink(wctx, "w0", UntilCarrier)
		done <- err
	}()
	ns.IP("link", "set", "w1", "up")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	gone := make(chan error, 1)
	go func() {
		wctx, cancel := context.WithTimeout(ctx(t), 5*time.Second)
		defer cancel()
		_, err := c.WaitLink(wctx, "w1", UntilGone)
		gone <- err
	}()
	ns.IP("link", "del", "w0")
	if err := <-gone; err != nil {
		t.Fatal(err)
	}
}

// Thousands of links go in a few batched sends, and one dump reads them.
func TestBatchAddDelMany(t *testing.T) {
	ns, c := linkLiveNS(t)
	const n = 500
	specs := make([]LinkSpec, n)
	refs := make([]LinkRef, n)
	for i := range specs {
		specs[i] = LinkSpec{Name: fmt.Sprintf("ifb%d", i), Kind: "ifb"}
		refs[i] = ByName(specs[i].Name)
	}
	errs, err := c.AddLinks(ctx(t), specs)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		if e != nil {
			t.Fatalf("spec %d: %v", i, e)
		}
	}
	var ipls []ipLink
	ns.IPJSON(&ipls, "link", "show", "type", "ifb")
	if len(ipls) != n {
		t.Errorf("ip shows %d ifb links, want %d", len(ipls), n)
	}
	errs, err = c.DelLinks(ctx(t), append(refs, ByName("nosuch")))
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(errs[n], syscall.ENODEV) {
		t.Errorf("missing link: %v", errs[n])
	}
	ls, err := c.ListLinks(ctx(t), LinkFilter{Kind: "ifb"})
	if err != nil || len(ls) != 0 {
		t.Errorf("after DelLinks: %d ifb links, %v", len(ls), err)
	}
}

// BenchmarkListLinks4000 measures decoding a dump of 4,000 links.
func BenchmarkListLinks4000(b *testing.B) {
	testutil.RequireRoot(b)
	ns := testutil.NewNetNS(b)
	c, err := Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	specs := make([]LinkSpec, 4000)
	for i := range specs {
		specs[i] = LinkSpec{Name: fmt.Sprintf("ifb%d", i), Kind: "ifb"}
	}
	if _, err := c.AddLinks(context.Background(), specs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := c.EachLink(context.Background(), LinkFilter{}, func(*Link) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n < 4000 {
			b.Fatalf("%d links", n)
		}
	}
}

// Address events decode to *Address, and WaitAddr returns once DAD is
// over (the address is no longer tentative).
func TestWaitAddrNotTentative(t *testing.T) {
	ns, c := linkLiveNS(t)
	if err := c.AddLink(ctx(t), LinkSpec{Name: "d0", Kind: "veth", Up: true, Peer: &LinkSpec{Name: "d1", Up: true}}); err != nil {
		t.Fatal(err)
	}
	ns.Exec("sysctl", "-qw", "net.ipv6.conf.d0.dad_transmits=1")
	ns.Exec("sysctl", "-qw", "net.ipv6.conf.d0.retrans_time_ms=100")
	wctx, cancel := context.WithTimeout(ctx(t), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	addr := netip.MustParseAddr("2001:db8::1")
	go func() {
		a, err := c.WaitAddr(wctx, "d0", addr, UntilUsable)
		if err == nil && (a == nil || slices.Contains(a.Flags, "tentative")) {
			err = fmt.Errorf("returned %+v", a)
		}
		done <- err
	}()
	ns.IP("addr", "add", "2001:db8::1/64", "dev", "d0")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := ns.IP("-j", "addr", "show", "dev", "d0", "to", "2001:db8::1/128")
	if !strings.Contains(out, "2001:db8::1") || strings.Contains(out, "tentative") {
		t.Errorf("ip still shows it tentative: %s", out)
	}
}

// The interface-name byte rule (codec.IfnameBadByte, which every name
// check uses) is the kernel's: an ifb named "e<byte>0", sent with the
// check bypassed, is refused by the kernel exactly for the bytes the rule
// refuses. NUL is the one the rule refuses on its own: the kernel stops
// the name there ("e"), which is not the name asked for. '%' the kernel
// refuses in "e%0" because it is not a template it can fill in (only "%d"
// is); the last part shows why the rule refuses every '%': "e%d" the
// kernel takes, and names the link e0, not "e%d".
func TestIfnameRuleIsTheKernels(t *testing.T) {
	ns, c := linkLiveNS(t)
	// addIfb sends an ifb named name as it is, past nlsh's checks.
	addIfb := func(name string) error {
		e := codec.NewEncoder(appendIfinfomsg(nil, 0, 0, 0))
		e.String(iflaIfname, name)
		e.Begin(iflaLinkInfo)
		e.String(iflaInfoKind, "ifb")
		e.End()
		data, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.conn.Execute(ctx(t), codec.Message{Header: codec.Header{Type: rtmNewLink, Flags: codec.Create | codec.Excl}, Data: data})
		return err
	}
	for b := 1; b < 256; b++ {
		name := string([]byte{'e', byte(b), '0'})
		err := addIfb(name)
		refused := codec.IfnameBadByte(name) >= 0
		switch {
		case refused && !errors.Is(err, syscall.EINVAL):
			t.Errorf("byte %#x: the rule refuses %q, the kernel says %v", b, name, err)
		case !refused && err != nil:
			t.Errorf("byte %#x: the rule takes %q, the kernel refuses it: %v", b, name, err)
		}
		if err == nil {
			if err := c.DelLink(ctx(t), ByName(name)); err != nil {
				t.Fatalf("delete %q: %v", name, err)
			}
		}
	}
	if err := addIfb("e%d"); err != nil {
		t.Fatalf(`the kernel refuses "e%%d": %v`, err)
	}
	if out := ns.IP("-j", "link", "show", "dev", "e0"); !strings.Contains(out, `"ifname":"e0"`) {
		t.Errorf(`after "e%%d", ip shows no e0: %s`, out)
	}
}
