package wireguard_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/families/genl/wireguard"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func key(t *testing.T, s string) wireguard.Key {
	k, err := wireguard.ParseKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestLiveConfigureTwoPeers(t *testing.T) {
	kernel.Require(t, kernel.Root(), kernel.GenlFamily("wireguard"))
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "wg0", "type", "wireguard")
	c := wireguard.New(gtest.Dial(t, ns))
	ctx := context.Background()

	priv := key(t, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=")
	port, mark, keep := uint16(51820), uint32(0x1337), uint16(25)
	ep := netip.MustParseAddrPort("192.0.2.1:51820")
	psk := key(t, "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=")
	cfg := &wireguard.Config{
		Ifname: "wg0", PrivateKey: &priv, ListenPort: &port, Fwmark: &mark, ReplacePeers: true,
		Peers: []wireguard.PeerConfig{
			{PublicKey: key(t, "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="), PresharedKey: &psk, Endpoint: &ep,
				PersistentKeepalive: &keep, ReplaceAllowedIPs: true,
				AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("fd00::/64")}},
			{PublicKey: key(t, "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0="),
				AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")}},
		},
	}
	if err := c.Set(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	d, err := c.Get(ctx, "wg0")
	if err != nil {
		t.Fatal(err)
	}
	if d.PrivateKey == nil || *d.PrivateKey != priv || d.PublicKey == nil || d.ListenPort != port || d.Fwmark != mark || len(d.Peers) != 2 {
		t.Fatalf("device read back: %+v", d)
	}
	for i, p := range cfg.Peers {
		g := d.Peers[i]
		if g.PublicKey != p.PublicKey || len(g.AllowedIPs) != len(p.AllowedIPs) {
			t.Fatalf("peer %d read back %+v, configured %+v", i, g, p)
		}
		for j := range p.AllowedIPs {
			if g.AllowedIPs[j] != p.AllowedIPs[j] {
				t.Errorf("peer %d allowed ip %d: %v, want %v", i, j, g.AllowedIPs[j], p.AllowedIPs[j])
			}
		}
	}
	if d.Peers[0].Endpoint != ep || d.Peers[0].PersistentKeepalive != keep || d.Peers[0].PresharedKey == nil || *d.Peers[0].PresharedKey != psk {
		t.Errorf("peer 0: %+v", d.Peers[0])
	}
	// The same device read by index is identical.
	d2, err := c.GetIndex(ctx, d.Ifindex)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(d)
	b, _ := json.Marshal(d2)
	if string(a) != string(b) {
		t.Fatalf("by name %s\nby index %s", a, b)
	}
	if _, err := exec.LookPath("wg"); err == nil {
		out, err := ns.Exec("wg", "show", "wg0", "dump")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], priv.String()+"\t"+d.PublicKey.String()+"\t51820\t0x1337") {
			t.Fatalf("wg show dump:\n%s", out)
		}
		if !strings.HasPrefix(lines[1], cfg.Peers[0].PublicKey.String()+"\t"+psk.String()+"\t192.0.2.1:51820\t10.0.0.0/24,fd00::/64") {
			t.Errorf("wg show peer 1: %s", lines[1])
		}
	}
	// Remove one peer; replace-peers with none empties the device.
	if err := c.Set(ctx, &wireguard.Config{Ifname: "wg0", Peers: []wireguard.PeerConfig{{PublicKey: cfg.Peers[1].PublicKey, Remove: true}}}); err != nil {
		t.Fatal(err)
	}
	if d, err = c.Get(ctx, "wg0"); err != nil || len(d.Peers) != 1 || d.Peers[0].PublicKey != cfg.Peers[0].PublicKey {
		t.Fatalf("after removing peer 2: %+v, %v", d, err)
	}
	if err := c.Set(ctx, &wireguard.Config{Ifname: "wg0", ReplacePeers: true}); err != nil {
		t.Fatal(err)
	}
	if d, err = c.Get(ctx, "wg0"); err != nil || len(d.Peers) != 0 {
		t.Fatalf("after replace-peers with none: %+v, %v", d, err)
	}
}
