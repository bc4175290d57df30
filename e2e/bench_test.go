package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

// The same wiring three ways: a bridge (kept between iterations), a veth
// with its host end on the bridge and eth0 in the container, 10.40.0.2/24
// on eth0, the gateway 10.40.0.1/24 on the bridge, a default route.
const wireLua = `
local rtnl, netns = require "rtnl", require "netns"
rtnl.link.add{ifname = "wbr0", kind = "bridge", up = true, exist_ok = true}
rtnl.addr.add{dev = "wbr0", address = "10.40.0.1/24", exist_ok = true}
rtnl.link.add{ifname = "wveth", kind = "veth", master = "wbr0", peer = {ifname = "eth0", netns = container.netns}}
rtnl.link.set{ifname = "wveth", up = true}
netns.run(container.netns, function()
  rtnl.addr.add{dev = "eth0", address = "10.40.0.2/24"}
  rtnl.link.set{ifname = "eth0", up = true}
  rtnl.route.add{dst = "default", gateway = "10.40.0.1"}
end)`

const wireShell = `set -e
ip link show wbr0 >/dev/null 2>&1 || ip link add wbr0 type bridge
ip link set wbr0 up
ip addr replace 10.40.0.1/24 dev wbr0
ip link add wveth master wbr0 type veth peer name eth0 netns "$CTR"
ip link set wveth up
ip -n "$CTR" addr add 10.40.0.2/24 dev eth0
ip -n "$CTR" link set eth0 up
ip -n "$CTR" route add default via 10.40.0.1`

// BenchmarkProvision measures per-container provisioning latency, each way
// in its own throwaway host and container namespaces; compare ns/op.
func BenchmarkProvision(b *testing.B) {
	requireCNI(b)
	testutil.RequireCommand(b, "ip", "iproute2")
	b.Run("nlsh-hook", func(b *testing.B) {
		host, ctr := testutil.NewNetNS(b), testutil.NewNetNS(b)
		pid := containerProc(b, ctr)
		s := script(b, "wire.lua", wireLua)
		state := stateJSON(b, "bench", pid, "creating")
		for i := 0; i < b.N; i++ {
			if _, errOut, err := runNlsh(state, nil, "--netns", "name:"+host.Name, "hook", s, "createRuntime"); err != nil {
				b.Fatalf("%v: %s", err, errOut)
			}
			b.StopTimer()
			ctr.IP("link", "del", "eth0")
			b.StartTimer()
		}
	})
	b.Run("cni-bridge", func(b *testing.B) {
		env, ctr := newCNIEnv(b), testutil.NewNetNS(b)
		conf, err := json.Marshal(map[string]any{
			"cniVersion": "1.0.0", "name": "benchnet", "type": "bridge", "bridge": "wbr0", "isGateway": true,
			"ipam": map[string]any{"type": "static",
				"addresses": []any{map[string]any{"address": "10.40.0.2/24", "gateway": "10.40.0.1"}},
				"routes":    []any{map[string]any{"dst": "0.0.0.0/0"}}},
		})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			cmd := exec.Command(filepath.Join(refPlugins, "bridge"))
			cmd.Stdin = bytes.NewReader(conf)
			cmd.Env = append(os.Environ(), "CNI_COMMAND=ADD", "CNI_CONTAINERID=bench", "CNI_IFNAME=eth0",
				"CNI_NETNS=/run/netns/"+ctr.Name, "CNI_PATH="+refPlugins)
			if err := env.do(b, func() error {
				if out, err := cmd.CombinedOutput(); err != nil {
					return fmt.Errorf("%v: %s", err, out)
				}
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			ctr.IP("link", "del", "eth0")
			b.StartTimer()
		}
	})
	b.Run("ip-shell", func(b *testing.B) {
		host, ctr := testutil.NewNetNS(b), testutil.NewNetNS(b)
		for i := 0; i < b.N; i++ {
			cmd := exec.Command("ip", "netns", "exec", host.Name, "sh", "-c", wireShell)
			cmd.Env = append(os.Environ(), "CTR="+ctr.Name)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
			b.StopTimer()
			ctr.IP("link", "del", "eth0")
			b.StartTimer()
		}
	})
}
