package rtnl_test

import (
	"strings"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

// A script that creates links and then uses them by name: in a dry run
// the names resolve to placeholder ifindexes (counting down from
// 2147483647), an exist_ok add of a link that exists keeps its real
// index, renames (the real link keeps its index under the new name) and
// deletes are followed, the whole plan prints,
// and nothing changes (ip -j before/after).
const dryOverlayScript = `rtnl.link.add{ifname = "br9", kind = "bridge"}
rtnl.link.add{ifname = "lo", kind = "loopback", exist_ok = true}
rtnl.link.add{ifname = "veth0", kind = "veth", peer = {ifname = "veth0p"}}
rtnl.link.set{ifname = "veth0", master = "br9", port = {cost = 5, learning = false}}
rtnl.addr.add{dev = "veth0", address = "10.9.0.1/24"}
rtnl.link.set{ifname = "veth0", name = "eth9", up = true}
rtnl.route.add{dst = "10.99.0.0/16", dev = "eth9"}
rtnl.addr.add{dev = "lo", address = "10.8.0.1/32"}
rtnl.link.set{ifname = "lo", name = "lo2"}
rtnl.addr.add{dev = "lo2", address = "10.8.0.2/32"}
rtnl.link.del{ifname = "veth0p"}
local ok, err = pcall(rtnl.addr.add, {dev = "veth0", address = "10.9.0.2/24"})
print(ok, err.msg or tostring(err))
`

func TestDryRunOverlayCLI(t *testing.T) {
	c := buildNlsh(t)
	ns := testutil.NewNetNS(t)
	path := script(t, t.TempDir(), "plan.lua", dryOverlayScript)
	before := state(t, ns)
	r := c.run(t, "", "--netns", "name:"+ns.Name, "--dry-run", path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := []string{
		`dry-run RTM_NEWLINK flags=REQUEST|ACK|EXCL|CREATE seq=1 pid=0 {family=0 type=0 index=0 flags=0 change=0} ifname="br9" linkinfo={info_kind="bridge"}`,
		`dry-run RTM_NEWLINK flags=REQUEST|ACK|EXCL|CREATE seq=2 pid=0 {family=0 type=0 index=0 flags=0 change=0} ifname="lo" linkinfo={info_kind="loopback"}`,
		`dry-run RTM_NEWLINK flags=REQUEST|ACK|EXCL|CREATE seq=4 pid=0 {family=0 type=0 index=0 flags=0 change=0} ifname="veth0" linkinfo={info_kind="veth" info_data={peer=<000000000000000000000000000000000b0003007665746830700000>}}`,
		`dry-run RTM_NEWLINK flags=REQUEST|ACK seq=5 pid=0 {family=0 type=0 index=2147483646 flags=0 change=0} master=2147483647`,
		`dry-run RTM_NEWLINK flags=REQUEST|ACK seq=6 pid=0 {family=0 type=0 index=2147483646 flags=0 change=0} linkinfo={info_slave_kind="bridge" info_slave_data={cost=5 learning=0}}`,
		`dry-run RTM_NEWADDR flags=REQUEST|ACK|EXCL|CREATE seq=7 pid=0 {family=2 prefixlen=24 flags=0 scope=0 ifindex=2147483646} local=10.9.0.1 address=10.9.0.1`,
		`dry-run RTM_NEWLINK flags=REQUEST|ACK seq=8 pid=0 {family=0 type=0 index=2147483646 flags=UP change=UP} ifname="eth9"`,
		`dry-run RTM_NEWROUTE flags=REQUEST|ACK|EXCL|CREATE seq=9 pid=0 {family=2 dst_len=16 src_len=0 tos=0 table=254 protocol=boot scope=link type=unicast flags=0} table=254 dst=10.99.0.0 oif=2147483646`,
		`dry-run RTM_NEWADDR flags=REQUEST|ACK|EXCL|CREATE seq=11 pid=0 {family=2 prefixlen=32 flags=0 scope=0 ifindex=1} local=10.8.0.1 address=10.8.0.1`,
		`dry-run RTM_NEWLINK flags=REQUEST|ACK seq=13 pid=0 {family=0 type=0 index=1 flags=0 change=0} ifname="lo2"`,
		`dry-run RTM_NEWADDR flags=REQUEST|ACK|EXCL|CREATE seq=15 pid=0 {family=2 prefixlen=32 flags=0 scope=0 ifindex=1} local=10.8.0.2 address=10.8.0.2`,
		`dry-run RTM_DELLINK flags=REQUEST|ACK seq=16 pid=0 {family=0 type=0 index=2147483645 flags=0 change=0}`,
	}
	got := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("dry-run output:\n%s\nwant:\n%s", r.stderr, strings.Join(want, "\n"))
	}
	if !strings.Contains(r.stdout, `false`) || !strings.Contains(r.stdout, `no such device "veth0" (deleted or renamed earlier in this dry run)`) {
		t.Errorf("a name renamed away in the dry run resolved: %q", r.stdout)
	}
	if after := state(t, ns); after != before {
		t.Errorf("--dry-run changed the namespace:\n%s\n%s", before, after)
	}
}
