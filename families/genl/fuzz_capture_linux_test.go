package genl_test

import (
	"context"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/ethtool"
	"github.com/nlsh/nlsh/families/genl/netdev"
	"github.com/nlsh/nlsh/internal/testutil"
)

// TestCaptureFuzzSeeds rewrites the kernel replies the generic netlink
// fuzz targets start from (testdata/kernel-*.hex here and in ethtool and
// netdev). It runs only when asked:
//
//	NLSH_CAPTURE_FUZZ_SEEDS=1 go test -run TestCaptureFuzzSeeds ./families/genl
//
// as root, against a veth pair in a throwaway namespace.
func TestCaptureFuzzSeeds(t *testing.T) {
	if os.Getenv("NLSH_CAPTURE_FUZZ_SEEDS") == "" {
		t.Skip("set NLSH_CAPTURE_FUZZ_SEEDS=1 to capture new fuzz seeds from the kernel")
	}
	testutil.RequireCommand(t, "ip", "iproute2")
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "fz0", "type", "veth", "peer", "name", "fz1")
	ns.IP("link", "set", "fz0", "up")
	var got []byte
	c, err := genl.Dial(&socket.Config{NetNS: ns.Target, Trace: func(d socket.Direction, m codec.Message) {
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
	dev := ethtool.Device{Name: "fz0"}
	et, nd := ethtool.New(c), netdev.New(c)
	// Resolve the families first so their lookups stay out of the seeds.
	for _, f := range []string{"ethtool", "netdev"} {
		if _, err := c.Family(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []struct {
		file string
		call func() error
	}{
		{"testdata/kernel-families.hex", func() error { _, err := c.Families(ctx); return err }},
		{"testdata/kernel-policy.hex", func() error { _, err := c.Policy(ctx, "ethtool"); return err }},
		{"ethtool/testdata/kernel-features.hex", func() error { _, err := et.FeaturesVerbose(ctx, dev); return err }},
		{"ethtool/testdata/kernel-features-compact.hex", func() error { _, err := et.Features(ctx, dev); return err }},
		{"ethtool/testdata/kernel-linkmodes.hex", func() error { _, err := et.LinkModes(ctx, dev); return err }},
		{"ethtool/testdata/kernel-linkinfo.hex", func() error { _, err := et.LinkInfo(ctx, dev); return err }},
		{"ethtool/testdata/kernel-channels.hex", func() error { _, err := et.Channels(ctx, dev); return err }},
		{"ethtool/testdata/kernel-strset.hex", func() error { _, err := et.StringSet(ctx, dev, 2); return err }},
		{"netdev/testdata/kernel-devices.hex", func() error { _, err := nd.Devices(ctx); return err }},
	} {
		got = got[:0]
		if err := d.call(); err != nil {
			t.Logf("%s: %v (not captured)", d.file, err)
			continue
		}
		var out strings.Builder
		out.WriteString("# kernel replies from a throwaway namespace (families/genl TestCaptureFuzzSeeds), concatenated\n")
		h := hex.EncodeToString(got)
		for len(h) > 64 {
			out.WriteString(h[:64] + "\n")
			h = h[64:]
		}
		out.WriteString(h + "\n")
		if err := os.WriteFile(d.file, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
