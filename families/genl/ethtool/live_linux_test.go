package ethtool_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/genl/ethtool"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testutil.Main(m) }

type env struct {
	ns *testutil.NS
	c  *ethtool.Client
}

func setup(t *testing.T) env {
	testutil.RequireCommand(t, "ethtool", "ethtool")
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v1")
	ns.IP("link", "add", "br0", "type", "bridge")
	return env{ns, ethtool.New(gtest.Dial(t, ns))}
}

func (e env) ethtool(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	out, err := e.ns.Exec("ethtool", args...)
	if err != nil {
		if strings.Contains(err.Error(), "Operation not supported") {
			return "", false
		}
		t.Fatalf("ethtool %v: %v", args, err)
	}
	return out, true
}

var reFeature = regexp.MustCompile(`^\s*([a-z0-9-]+): (on|off)( \[fixed\]| \[requested (on|off)\])?$`)

// checkFeatures compares every feature line of `ethtool -k` that uses a
// kernel feature name with what nlsh reads.
func checkFeatures(t *testing.T, e env, dev string) map[string]string {
	out, _ := e.ethtool(t, "-k", dev)
	f, err := e.c.Features(context.Background(), ethtool.Device{Name: dev})
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, n := range f.Names {
		known[n] = true
	}
	if len(known) < 30 {
		t.Fatalf("only %d feature names", len(known))
	}
	seen := map[string]string{}
	compared := 0
	for _, line := range strings.Split(out, "\n") {
		m := reFeature.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		seen[m[1]] = m[2]
		if !known[m[1]] {
			continue // a legacy group name such as rx-checksumming
		}
		compared++
		g := f.Feature(m[1])
		if g.On != (m[2] == "on") || g.Fixed != (m[3] == " [fixed]") {
			t.Errorf("%s %s: nlsh on=%v fixed=%v; ethtool %q", dev, m[1], g.On, g.Fixed, strings.TrimSpace(line))
		}
	}
	if compared < 20 {
		t.Fatalf("%s: compared only %d features with ethtool -k:\n%s", dev, compared, out)
	}
	// The verbose form reads the same.
	v, err := e.c.FeaturesVerbose(context.Background(), ethtool.Device{Name: dev})
	if err != nil {
		t.Fatal(err)
	}
	for _, ft := range f.List() {
		if g := v.Feature(ft.Name); g != ft {
			t.Errorf("%s %s: compact %+v, verbose %+v", dev, ft.Name, ft, g)
		}
	}
	return seen
}

func TestFeaturesMatchAndToggle(t *testing.T) {
	e := setup(t)
	before := checkFeatures(t, e, "v0")
	checkFeatures(t, e, "br0")
	if before["generic-receive-offload"] != "off" || before["tx-scatter-gather-fraglist"] != "on" {
		t.Skipf("veth defaults differ from this test's assumption: %v", before)
	}
	err := e.c.SetFeatures(context.Background(), ethtool.Device{Name: "v0"},
		map[string]bool{"rx-gro": true, "tx-scatter-gather-fraglist": false})
	if err != nil {
		t.Fatal(err)
	}
	after := checkFeatures(t, e, "v0")
	if after["generic-receive-offload"] != "on" || after["tx-scatter-gather-fraglist"] != "off" {
		t.Fatalf("ethtool -k after toggling: gro %s, fraglist %s", after["generic-receive-offload"], after["tx-scatter-gather-fraglist"])
	}
	// A fixed feature cannot be turned on.
	if err := e.c.SetFeatures(context.Background(), ethtool.Device{Name: "v0"}, map[string]bool{"tx-checksum-fcoe-crc": true}); err == nil {
		t.Fatal("turning on a fixed feature reported success")
	}
}

// field returns the value after "key:" in ethtool's output, trimmed.
func field(out, key string) string {
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && k == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func num(p *uint32) string {
	if p == nil {
		return "n/a"
	}
	return strconv.FormatUint(uint64(*p), 10)
}

func TestChannels(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	out, ok := e.ethtool(t, "-l", "v0")
	ch, err := e.c.Channels(ctx, ethtool.Device{Name: "v0"})
	if !ok {
		if !errors.Is(err, unix.EOPNOTSUPP) {
			t.Fatalf("ethtool -l unsupported, nlsh: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	max, cur, _ := strings.Cut(out, "Current hardware settings:")
	for _, c := range []struct {
		key      string
		max, cur *uint32
	}{{"RX", ch.RxMax, ch.RxCount}, {"TX", ch.TxMax, ch.TxCount}, {"Other", ch.OtherMax, ch.OtherCount}, {"Combined", ch.CombinedMax, ch.CombinedCount}} {
		if w := field(max, c.key); w != num(c.max) {
			t.Errorf("%s max: nlsh %s, ethtool %s", c.key, num(c.max), w)
		}
		if w := field(cur, c.key); w != num(c.cur) {
			t.Errorf("%s current: nlsh %s, ethtool %s", c.key, num(c.cur), w)
		}
	}
	// Change the rx count through nlsh; ethtool sees it.
	if ch.RxMax != nil && *ch.RxMax >= 2 {
		two := uint32(2)
		if err := e.c.SetChannels(ctx, ethtool.Device{Name: "v0"}, &ethtool.Channels{RxCount: &two}); err != nil {
			t.Fatal(err)
		}
		out, _ = e.ethtool(t, "-l", "v0")
		_, cur, _ = strings.Cut(out, "Current hardware settings:")
		if field(cur, "RX") != "2" {
			t.Fatalf("ethtool -l after set rx 2:\n%s", out)
		}
	}
	// A bridge has no channels: EOPNOTSUPP, as ethtool reports.
	_, ok = e.ethtool(t, "-l", "br0")
	if _, err := e.c.Channels(ctx, ethtool.Device{Name: "br0"}); ok || !errors.Is(err, unix.EOPNOTSUPP) {
		t.Fatalf("br0 channels: ethtool supported=%v, nlsh err %v", ok, err)
	}
}

func TestLinkSettings(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	for _, dev := range []string{"v0", "br0"} {
		out, _ := e.ethtool(t, dev)
		d := ethtool.Device{Name: dev}
		lm, err := e.c.LinkModes(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		speed := "Unknown!"
		if lm.Speed != nil && *lm.Speed != 0xffffffff {
			speed = strconv.Itoa(int(*lm.Speed)) + "Mb/s"
		}
		if w := field(out, "Speed"); w != speed {
			t.Errorf("%s speed: nlsh %s, ethtool %s", dev, speed, w)
		}
		duplex := map[uint8]string{0: "Half", 1: "Full", 0xff: "Unknown! (255)"}[*lm.Duplex]
		if w := field(out, "Duplex"); w != duplex {
			t.Errorf("%s duplex: nlsh %s, ethtool %s", dev, duplex, w)
		}
		if w := field(out, "Auto-negotiation"); w != map[bool]string{true: "on", false: "off"}[*lm.Autoneg] {
			t.Errorf("%s autoneg: nlsh %v, ethtool %s", dev, *lm.Autoneg, w)
		}
		li, err := e.c.LinkInfo(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if w := field(out, "PHYAD"); li.PhyAddr == nil || w != strconv.Itoa(int(*li.PhyAddr)) {
			t.Errorf("%s phyad: nlsh %v, ethtool %s", dev, li.PhyAddr, w)
		}
		if w := field(out, "Transceiver"); li.Transceiver == nil || w != map[uint8]string{0: "internal", 1: "external"}[*li.Transceiver] {
			t.Errorf("%s transceiver: nlsh %v, ethtool %s", dev, li.Transceiver, w)
		}
		if li.Header.Ifname != dev || li.Header.Ifindex == 0 {
			t.Errorf("reply header %+v", li.Header)
		}
		ls, err := e.c.LinkState(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if w := field(out, "Link detected"); ls.Link == nil || w != map[bool]string{true: "yes", false: "no"}[*ls.Link] {
			t.Errorf("%s link: nlsh %v, ethtool %s", dev, ls.Link, w)
		}
	}
}

// Rings, coalescing and pause: nlsh reports exactly what ethtool can
// read, and EOPNOTSUPP where ethtool gets "Operation not supported".
func TestOptionalSettingsSupportMatches(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	for _, dev := range []string{"v0", "br0"} {
		d := ethtool.Device{Name: dev}
		for _, c := range []struct {
			opt string
			get func() error
		}{
			{"-g", func() error { _, err := e.c.Rings(ctx, d); return err }},
			{"-c", func() error { _, err := e.c.Coalesce(ctx, d); return err }},
			{"-a", func() error { _, err := e.c.Pause(ctx, d, true); return err }},
		} {
			_, ok := e.ethtool(t, c.opt, dev)
			err := c.get()
			if ok != (err == nil) || !ok && !errors.Is(err, unix.EOPNOTSUPP) {
				t.Errorf("%s %s: ethtool supported=%v, nlsh err %v", dev, c.opt, ok, err)
			}
		}
	}
}
