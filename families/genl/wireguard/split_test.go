package wireguard

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

func TestEncodeConfigSplits(t *testing.T) {
	port := uint16(1000)
	cfg := &Config{Ifname: "wg0", ListenPort: &port, ReplacePeers: true}
	for i := range 20 {
		p := PeerConfig{ReplaceAllowedIPs: true}
		p.PublicKey[0], p.PublicKey[1] = byte(i), 0xaa
		for j := range 5 + i*10 {
			p.AllowedIPs = append(p.AllowedIPs, netip.MustParsePrefix(fmt.Sprintf("10.%d.%d.0/24", i, j)))
		}
		cfg.Peers = append(cfg.Peers, p)
	}
	const limit = 2048
	msgs, err := EncodeConfig(cfg, limit)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) < 5 {
		t.Fatalf("%d messages under a %d-byte limit; want a split", len(msgs), limit)
	}
	// Apply the messages as the kernel would and compare.
	var got Config
	for i, b := range msgs {
		if n := codec.HeaderLen + genl.HeaderLen + len(b); n > limit {
			t.Fatalf("message %d: %d bytes > %d", i, n, limit)
		}
		c, err := DecodeConfig(b)
		if err != nil {
			t.Fatal(err)
		}
		if c.Ifname != "wg0" || c.ReplacePeers != (i == 0) || (c.ListenPort != nil) != (i == 0) {
			t.Fatalf("message %d: device part %+v", i, c)
		}
		for j, p := range c.Peers {
			if n := len(got.Peers); n > 0 && j == 0 && got.Peers[n-1].PublicKey == p.PublicKey {
				if p.ReplaceAllowedIPs {
					t.Fatalf("message %d: continuation of a peer replaces its allowed IPs again", i)
				}
				got.Peers[n-1].AllowedIPs = append(got.Peers[n-1].AllowedIPs, p.AllowedIPs...)
				continue
			}
			got.Peers = append(got.Peers, p)
		}
	}
	if len(got.Peers) != len(cfg.Peers) {
		t.Fatalf("%d peers after applying, want %d", len(got.Peers), len(cfg.Peers))
	}
	for i := range cfg.Peers {
		w, g := cfg.Peers[i], got.Peers[i]
		if g.PublicKey != w.PublicKey || len(g.AllowedIPs) != len(w.AllowedIPs) {
			t.Fatalf("peer %d: %d allowed IPs, want %d", i, len(g.AllowedIPs), len(w.AllowedIPs))
		}
		for j := range w.AllowedIPs {
			if g.AllowedIPs[j] != w.AllowedIPs[j] {
				t.Fatalf("peer %d ip %d: %v want %v", i, j, g.AllowedIPs[j], w.AllowedIPs[j])
			}
		}
	}
}

func TestEncodeConfigNeedsDevice(t *testing.T) {
	if _, err := EncodeConfig(&Config{}, 0); err == nil {
		t.Fatal("config without a device name accepted")
	}
}

func TestKeyText(t *testing.T) {
	k, err := ParseKey("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=")
	if err != nil || k.String() != "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=" {
		t.Fatalf("%v %v", k, err)
	}
	if _, err := ParseKey("c2hvcnQ="); err == nil {
		t.Fatal("short key accepted")
	}
}
