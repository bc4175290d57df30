package rtnl

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
)

// ipLiveNS makes a throwaway namespace with lo up and a veth pair v0/v1 up
// (v0 has 10.3.0.1/24 and 2001:db8:3::1/64, nodad), and a Client in it.
func ipLiveNS(t *testing.T) (*testutil.NS, *Client, context.Context) {
	t.Helper()
	testutil.RequireCommand(t, "ip", "iproute2")
	ns := testutil.NewNetNS(t)
	ns.IP("link", "set", "lo", "up")
	ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v1")
	ns.IP("link", "set", "v0", "up")
	ns.IP("link", "set", "v1", "up")
	ns.IP("addr", "add", "10.3.0.1/24", "dev", "v0")
	ns.IP("addr", "add", "2001:db8:3::1/64", "dev", "v0", "nodad")
	c, err := Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ns, c, ctx
}

// ipAddrInfo is one addr_info entry of `ip -j addr show`.
type ipAddrInfo struct {
	Family      string `json:"family"`
	Local       string `json:"local"`
	Address     string `json:"address"`
	Prefixlen   int    `json:"prefixlen"`
	Broadcast   string `json:"broadcast"`
	Scope       string `json:"scope"`
	Label       string `json:"label"`
	Valid       uint32 `json:"valid_life_time"`
	Preferred   uint32 `json:"preferred_life_time"`
	Dynamic     bool   `json:"dynamic"`
	Nodad       bool   `json:"nodad"`
	Noprefix    bool   `json:"noprefixroute"`
	Home        bool   `json:"home"`
	Mngtmpaddr  bool   `json:"mngtmpaddr"`
	IfindexHint int    `json:"-"`
}

func ipAddrShow(t *testing.T, ns *testutil.NS, dev, local string) (ipAddrInfo, bool) {
	t.Helper()
	var links []struct {
		AddrInfo []ipAddrInfo `json:"addr_info"`
	}
	ns.IPJSON(&links, "addr", "show", "dev", dev)
	for _, l := range links {
		for _, a := range l.AddrInfo {
			if a.Local == local {
				return a, true
			}
		}
	}
	return ipAddrInfo{}, false
}

func addrStr(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// addrAgrees checks an nlsh Address against ip's view of the same one.
func addrAgrees(t *testing.T, a Address, ip ipAddrInfo) {
	t.Helper()
	got := ipAddrInfo{
		Family: a.Family, Local: addrStr(a.Local), Address: addrStr(a.Address), Prefixlen: a.Prefixlen,
		Broadcast: addrStr(a.Broadcast), Scope: a.Scope, Label: a.Label,
		Valid: a.ValidLifetime, Preferred: a.PreferredLifetime,
		Dynamic: a.HasFlag("dynamic"), Nodad: a.HasFlag("nodad"), Noprefix: a.HasFlag("noprefixroute"),
		Home: a.HasFlag("home"), Mngtmpaddr: a.HasFlag("mngtmpaddr"),
	}
	// Lifetimes tick down between the two reads, whichever came first
	// (ip's, in the cross-checks; a second can pass on a slow machine).
	near := func(a, b int64) bool { return a-b >= -2 && a-b <= 2 }
	if ip.Valid != LifetimeForever && near(int64(got.Valid), int64(ip.Valid)) {
		got.Valid = ip.Valid
	}
	if ip.Preferred != LifetimeForever && near(int64(got.Preferred), int64(ip.Preferred)) {
		got.Preferred = ip.Preferred
	}
	if ip.Label == "" && a.Family == FamilyInet6 {
		got.Label = ""
	}
	if got != ip {
		t.Errorf("nlsh and ip disagree:\n nlsh %+v\n ip   %+v", got, ip)
	}
}

func TestAddrLiveCrossCheck(t *testing.T) {
	ns, c, ctx := ipLiveNS(t)
	mp := netip.MustParseAddr
	rows := []struct {
		name  string
		a     Address  // added by nlsh
		ipArg []string // or added by ip
		local string   // the address to look for
	}{
		{name: "v4 plain", a: Address{Dev: "v0", Local: mp("10.10.0.1"), Prefixlen: 24}, local: "10.10.0.1"},
		{name: "v4 brd auto label lifetimes noprefixroute", a: Address{Dev: "v0", Local: mp("10.11.0.1"), Prefixlen: 24, BroadcastAuto: true, Label: "v0:lab", ValidLifetime: 300, PreferredLifetime: 200, Flags: []string{"noprefixroute"}}, local: "10.11.0.1"},
		{name: "v4 peer", a: Address{Dev: "v0", Local: mp("10.12.0.1"), Address: mp("10.12.0.9"), Prefixlen: 32}, local: "10.12.0.1"},
		{name: "v4 scope link", a: Address{Dev: "v0", Local: mp("10.13.0.1"), Prefixlen: 16, Scope: "link", Broadcast: mp("10.13.255.255")}, local: "10.13.0.1"},
		{name: "v6 nodad", a: Address{Dev: "v0", Local: mp("2001:db8:10::1"), Prefixlen: 64, Flags: []string{"nodad"}}, local: "2001:db8:10::1"},
		{name: "v6 home mngtmpaddr nodad", a: Address{Dev: "v0", Local: mp("2001:db8:11::1"), Prefixlen: 64, Flags: []string{"nodad", "home", "mngtmpaddr"}}, local: "2001:db8:11::1"},
		{name: "ip v4 brd label", ipArg: []string{"10.20.0.1/24", "brd", "+", "label", "v0:ip", "dev", "v0"}, local: "10.20.0.1"},
		{name: "ip v4 peer", ipArg: []string{"10.21.0.1", "peer", "10.21.0.2/32", "dev", "v0"}, local: "10.21.0.1"},
		{name: "ip v6 lifetimes", ipArg: []string{"2001:db8:20::1/64", "dev", "v0", "nodad", "valid_lft", "500", "preferred_lft", "100"}, local: "2001:db8:20::1"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			if r.ipArg != nil {
				ns.IP(append([]string{"addr", "add"}, r.ipArg...)...)
			} else if err := c.AddAddr(ctx, r.a); err != nil {
				t.Fatalf("AddAddr: %v", err)
			}
			ip, ok := ipAddrShow(t, ns, "v0", r.local)
			if !ok {
				t.Fatalf("ip does not show %s", r.local)
			}
			as, err := c.ListAddrs(ctx, AddrFilter{Dev: "v0"})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(as, func(a Address) bool { return a.Local.String() == r.local })
			if i < 0 {
				t.Fatalf("nlsh does not list %s in %v", r.local, as)
			}
			if as[i].Dev != "v0" || as[i].Ifindex == 0 {
				t.Errorf("dev %q ifindex %d, want v0 and its index", as[i].Dev, as[i].Ifindex)
			}
			addrAgrees(t, as[i], ip)
		})
	}
}

func TestAddrLiveFilters(t *testing.T) {
	ns, c, ctx := ipLiveNS(t)
	v4, err := c.ListAddrs(ctx, AddrFilter{Family: FamilyInet})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range v4 {
		if a.Family != FamilyInet {
			t.Errorf("inet filter listed %+v", a)
		}
	}
	if !slices.ContainsFunc(v4, func(a Address) bool { return a.Local.String() == "127.0.0.1" }) ||
		!slices.ContainsFunc(v4, func(a Address) bool { return a.Local.String() == "10.3.0.1" }) {
		t.Errorf("inet list lacks lo or v0: %+v", v4)
	}
	v0, err := c.ListAddrs(ctx, AddrFilter{Dev: "v0", Family: FamilyInet6})
	if err != nil {
		t.Fatal(err)
	}
	var want []ipAddrInfo
	var links []struct {
		AddrInfo []ipAddrInfo `json:"addr_info"`
	}
	ns.IPJSON(&links, "-6", "addr", "show", "dev", "v0")
	for _, l := range links {
		want = append(want, l.AddrInfo...)
	}
	if len(v0) != len(want) || len(v0) == 0 {
		t.Fatalf("nlsh lists %d inet6 addresses on v0, ip %d", len(v0), len(want))
	}
	for _, a := range v0 {
		if a.Dev != "v0" || a.Family != FamilyInet6 {
			t.Errorf("filter leaked %+v", a)
		}
	}
	_, err = c.ListAddrs(ctx, AddrFilter{Dev: "nosuchdev0"})
	var ae *ArgError
	if !errors.As(err, &ae) || ae.Field != "dev" {
		t.Errorf("unknown dev: got %v, want an ArgError naming dev", err)
	}
}

func TestAddrLiveReplaceDelExistOK(t *testing.T) {
	ns, c, ctx := ipLiveNS(t)
	a := Address{Dev: "v0", Local: netip.MustParseAddr("10.30.0.1"), Prefixlen: 24, BroadcastAuto: true}
	provision := func() error {
		if err := c.AddAddr(ctx, a, ExistOK()); err != nil {
			return err
		}
		return c.ReplaceAddr(ctx, Address{Dev: "v0", Local: netip.MustParseAddr("10.31.0.1"), Prefixlen: 24, ValidLifetime: 1000, PreferredLifetime: 1000})
	}
	for i := 0; i < 2; i++ {
		if err := provision(); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	var links []struct {
		AddrInfo []ipAddrInfo `json:"addr_info"`
	}
	ns.IPJSON(&links, "-4", "addr", "show", "dev", "v0")
	if n := len(links[0].AddrInfo); n != 3 {
		t.Errorf("after provisioning twice ip shows %d inet addresses on v0, want 3: %+v", n, links[0].AddrInfo)
	}
	// A plain add of what exists is EEXIST, carrying op and object.
	err := c.AddAddr(ctx, a)
	var ke *codec.Error
	if !errors.Is(err, syscall.EEXIST) || !errors.As(err, &ke) || ke.Op != "RTM_NEWADDR" || ke.Object != "10.30.0.1/24 dev v0" {
		t.Fatalf("second add: %v (want EEXIST with op RTM_NEWADDR and object)", err)
	}
	// ExistOK does not hide a different address under the same key.
	diff := a
	diff.Label = "v0:other"
	if err := c.AddAddr(ctx, diff, ExistOK()); !errors.Is(err, syscall.EEXIST) {
		t.Errorf("ExistOK with a different label: %v, want EEXIST", err)
	}
	if err := c.DelAddr(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, ok := ipAddrShow(t, ns, "v0", "10.30.0.1"); ok {
		t.Error("ip still shows the deleted address")
	}
	errs, err := c.AddAddrs(ctx, []Address{
		{Dev: "v0", Local: netip.MustParseAddr("10.40.0.1"), Prefixlen: 24},
		{Dev: "v0", Local: netip.MustParseAddr("10.40.0.2"), Prefixlen: 33},
		{Dev: "v0", Local: netip.MustParseAddr("10.3.0.1"), Prefixlen: 24},
		{Dev: "v0", Local: netip.MustParseAddr("2001:db8:40::1"), Prefixlen: 64},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ae *ArgError
	if errs[0] != nil || !errors.As(errs[1], &ae) || ae.Field != "prefixlen" || !errors.Is(errs[2], syscall.EEXIST) || errs[3] != nil {
		t.Errorf("batch errors %v", errs)
	}
}
