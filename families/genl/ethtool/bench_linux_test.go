package ethtool_test

import (
	"context"
	"testing"

	"github.com/nlsh/nlsh/families/genl/ethtool"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/internal/testutil"
)

// BenchmarkResolveAndLinkModes resolves the ethtool family on a fresh
// client and reads link modes of a veth: what a one-shot script does.
func BenchmarkResolveAndLinkModes(b *testing.B) {
	ns := testutil.NewNetNS(b)
	ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v1")
	g := gtest.Dial(b, ns)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		g.Forget("")
		c := ethtool.New(g)
		if _, err := c.LinkModes(ctx, ethtool.Device{Name: "v0"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChannelsCached reads channels with the family already resolved.
func BenchmarkChannelsCached(b *testing.B) {
	ns := testutil.NewNetNS(b)
	ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v1")
	c := ethtool.New(gtest.Dial(b, ns))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Channels(ctx, ethtool.Device{Name: "v0"}); err != nil {
			b.Fatal(err)
		}
	}
}
