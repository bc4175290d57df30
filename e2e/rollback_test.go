package e2e

import (
	"strings"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

// changeBoth changes the host and the container, then fails (tail).
const changeBoth = `
local rtnl, netns = require "rtnl", require "netns"
rtnl.link.add{ifname = "rb-host", kind = "veth", peer = {ifname = "eth0", netns = container.netns}}
rtnl.addr.add{dev = "rb-host", address = "10.77.0.1/24"}
rtnl.link.set{ifname = "rb-host", up = true, mtu = 1400}
rtnl.link.add{ifname = "rb-br", kind = "bridge"}
rtnl.link.set{ifname = "lo", up = true}
netns.run(container.netns, function()
  rtnl.link.set{ifname = "lo", up = true}
  rtnl.addr.add{dev = "eth0", address = "10.77.0.2/24"}
  rtnl.link.set{ifname = "eth0", up = true}
  rtnl.route.add{dst = "default", gateway = "10.77.0.1"}
  rtnl.link.add{ifname = "dummy-in", kind = "bridge"}
end)
`

func TestRollbackHostAndContainer(t *testing.T) {
	requireRtnl(t)
	for _, c := range []struct {
		name, tail string
		args       []string
		want       string
	}{
		{"error", `error("route to 10.99.0.0/16: table full")`, nil, "table full"},
		{"deadline", `while true do end`, []string{"--timeout", "300ms"}, "deadline exceeded"},
		{"kernel error", `rtnl.addr.add{dev = "no-such-dev", address = "10.1.1.1/24"}`, nil, "no-such-dev"},
	} {
		t.Run(c.name, func(t *testing.T) {
			host, ctr := testutil.NewNetNS(t), testutil.NewNetNS(t)
			// Bring lo up first, as on any host and in any runc container:
			// the kernel gives lo its qdisc and 127.0.0.1 on the first up,
			// which taking it down again does not remove.
			host.IP("link", "set", "lo", "up")
			ctr.IP("link", "set", "lo", "up")
			pid := containerProc(t, ctr)
			beforeHost, beforeCtr := dump(t, host), dump(t, ctr)
			s := script(t, "fail.lua", changeBoth+c.tail)
			args := append([]string{"--netns", "name:" + host.Name, "hook"}, c.args...)
			args = append(args, s, "createRuntime")
			out, errOut, err := runNlsh(stateJSON(t, "rb-1", pid, "creating"), nil, args...)
			if err == nil {
				t.Fatalf("the failing hook exited 0: %s %s", out, errOut)
			}
			if !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "undid its") || strings.Contains(errOut, "rollback:") {
				t.Fatalf("stderr %q: want the original error %q and a clean rollback", errOut, c.want)
			}
			if after := dump(t, host); after != beforeHost {
				t.Errorf("host namespace changed:\nbefore %s\nafter  %s", beforeHost, after)
			}
			if after := dump(t, ctr); after != beforeCtr {
				t.Errorf("container namespace changed:\nbefore %s\nafter  %s", beforeCtr, after)
			}
		})
	}
}

// Without the failure the same script's changes stay: the comparison
// above would catch a rollback that did nothing only if they happen.
func TestChangesStayOnSuccess(t *testing.T) {
	requireRtnl(t)
	host, ctr := testutil.NewNetNS(t), testutil.NewNetNS(t)
	pid := containerProc(t, ctr)
	before := dump(t, ctr)
	s := script(t, "ok.lua", changeBoth)
	if _, errOut, err := runNlsh(stateJSON(t, "rb-2", pid, "creating"), nil, "--netns", "name:"+host.Name, "hook", s); err != nil {
		t.Fatalf("%v: %s", err, errOut)
	}
	if dump(t, ctr) == before || !strings.Contains(host.IP("-br", "addr"), "10.77.0.1/24") {
		t.Fatal("a successful hook left no changes")
	}
}
