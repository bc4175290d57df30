package rtnl

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
)

// TestCaptureFuzzSeeds rewrites testdata/kernel-*.hex, the real kernel
// replies the fuzz targets start from. It runs only when asked:
//
//	NLSH_CAPTURE_FUZZ_SEEDS=1 go test -run TestCaptureFuzzSeeds ./families/rtnl
//
// as root, in a throwaway namespace holding one link of most kinds,
// IPv4 and IPv6 addresses, routes (multipath, nexthop via, blackhole),
// rules and neighbours.
func TestCaptureFuzzSeeds(t *testing.T) {
	if os.Getenv("NLSH_CAPTURE_FUZZ_SEEDS") == "" {
		t.Skip("set NLSH_CAPTURE_FUZZ_SEEDS=1 to capture new fuzz seeds from the kernel")
	}
	testutil.RequireCommand(t, "ip", "iproute2")
	ns := testutil.NewNetNS(t)
	for _, cmd := range []string{
		"link set lo up",
		"link add v0 type veth peer name v1",
		"link set v0 up", "link set v1 up", "link set v0 mtu 9000 alias seed-alias",
		"link add br0 type bridge vlan_filtering 1",
		"link set br0 up",
		"link add d0 type dummy", "link set d0 up mtu 9000 alias dummy-alias",
		"link add vl10 link v0 type vlan id 10",
		"link add vx0 type vxlan id 42 dstport 4789 local 10.9.0.1 dev v0",
		"link add mv0 link v0 type macvlan mode bridge",
		"link add bo0 type bond mode active-backup",
		"link add vrf0 type vrf table 10", "link set vrf0 up",
		"link add ipv0 link v1 type ipvlan mode l2",
		"addr add 10.9.0.1/24 dev v0",
		"addr add 10.9.1.1/24 brd + dev v1 label v1:x",
		"addr add 2001:db8:9::1/64 dev v0 nodad",
		"addr add 2001:db8:a::1/64 dev v1 nodad valid_lft 300 preferred_lft 200",
		"route add 10.20.0.0/16 via 10.9.0.2 dev v0 metric 50",
		"route add 10.21.0.0/16 nexthop via 10.9.0.2 dev v0 weight 1 nexthop via 10.9.0.3 dev v0 weight 2",
		"route add blackhole 10.22.0.0/16",
		"route add 10.23.0.0/16 dev v1 table 100 mtu 1400 src 10.9.1.1",
		"-6 route add 2001:db8:20::/48 via 2001:db8:9::2 dev v0",
		"rule add from 10.9.0.0/24 table 100 pref 100",
		"rule add fwmark 0x10/0xff iif v0 table 100 pref 110",
		"-6 rule add to 2001:db8:20::/48 lookup 100 pref 120",
		"neigh add 10.9.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent",
		"neigh add 2001:db8:9::2 lladdr 02:00:00:00:00:03 dev v0 nud reachable",
	} {
		// Some link kinds may be missing from the kernel: take what exists.
		if _, err := ns.TryIP(strings.Fields(cmd)...); err != nil {
			t.Logf("skipped: %v", err)
		}
	}
	var got []byte
	c, err := Dial(&socket.Config{NetNS: ns.Target, Trace: func(d socket.Direction, m codec.Message) {
		if d == socket.Received && m.Header.Type >= 16 {
			got = m.Append(got)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, d := range []struct {
		name string
		dump func() error
	}{
		{"links", func() error { _, err := c.ListLinks(ctx, LinkFilter{}); return err }},
		{"addrs", func() error { _, err := c.ListAddrs(ctx, AddrFilter{}); return err }},
		{"routes", func() error { _, err := c.ListRoutes(ctx, RouteFilter{}); return err }},
		{"neighs", func() error { _, err := c.ListNeighs(ctx, NeighFilter{}); return err }},
		{"rules", func() error { _, err := c.ListRules(ctx, RuleFilter{}); return err }},
	} {
		got = got[:0]
		if err := d.dump(); err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		var out strings.Builder
		out.WriteString("# " + d.name + " dump from a throwaway namespace (TestCaptureFuzzSeeds), kernel replies concatenated\n")
		h := hex.EncodeToString(got)
		for len(h) > 64 {
			out.WriteString(h[:64] + "\n")
			h = h[64:]
		}
		out.WriteString(h + "\n")
		if err := os.WriteFile(filepath.Join("testdata", "kernel-"+d.name+".hex"), []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
