package rtnl_test

import (
	"strings"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

// badCall is a script that must fail with exit 1, one line on stderr that
// names the script line and holds every want, and no change to the
// namespace.
type badCall struct {
	name  string
	code  string
	want  []string
	flags []string
}

var rtnlBadCalls = []badCall{
	{"unknown field", `rtnl.link.add{ifname = "x0", kind = "bridge", mtuu = 1500}`, []string{"rtnl.link.add", `unknown field "mtuu"`, `did you mean "mtu"`}, nil},
	{"unknown nested field", `rtnl.link.add{ifname = "x0", kind = "veth", peer = {ifname = "y0", mtuu = 1}}`, []string{`unknown field "peer.mtuu"`}, nil},
	{"unknown filter field", `for r in rtnl.route.each{tabel = "main"} do end`, []string{"rtnl.route.each", `unknown field "tabel"`, `did you mean "table"`}, nil},
	{"wrong type bool", `rtnl.link.set{ifname = "br0", up = "yes"}`, []string{`field "up"`, "want true or false"}, nil},
	{"wrong type table", `rtnl.route.add{dst = "10.3.0.0/16", dev = "br0", table = true}`, []string{`field "table"`, "want a table number or name"}, nil},
	{"not a table", `rtnl.link.add("br0")`, []string{"rtnl.link.add", "want a table"}, nil},
	{"mtu out of range", `rtnl.link.set{ifname = "br0", mtu = 70000}`, []string{`field "mtu"`, "out of range"}, nil},
	{"mtu fractional", `rtnl.link.set{ifname = "br0", mtu = 1500.5}`, []string{`field "mtu"`, "want an integer"}, nil},
	{"ifname 16 chars", `rtnl.link.add{ifname = "abcdefghijklmnop", kind = "bridge"}`, []string{`field "ifname"`, "longer than 15 bytes"}, nil},
	{"missing kind", `rtnl.link.add{ifname = "x0"}`, []string{`field "kind": required`}, nil},
	{"missing ifname", `rtnl.link.set{up = true}`, []string{`field "ifname": required`}, nil},
	{"missing address", `rtnl.addr.add{dev = "br0"}`, []string{`field "address": required`}, nil},
	{"bad CIDR", `rtnl.addr.add{dev = "br0", address = "10.0.0.300/24"}`, []string{`field "address"`, `"10.0.0.300" is not an IP address`}, nil},
	{"prefix 33", `rtnl.addr.add{dev = "br0", address = "10.0.0.1/33"}`, []string{`field "address"`, "bad prefix length", "0 to 32"}, nil},
	{"prefix missing", `rtnl.addr.add{dev = "br0", address = "10.0.0.1"}`, []string{`field "address"`, "want an address with prefix"}, nil},
	{"peer of another family", `rtnl.addr.add{dev = "br0", address = "10.0.0.1/24", peer = "fe80::1/64"}`, []string{`field "peer"`, "fe80::1/64 is not of the family of address 10.0.0.1"}, nil},
	{"peer of another family in a batch", `rtnl.batch(function() rtnl.addr.add{dev = "br0", address = "10.0.0.1/24", peer = "fe80::1/64"} end)`, []string{`field "peer"`, "not of the family"}, nil},
	{"route prefix 33", `rtnl.route.add{dst = "10.0.0.0/33", dev = "br0"}`, []string{"rtnl.route.add", `field "dst"`, "33"}, nil},
	{"route host bits", `rtnl.route.add{dst = "10.0.0.1/8", dev = "br0"}`, []string{`field "dst"`, "host bits"}, nil},
	{"bad gateway", `rtnl.route.add{dst = "10.3.0.0/16", gateway = "10.0.0"}`, []string{`field "gateway"`, "not an IP address"}, nil},
	{"bad MAC", `rtnl.link.set{ifname = "br0", address = "zz:00:00:00:00:01"}`, []string{`field "address"`, "not a MAC address"}, nil},
	{"unknown device addr", `rtnl.addr.add{dev = "nosuch0", address = "10.1.0.1/24"}`, []string{"rtnl.addr.add", `field "dev"`, `"nosuch0"`, "no such device"}, nil},
	{"unknown device route", `rtnl.route.add{dst = "10.3.0.0/16", dev = "nosuch0"}`, []string{"rtnl.route.add", `"nosuch0"`, "no such device"}, nil},
	{"unknown master", `rtnl.link.set{ifname = "br0", master = "nosuch0"}`, []string{"rtnl.link.set", `"nosuch0"`, "no such device"}, nil},
	{"peer on bridge", `rtnl.link.add{ifname = "x0", kind = "bridge", peer = {ifname = "y0"}}`, []string{`field "peer"`, "no peer"}, nil},
	{"peer netns junk", `rtnl.link.add{ifname = "x0", kind = "veth", peer = {ifname = "y0", netns = 42}}`, []string{`field "peer.netns"`, "want a netns target"}, nil},
	{"bad neigh state", `rtnl.neigh.add{dst = "10.0.0.9", dev = "br0", state = {"bogus"}}`, []string{"rtnl.neigh.add", "BOGUS", "unknown"}, nil},
	{"bad rule prefix", `rtnl.rule.add{src = "10.0.0.0/40", table = 100}`, []string{"rtnl.rule.add", `field "src"`}, nil},
	{"rule port and range", `rtnl.rule.add{dport = 80, dport_start = 1, dport_end = 9, table = 100}`, []string{"rtnl.rule.add", "dport", "not both"}, nil},
	{"rule port 65535", `rtnl.rule.add{sport = 65535, table = 100}`, []string{"rtnl.rule.add", "sport", "1 to 65534"}, nil},
	{"rule port too large", `rtnl.rule.add{sport = 70000, table = 100}`, []string{"rtnl.rule.add", `field "sport"`, "out of range"}, nil},
	{"rule half a uid range", `rtnl.rule.add{uid_start = 5, table = 100}`, []string{"rtnl.rule.add", "uid_end"}, nil},
	{"rule unknown ipproto", `rtnl.rule.add{ipproto = "tcpx", table = 100}`, []string{"rtnl.rule.add", "ipproto", "tcpx"}, nil},
	{"rule ipproto junk", `rtnl.rule.add{ipproto = true, table = 100}`, []string{"rtnl.rule.add", `field "ipproto"`, "protocol name or number"}, nil},
	{"rule deleted by its port, put back whole", "rtnl.rule.del{priority = 600, dport = 8443}\nrtnl.rule.del{priority = 600, dport = 443}\nerror(\"undo\")",
		[]string{"bad.lua:3:", "undo"}, []string{"--atomic"}},
	{"monitor forever", `rtnl.monitor{groups = {"link"}}`, []string{"rtnl.monitor", "timeout or count"}, nil},
	{"monitor bad group", `rtnl.monitor{groups = {"links"}, timeout = 1}`, []string{`field "groups"`, `"links"`}, nil},
	{"wait timeout", `rtnl.wait{link = "never0", exists = true, timeout = 0.2}`, []string{"wait until link never0 exists: context deadline exceeded"}, nil},
	{"delete missing link", `rtnl.link.del{ifname = "nosuch0"}`, []string{"RTM_DELLINK", "nosuch0", "ENODEV"}, nil},
	{"delete missing address", `rtnl.addr.del{dev = "br0", address = "10.9.9.9/24"}`, []string{"RTM_DELADDR", "10.9.9.9/24", "EADDRNOTAVAIL"}, nil},
	{"delete missing route", `rtnl.route.del{dst = "10.123.0.0/16", dev = "br0"}`, []string{"RTM_DELROUTE", "10.123.0.0/16", "ESRCH"}, nil},
	{"existing address", `rtnl.addr.add{dev = "br0", address = "10.0.0.2/24"}`, []string{"RTM_NEWADDR", "10.0.0.2/24", "EEXIST"}, nil},
	{"existing link", `rtnl.link.add{ifname = "br0", kind = "bridge"}`, []string{"RTM_NEWLINK", "br0", "EEXIST"}, nil},
	{"unknown kind", `rtnl.link.add{ifname = "x0", kind = "nokind"}`, []string{"RTM_NEWLINK", "x0", "EOPNOTSUPP"}, nil},
	{"syntax error", "rtnl.link.add{ifname = }", []string{"bad.lua:1", "syntax error"}, nil},
	{"batch failure names its call", "rtnl.batch(function()\n  rtnl.addr.add{dev = \"br0\", address = \"10.7.0.1/24\"}\n  rtnl.addr.add{dev = \"br0\", address = \"10.0.0.2/24\"}\nend)",
		[]string{"bad.lua:3:", "RTM_NEWADDR", "EEXIST"}, []string{"--atomic"}},
	{"failure after changes", "rtnl.link.add{ifname = \"v0\", kind = \"veth\", peer = {ifname = \"v1\"}}\nrtnl.link.set{ifname = \"br0\", mtu = 1400}\nrtnl.addr.add{dev = \"v0\", address = \"10.8.0.1/24\"}\nrtnl.route.replace{dst = \"10.20.0.0/16\", gateway = \"10.0.0.3\"}\nrtnl.link.del{ifname = \"nosuch0\"}",
		[]string{"bad.lua:5:", "ENODEV"}, []string{"--atomic"}},
}

// TestBadCallsCLI runs every bad call through the nlsh binary in a
// throwaway namespace: exit 1, one line naming the script line and the
// problem, no stack trace, the namespace unchanged (ip -j before/after).
func TestBadCallsCLI(t *testing.T) {
	if len(rtnlBadCalls) < 25 {
		t.Fatalf("only %d bad calls", len(rtnlBadCalls))
	}
	c := buildNlsh(t)
	ns := testutil.NewNetNS(t)
	populate(t, ns)
	dir := t.TempDir()
	for _, bc := range rtnlBadCalls {
		t.Run(bc.name, func(t *testing.T) {
			before := state(t, ns)
			path := script(t, dir, "bad.lua", bc.code)
			args := append(append([]string{"--netns", "name:" + ns.Name}, bc.flags...), path)
			r := c.run(t, "", args...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", r.code, r.stderr)
			}
			msg := strings.TrimSuffix(r.stderr, "\n")
			if strings.Contains(msg, "\n") || strings.Contains(msg, "traceback") || strings.Contains(msg, "goroutine") {
				t.Errorf("stderr is not one line: %q", r.stderr)
			}
			if !strings.HasPrefix(msg, "nlsh: "+path+":") && !strings.HasPrefix(msg, "nlsh: bad.lua") {
				t.Errorf("error does not name the script line: %q", msg)
			}
			for _, w := range bc.want {
				if w == "bad.lua:1" || strings.HasPrefix(w, "bad.lua:") {
					w = strings.Replace(w, "bad.lua", path, 1)
				}
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if after := state(t, ns); after != before {
				t.Errorf("namespace changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}
