package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"

	"github.com/nlsh/nlsh/internal/testutil"
)

const refPlugins = "/usr/lib/cni"

func requireCNI(t testing.TB) {
	t.Helper()
	testutil.RequireRoot(t)
	for _, p := range []string{"bridge", "host-local", "static"} {
		if _, err := os.Stat(filepath.Join(refPlugins, p)); err != nil {
			t.Skipf("needs the reference CNI plugins in %s (Debian package containernetworking-plugins): %v", refPlugins, err)
		}
	}
	requireRtnl(t)
}

// cniEnv is one "host" (a throwaway namespace where plugins run and the
// bridge lives) and a libcni client.
type cniEnv struct {
	host *testutil.NS
	cni  *libcni.CNIConfig
}

func newCNIEnv(t testing.TB) *cniEnv {
	t.Helper()
	return &cniEnv{
		host: testutil.NewNetNS(t),
		cni:  libcni.NewCNIConfigWithCacheDir([]string{binDir, refPlugins}, t.TempDir(), nil),
	}
}

// do runs fn with the calling thread inside the host namespace, so the
// plugins libcni starts run there.
func (e *cniEnv) do(t testing.TB, fn func() error) error {
	t.Helper()
	var err error
	e.host.Do(func() error { err = fn(); return nil })
	return err
}

func conflist(t testing.TB, v any) *libcni.NetworkConfigList {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	l, err := libcni.ConfListFromBytes(b)
	if err != nil {
		t.Fatalf("conflist %s: %v", b, err)
	}
	return l
}

// bridgeConf is the bridge + host-local configuration both plugins get.
func bridgeConf(typ, bridge, dataDir string, extra map[string]any) map[string]any {
	c := map[string]any{
		"type": typ, "bridge": bridge, "isGateway": true,
		"ipam": map[string]any{
			"type": "host-local", "dataDir": dataDir,
			"ranges": []any{[]any{map[string]any{"subnet": "10.31.0.0/24"}}},
			"routes": []any{map[string]any{"dst": "0.0.0.0/0"}},
		},
	}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

func nlshBridge(t testing.TB, bridge, dataDir string) map[string]any {
	return bridgeConf("nlsh", bridge, dataDir, map[string]any{
		"script":     script(t, "cni/bridge.lua", ""),
		"allowPaths": []string{dataDir, "/proc/sys/net/ipv4"},
	})
}

func TestLibcniAddCheckDel(t *testing.T) {
	requireCNI(t)
	env := newCNIEnv(t)
	ctr := testutil.NewNetNS(t)
	data := t.TempDir()
	list := conflist(t, map[string]any{"cniVersion": "1.1.0", "name": "e2enet", "plugins": []any{nlshBridge(t, "nlbr0", data)}})
	rt := &libcni.RuntimeConf{ContainerID: "e2e-ctr-1", NetNS: filepath.Join("/run/netns", ctr.Name), IfName: "eth0"}
	ctx := context.Background()

	var res types.Result
	if err := env.do(t, func() (err error) { res, err = env.cni.AddNetworkList(ctx, list, rt); return err }); err != nil {
		t.Fatalf("ADD: %v", err)
	}
	r, err := types100.GetResult(res)
	if err != nil {
		t.Fatalf("ADD result does not parse as a CNI result: %v", err)
	}
	if len(r.IPs) != 1 || r.IPs[0].Address.String() != "10.31.0.2/24" || r.IPs[0].Gateway.String() != "10.31.0.1" {
		t.Fatalf("ADD result ips: %v", r.IPs)
	}
	if len(r.Interfaces) != 3 || r.Interfaces[*r.IPs[0].Interface].Name != "eth0" || r.Interfaces[2].Sandbox != rt.NetNS {
		t.Fatalf("ADD result interfaces: %v", r.Interfaces)
	}
	// What it reports exists.
	var addrs []struct {
		Ifname   string `json:"ifname"`
		Address  string `json:"address"`
		AddrInfo []struct {
			Local     string `json:"local"`
			Prefixlen int    `json:"prefixlen"`
		} `json:"addr_info"`
	}
	ctr.IPJSON(&addrs, "addr", "show", "eth0")
	if len(addrs) != 1 || addrs[0].Address != r.Interfaces[2].Mac || len(addrs[0].AddrInfo) == 0 || addrs[0].AddrInfo[0].Local != "10.31.0.2" {
		t.Fatalf("eth0 in the container: %+v, result says mac %s", addrs, r.Interfaces[2].Mac)
	}
	if routes := ctr.IP("route"); !strings.Contains(routes, "default via 10.31.0.1 dev eth0") {
		t.Fatalf("container routes: %s", routes)
	}
	if br := env.host.IP("-br", "addr", "show", "nlbr0"); !strings.Contains(br, "10.31.0.1/24") {
		t.Fatalf("bridge: %s", br)
	}
	if _, err := env.host.TryIP("link", "show", r.Interfaces[1].Name); err != nil {
		t.Fatalf("host end %s: %v", r.Interfaces[1].Name, err)
	}
	lease := filepath.Join(data, "e2enet_10.31.0.2")
	if b, err := os.ReadFile(lease); err != nil || string(b) != "e2e-ctr-1\r\neth0" {
		t.Fatalf("lease file: %q %v", b, err)
	}

	if err := env.do(t, func() error { return env.cni.CheckNetworkList(ctx, list, rt) }); err != nil {
		t.Fatalf("CHECK: %v", err)
	}
	if err := env.do(t, func() error { return env.cni.DelNetworkList(ctx, list, rt) }); err != nil {
		t.Fatalf("DEL: %v", err)
	}
	// Nothing left: only lo in the container, no veth on the host, no lease.
	if l := links(t, ctr); len(l) != 1 || l[0]["ifname"] != "lo" {
		t.Fatalf("container after DEL: %v", l)
	}
	for _, l := range links(t, env.host) {
		if k, _ := l["linkinfo"].(map[string]any); k != nil && k["info_kind"] == "veth" {
			t.Fatalf("host veth left after DEL: %v", l["ifname"])
		}
	}
	if _, err := os.Stat(lease); !os.IsNotExist(err) {
		t.Fatalf("lease left after DEL: %v", err)
	}
	// DEL again, and DEL once the namespace is gone, succeed.
	if err := env.do(t, func() error { return env.cni.DelNetworkList(ctx, list, rt) }); err != nil {
		t.Fatalf("second DEL: %v", err)
	}
	gone := *rt
	gone.NetNS = "/run/netns/nlsh-e2e-no-such-ns"
	if err := env.do(t, func() error { return env.cni.DelNetworkList(ctx, list, &gone) }); err != nil {
		t.Fatalf("DEL without the namespace: %v", err)
	}
}

func TestLibcniErrorAndRollback(t *testing.T) {
	requireCNI(t)
	env := newCNIEnv(t)
	ctr := testutil.NewNetNS(t)
	env.host.IP("link", "set", "lo", "up")
	ctr.IP("link", "set", "lo", "up")
	beforeHost, beforeCtr := dump(t, env.host), dump(t, ctr)
	s := script(t, "fail.lua", `
local rtnl, netns = require "rtnl", require "netns"
rtnl.link.add{ifname = "br-fail", kind = "bridge", up = true}
rtnl.link.add{ifname = "veth-fail", kind = "veth", master = "br-fail", peer = {ifname = cni.ifname, netns = cni.netns}}
netns.run(cni.netns, function() rtnl.addr.add{dev = cni.ifname, address = "10.32.0.2/24"} end)
if cni.config.spin then while true do end end
cni.error(11, "address pool busy", "try later")`)
	for _, c := range []struct {
		name string
		conf map[string]any
		code uint
	}{
		{"cni.error", map[string]any{"type": "nlsh", "script": s}, 11},
		{"deadline", map[string]any{"type": "nlsh", "script": s, "spin": true, "timeout": "300ms"}, 11},
	} {
		list := conflist(t, map[string]any{"cniVersion": "1.0.0", "name": "failnet", "plugins": []any{c.conf}})
		rt := &libcni.RuntimeConf{ContainerID: "e2e-fail", NetNS: filepath.Join("/run/netns", ctr.Name), IfName: "eth0"}
		err := env.do(t, func() error { _, err := env.cni.AddNetworkList(context.Background(), list, rt); return err })
		var te *types.Error
		if !asTypesError(err, &te) || te.Code != c.code {
			t.Fatalf("%s: got %v, want CNI error code %d", c.name, err, c.code)
		}
		if after := dump(t, env.host); after != beforeHost {
			t.Errorf("%s: host changed:\nbefore %s\nafter  %s", c.name, beforeHost, after)
		}
		if after := dump(t, ctr); after != beforeCtr {
			t.Errorf("%s: container changed:\nbefore %s\nafter  %s", c.name, beforeCtr, after)
		}
	}
}

func asTypesError(err error, te **types.Error) bool { return errors.As(err, te) }

// With ipMasq, ADD masquerades the container's address leaving through
// other interfaces, in the host's ruleset; DEL removes exactly that rule.
func TestLibcniMasquerade(t *testing.T) {
	requireCNI(t)
	testutil.RequireCommand(t, "nft", "nftables")
	env := newCNIEnv(t)
	ctr := testutil.NewNetNS(t)
	data := t.TempDir()
	plugin := nlshBridge(t, "nlbrm", data)
	plugin["ipMasq"] = true
	list := conflist(t, map[string]any{"cniVersion": "1.1.0", "name": "e2emasq", "plugins": []any{plugin}})
	rt := &libcni.RuntimeConf{ContainerID: "e2e-masq-1", NetNS: filepath.Join("/run/netns", ctr.Name), IfName: "eth0"}
	ctx := context.Background()
	if err := env.do(t, func() error { _, err := env.cni.AddNetworkList(ctx, list, rt); return err }); err != nil {
		t.Fatalf("ADD: %v", err)
	}
	out, err := env.host.Exec("nft", "list", "table", "inet", "nlsh-cni")
	if err != nil {
		t.Fatalf("masquerade table after ADD: %v", err)
	}
	for _, want := range []string{
		"type nat hook postrouting priority srcnat; policy accept;",
		`ip saddr 10.31.0.2 oifname != "nlbrm" masquerade comment "e2e-masq-1"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("after ADD the host's ruleset lacks %q:\n%s", want, out)
		}
	}
	if err := env.do(t, func() error { return env.cni.DelNetworkList(ctx, list, rt) }); err != nil {
		t.Fatalf("DEL: %v", err)
	}
	out, _ = env.host.Exec("nft", "list", "ruleset")
	if strings.Contains(out, "masquerade") {
		t.Errorf("masquerade rule left after DEL:\n%s", out)
	}
}
