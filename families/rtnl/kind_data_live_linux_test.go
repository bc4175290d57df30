package rtnl

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
)

// kindFieldsIPDoesNotPrint are info_data options the kernel reports that
// the iproute2 of the test machines (6.1) never prints: the kernel added
// them later, or ip has no output for them. nlsh may list them where ip
// is silent.
var kindFieldsIPDoesNotPrint = map[string]bool{
	"vxlan.localbypass": true, "vxlan.label_policy": true, "vxlan.reserved_bits": true,
	"vxlan.mcroute": true, "vxlan.vnifilter": true,
	// ip prints "ttl inherit" as text only: in JSON, neither ttl nor this.
	"vxlan.ttl_inherit": true,
	// bits of IFLA_BR_MULTI_BOOLOPT newer than ip 6.1
	"bridge.mst_enabled": true, "bridge.mdb_offload_fail_notification": true, "bridge.fdb_local_vlan_0": true,
	"bridge.fdb_n_learned": true, "bridge.fdb_max_learned": true,
	"macvlan.macaddr_count": true, "macvlan.bc_queue_len_used": true, "macvlan.bc_cutoff": true,
	"macvtap.macaddr_count": true, "macvtap.bc_queue_len_used": true, "macvtap.bc_cutoff": true,
	"bond.coupled_control": true,
	// nlsh's settable spelling of what ip prints as a key of its own
	// ("private": true), which nlsh lists too
	"ipvlan.flags": true, "ipvtap.flags": true,
}

// zeroValue says whether v is what ip leaves out when an option is off
// or zero (it prints many only when set).
func zeroValue(v any) bool {
	switch v := v.(type) {
	case bool:
		return !v
	case uint64:
		return v == 0
	case string:
		return v == "" || v == "0"
	case nil:
		return true
	}
	return false
}

// compareKindData checks every info_data field ip prints against nlsh's,
// and that each field nlsh lists and ip does not print is one ip leaves
// out (off or zero, or one it does not know). It returns how many
// fields were equal.
func compareKindData(t *testing.T, name, kind string, nl Options, ip map[string]any) int {
	t.Helper()
	same := 0
	for _, k := range slices.Sorted(maps.Keys(ip)) {
		v, ok := nl[k]
		switch {
		case !ok:
			t.Errorf("%s: ip prints info_data.%s = %v, nlsh does not list it", name, k, ip[k])
		case ip[k] == nil:
			// ip prints null where it has no name for the value (6.1:
			// bond's arp_validate "none")
		case !sameValue(v, ip[k]):
			t.Errorf("%s: info_data.%s: nlsh %v (%T), ip %v (%T)", name, k, v, v, ip[k], ip[k])
		default:
			same++
		}
	}
	for _, k := range slices.Sorted(maps.Keys(nl)) {
		if _, ok := ip[k]; !ok && !zeroValue(nl[k]) && !kindFieldsIPDoesNotPrint[kind+"."+k] {
			t.Errorf("%s: nlsh lists info_data.%s = %v (%T), ip does not print it", name, k, nl[k], nl[k])
		}
	}
	return same
}

// Every kind row made by ip: nlsh lists every info_data field ip prints,
// with ip's value and spelling, and nothing ip would print otherwise.
func TestLinkKindDataMatchesIP(t *testing.T) {
	for _, row := range kindRows() {
		t.Run(row.name, func(t *testing.T) {
			kernel.Require(t, append([]kernel.Feature{kernel.Root()}, row.require...)...)
			ns, c := linkLiveNS(t)
			if row.prepare != nil {
				ns.IP(row.prepare...)
			}
			if _, err := ns.TryIP(append([]string{"link", "add", "ip0"}, row.ipArgs...)...); err != nil {
				if row.hostUnsupported && !kernel.InVMLane() {
					t.Skipf("this kernel lacks it (%v); runs in the VM lane: make test-vm", err)
				}
				t.Fatal(err)
			}
			want := ipShow(t, ns, "ip0")
			l, err := c.GetLink(ctx(t), ByName("ip0"))
			if err != nil {
				t.Fatal(err)
			}
			var nl Options
			if l.Info != nil {
				nl = l.Info.Data
			}
			var ip map[string]any
			if want.LinkInfo != nil {
				ip = want.LinkInfo.Data
			}
			n := compareKindData(t, row.name, row.spec.Kind, nl, ip)
			t.Logf("%d of %d info_data fields equal to ip's", n, len(ip))
		})
	}
}

// linkFieldsIPDoesNotPrint are link fields nlsh lists that ip -j -d (6.1)
// does not print: the carrier, and limits newer than it.
var linkFieldsIPDoesNotPrint = map[string]bool{
	"carrier": true, "carrier_changes": true, "gso_ipv4_max_size": true, "gro_ipv4_max_size": true,
}

// Every link of a namespace with links of several kinds, one a bridge
// port, one with its peer elsewhere: ListLinks's JSON has every
// top-level field ip -j -d link show prints, with ip's value (linkinfo
// is TestLinkKindDataMatchesIP's), and no field ip does not print but
// those it never does.
func TestLinkFieldsMatchIP(t *testing.T) {
	kernel.Require(t, kernel.Root())
	ns, c := linkLiveNS(t)
	other := testutil.NewNetNS(t)
	for _, args := range [][]string{
		{"link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"link", "add", "x0", "type", "veth", "peer", "name", "x1", "netns", other.Name},
		{"link", "add", "br0", "type", "bridge"},
		{"link", "set", "v1", "master", "br0"},
		{"link", "add", "vx0", "type", "vxlan", "id", "5", "dstport", "4789", "dev", "v0"},
		{"link", "add", "i0", "type", "ifb"},
		{"link", "set", "v0", "up", "mtu", "1400"},
		{"link", "set", "i0", "alias", "an ifb"},
	} {
		ns.IP(args...)
	}
	// A link brought up reaches its operational state through the
	// kernel's link watch, up to a second later: compare once ip reads
	// the same twice in a row, and again after nlsh's listing.
	stable := func() string {
		prev := ""
		for range 100 {
			cur := ns.IP("-j", "-d", "link", "show")
			if cur == prev {
				return cur
			}
			prev = cur
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("links did not settle in 5 s")
		return ""
	}
	var (
		want []map[string]any
		ls   []*Link
	)
	for try := 0; ; try++ {
		before := stable()
		var err error
		if ls, err = c.ListLinks(ctx(t), LinkFilter{NoStats: true}); err != nil {
			t.Fatal(err)
		}
		if ns.IP("-j", "-d", "link", "show") == before {
			if err := json.Unmarshal([]byte(before), &want); err != nil {
				t.Fatal(err)
			}
			break
		}
		if try == 5 {
			t.Fatal("the links kept changing while nlsh listed them")
		}
	}
	if len(ls) != len(want) {
		t.Fatalf("nlsh lists %d links, ip %d", len(ls), len(want))
	}
	for i, ip := range want {
		b, err := json.Marshal(ls[i])
		if err != nil {
			t.Fatal(err)
		}
		var nl map[string]any
		if err := json.Unmarshal(b, &nl); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprint(ip["ifname"])
		for _, k := range slices.Sorted(maps.Keys(ip)) {
			if k == "linkinfo" {
				continue
			}
			if v, ok := nl[k]; !ok {
				t.Errorf("%s: ip prints %s = %v, nlsh does not list it", name, k, ip[k])
			} else if !sameValue(v, ip[k]) {
				t.Errorf("%s: %s: nlsh %v (%T), ip %v (%T)", name, k, v, v, ip[k], ip[k])
			}
		}
		for _, k := range slices.Sorted(maps.Keys(nl)) {
			if _, ok := ip[k]; !ok && !linkFieldsIPDoesNotPrint[k] {
				t.Errorf("%s: nlsh lists %s = %v, ip does not print it", name, k, nl[k])
			}
		}
	}
}
