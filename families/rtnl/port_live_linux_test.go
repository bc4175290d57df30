package rtnl

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
)

// ipPort is what `ip -j -d link show` prints about a port.
type ipPort struct {
	Ifname   string `json:"ifname"`
	Master   string `json:"master"`
	LinkInfo *struct {
		Kind      string         `json:"info_kind"`
		Data      map[string]any `json:"info_data"`
		SlaveKind string         `json:"info_slave_kind"`
		SlaveData map[string]any `json:"info_slave_data"`
	} `json:"linkinfo"`
}

func ipShowPort(t *testing.T, ns *testutil.NS, name string) ipPort {
	t.Helper()
	var ls []ipPort
	ns.IPJSON(&ls, "-d", "link", "show", "dev", name)
	if len(ls) != 1 || ls[0].LinkInfo == nil {
		t.Fatalf("ip link show %s: %+v", name, ls)
	}
	return ls[0]
}

// portFieldsIPDoesNotPrint are port options the kernel reports that the
// iproute2 of the test machines (6.1) does not print (the kernel added
// them later, or ip never prints them). nlsh may list them where ip is
// silent; anything else nlsh lists, ip must print with the same value.
var portFieldsIPDoesNotPrint = map[string]bool{
	"mrp_ring_open": true, "mrp_in_open": true, "mcast_eht_hosts_limit": true,
	"mcast_eht_hosts_cnt": true, "mab": true, "mcast_n_groups": true,
	"mcast_max_groups": true, "neigh_vlan_suppress": true, "backup_nhid": true,
}

// ipOnlyPortFields are fields ip derives from others (not attributes).
var ipOnlyPortFields = map[string]bool{
	"group_fwd_mask_str": true, "ad_actor_oper_port_state_str": true,
	"ad_partner_oper_port_state_str": true,
}

// comparePortData checks every info_slave_data field nlsh lists against
// ip's, and that nlsh lists every field ip prints. It returns how many
// fields were equal.
func comparePortData(t *testing.T, name string, nl Options, ip map[string]any) int {
	t.Helper()
	same := 0
	for _, k := range slices.Sorted(maps.Keys(nl)) {
		iv, ok := ip[k]
		if !ok {
			if !portFieldsIPDoesNotPrint[k] {
				t.Errorf("%s: nlsh lists info_slave_data.%s = %v, ip does not print it", name, k, nl[k])
			}
			continue
		}
		if !sameValue(nl[k], iv) {
			t.Errorf("%s: info_slave_data.%s: nlsh %v (%T), ip %v (%T)", name, k, nl[k], nl[k], iv, iv)
			continue
		}
		same++
	}
	for k, v := range ip {
		if _, ok := nl[k]; !ok && !ipOnlyPortFields[k] {
			t.Errorf("%s: ip prints info_slave_data.%s = %v, nlsh does not list it", name, k, v)
		}
	}
	return same
}

// A veth enslaved to a bridge: nlsh reads the port's data as ip does,
// sets options ip reads back, and reads back options ip set.
func TestBridgePortData(t *testing.T) {
	kernel.Require(t, kernel.Root())
	ns, c := linkLiveNS(t)
	ctx := context.Background()
	// A MAC with single-digit bytes: ip prints a bridge id's unpadded.
	if err := c.AddLink(ctx, LinkSpec{Name: "br0", Kind: "bridge", Address: "02:0a:00:0b:00:01"}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddLink(ctx, LinkSpec{Name: "p0", Kind: "veth", Peer: &LinkSpec{Name: "p1"}}); err != nil {
		t.Fatal(err)
	}
	br := ByName("br0")
	if err := c.SetLink(ctx, ByName("p0"), LinkChange{Master: &br}); err != nil {
		t.Fatal(err)
	}

	l, err := c.GetLink(ctx, ByName("p0"))
	if err != nil {
		t.Fatal(err)
	}
	if l.Info == nil || l.Info.SlaveKind != "bridge" || l.Info.SlaveData == nil {
		t.Fatalf("p0 linkinfo: %+v", l.Info)
	}
	ip := ipShowPort(t, ns, "p0")
	if ip.LinkInfo.SlaveKind != "bridge" {
		t.Fatalf("ip: info_slave_kind %q", ip.LinkInfo.SlaveKind)
	}
	n := comparePortData(t, "p0", l.Info.SlaveData, ip.LinkInfo.SlaveData)
	if n < 25 {
		t.Errorf("only %d info_slave_data fields equal, want at least 25", n)
	}
	t.Logf("%d of %d info_slave_data fields equal to ip's: %v", n, len(l.Info.SlaveData), l.Info.SlaveData)
	for k, want := range map[string]any{"state": "disabled", "cost": uint64(2), "learning": true, "hairpin": false, "id": "0x8001",
		"bridge_id": "8000.2:a:0:b:0:1", "group_fwd_mask": "0", "hold_timer": 0.0} {
		if !sameValue(l.Info.SlaveData[k], want) {
			t.Errorf("info_slave_data.%s = %v, want %v", k, l.Info.SlaveData[k], want)
		}
	}

	// nlsh sets, ip reads back.
	ch := LinkChange{PortKind: "bridge", Port: Options{"cost": 7, "learning": false, "priority": 5, "group_fwd_mask": "0x8", "isolated": true}}
	if err := c.SetLink(ctx, ByName("p0"), ch); err != nil {
		t.Fatal(err)
	}
	got := ipShowPort(t, ns, "p0").LinkInfo.SlaveData
	for k, want := range map[string]any{"cost": 7, "learning": false, "priority": 5, "group_fwd_mask": "0x8", "isolated": true, "flood": true} {
		if !sameValue(got[k], want) {
			t.Errorf("after set: ip prints %s = %v, want %v", k, got[k], want)
		}
	}

	// ip sets, nlsh reads back.
	ns.IP("link", "set", "p0", "type", "bridge_slave", "cost", "11", "hairpin", "on", "learning", "on")
	l, err = c.GetLink(ctx, ByName("p0"))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"cost": uint64(11), "hairpin": true, "learning": true} {
		if !sameValue(l.Info.SlaveData[k], want) {
			t.Errorf("after ip set: nlsh lists %s = %v, want %v", k, l.Info.SlaveData[k], want)
		}
	}
	comparePortData(t, "p0 after ip set", l.Info.SlaveData, ipShowPort(t, ns, "p0").LinkInfo.SlaveData)

	// Bad port options are refused before sending, naming the field.
	for _, bad := range []struct {
		ch    LinkChange
		field string
	}{
		{LinkChange{PortKind: "bridge", Port: Options{"nosuch": 1}}, "port.nosuch"},
		{LinkChange{PortKind: "bridge", Port: Options{"cost": 0}}, "port.cost"},
		{LinkChange{PortKind: "bridge", Port: Options{"priority": 64}}, "port.priority"},
		{LinkChange{PortKind: "bridge", Port: Options{"designated_port": 1}}, "port.designated_port"},
		{LinkChange{PortKind: "bridge", Port: Options{"group_fwd_mask": "zz"}}, "port.group_fwd_mask"},
		{LinkChange{Port: Options{"cost": 3}}, "port"},
		{LinkChange{PortKind: "team", Port: Options{"cost": 3}}, "port"},
	} {
		err := c.SetLink(ctx, ByName("p0"), bad.ch)
		var ae *ArgError
		if !errors.As(err, &ae) || ae.Field != bad.field {
			t.Errorf("%+v: err %v, want an argument error naming %s", bad.ch.Port, err, bad.field)
		}
	}
	if got := ipShowPort(t, ns, "p0").LinkInfo.SlaveData["cost"]; !sameValue(got, 11) {
		t.Errorf("a refused change changed cost to %v", got)
	}
}

// A bond (active-backup, miimon 100) with two veths enslaved by setting
// their master: ip reads the bond's options and each port's bond data as
// nlsh does. Runs in the VM lane (the host kernel has no bonding).
func TestBondPorts(t *testing.T) {
	kernel.Require(t, kernel.Root(), kernel.LinkKind("bond"))
	ns, c := linkLiveNS(t)
	ctx := context.Background()
	if err := c.AddLink(ctx, LinkSpec{Name: "bond0", Kind: "bond", Data: Options{"mode": "active-backup", "miimon": 100}}); err != nil {
		t.Fatal(err)
	}
	bond := ByName("bond0")
	for _, p := range []string{"a", "b"} {
		if err := c.AddLink(ctx, LinkSpec{Name: p + "0", Kind: "veth", Peer: &LinkSpec{Name: p + "1"}}); err != nil {
			t.Fatal(err)
		}
		if err := c.SetLink(ctx, ByName(p+"0"), LinkChange{Master: &bond}); err != nil {
			t.Fatal(err)
		}
	}
	ipb := ipShowPort(t, ns, "bond0")
	if ipb.LinkInfo.Kind != "bond" || ipb.LinkInfo.Data["mode"] != "active-backup" || !sameValue(ipb.LinkInfo.Data["miimon"], 100) {
		t.Errorf("ip: bond0 linkinfo %+v", ipb.LinkInfo)
	}
	bl, err := c.GetLink(ctx, bond)
	if err != nil {
		t.Fatal(err)
	}
	if bl.Info.Data["mode"] != "active-backup" || !sameValue(bl.Info.Data["miimon"], 100) {
		t.Errorf("nlsh: bond0 info_data %v", bl.Info.Data)
	}
	if err := c.SetLink(ctx, ByName("b0"), LinkChange{PortKind: "bond", Port: Options{"queue_id": 3}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a0", "b0"} {
		l, err := c.GetLink(ctx, ByName(p))
		if err != nil {
			t.Fatal(err)
		}
		ip := ipShowPort(t, ns, p)
		if ip.Master != "bond0" || l.MasterName != "bond0" {
			t.Errorf("%s: master ip %q nlsh %q", p, ip.Master, l.MasterName)
		}
		if ip.LinkInfo.SlaveKind != "bond" || l.Info.SlaveKind != "bond" {
			t.Fatalf("%s: info_slave_kind ip %q nlsh %q", p, ip.LinkInfo.SlaveKind, l.Info.SlaveKind)
		}
		if n := comparePortData(t, p, l.Info.SlaveData, ip.LinkInfo.SlaveData); n < 5 {
			t.Errorf("%s: only %d info_slave_data fields equal: nlsh %v ip %v", p, n, l.Info.SlaveData, ip.LinkInfo.SlaveData)
		}
		for _, k := range []string{"state", "mii_status", "link_failure_count", "perm_hwaddr", "queue_id"} {
			if _, ok := l.Info.SlaveData[k]; !ok {
				t.Errorf("%s: nlsh lists no info_slave_data.%s", p, k)
			}
		}
		if perm, addr := l.Info.SlaveData["perm_hwaddr"], l.PermAddr; perm == nil {
			t.Errorf("%s: perm_hwaddr missing (address %v)", p, addr)
		}
	}
	if q := ipShowPort(t, ns, "b0").LinkInfo.SlaveData["queue_id"]; !sameValue(q, 3) {
		t.Errorf("b0 queue_id after set: ip prints %v, want 3", q)
	}
}

// vlans on a veth, 802.1Q and 802.1ad, read back by ip. Runs in the VM
// lane (the host kernel has no 8021q).
func TestVlanOnVeth(t *testing.T) {
	kernel.Require(t, kernel.Root(), kernel.LinkKind("vlan"))
	ns, c := linkLiveNS(t)
	ctx := context.Background()
	if err := c.AddLink(ctx, LinkSpec{Name: "v0", Kind: "veth", Peer: &LinkSpec{Name: "v1"}}); err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct {
		name, proto string
		id          int
	}{{"v0.100", "802.1Q", 100}, {"v0.101", "802.1ad", 101}} {
		err := c.AddLink(ctx, LinkSpec{Name: row.name, Kind: "vlan", Parent: ByName("v0"), Data: Options{"id": row.id, "protocol": row.proto}})
		if err != nil {
			t.Fatal(row.name, err)
		}
		ip := ipShow(t, ns, row.name)
		if ip.Link != "v0" || ip.LinkInfo == nil || ip.LinkInfo.Kind != "vlan" ||
			!sameValue(ip.LinkInfo.Data["id"], row.id) || ip.LinkInfo.Data["protocol"] != row.proto {
			t.Errorf("%s: ip reads link %q linkinfo %+v", row.name, ip.Link, ip.LinkInfo)
		}
		l, err := c.GetLink(ctx, ByName(row.name))
		if err != nil {
			t.Fatal(err)
		}
		if l.ParentName != "v0" || !sameValue(l.Info.Data["id"], row.id) || l.Info.Data["protocol"] != row.proto {
			t.Errorf("%s: nlsh reads link %q info_data %v", row.name, l.ParentName, l.Info.Data)
		}
	}
}
