package netdev_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/families/genl/netdev"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestLiveDevices(t *testing.T) {
	kernel.Require(t, kernel.Root(), kernel.GenlFamily(netdev.FamilyName).Since(6, 3))
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "nd0", "type", "veth", "peer", "name", "nd1")
	c := netdev.New(gtest.Dial(t, ns))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	devs, err := c.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var links []struct {
		Ifindex uint32 `json:"ifindex"`
		Ifname  string `json:"ifname"`
	}
	ns.IPJSON(&links, "link", "show")
	var want, got []uint32
	var veth uint32
	for _, l := range links {
		want = append(want, l.Ifindex)
		if l.Ifname == "nd0" {
			veth = l.Ifindex
		}
	}
	for _, d := range devs {
		got = append(got, d.Ifindex)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("netdev ifindexes %v, ip link %v", got, want)
	}
	d, err := c.Device(ctx, veth)
	if err != nil {
		t.Fatal(err)
	}
	// veth implements XDP (native and redirect target).
	if !slices.Contains(d.XDPFeatures, "basic") || !slices.Contains(d.XDPFeatures, "redirect") || d.XDPRxMetadataFeatures == nil {
		t.Fatalf("veth %+v: want basic and redirect XDP features", d)
	}
	if _, err := c.Device(ctx, 999999); !errors.Is(err, unix.ENODEV) {
		t.Fatalf("missing device: %v, want ENODEV", err)
	}
}
