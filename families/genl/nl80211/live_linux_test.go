package nl80211_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/families/genl/nl80211"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestLiveHwsim runs in the VM lane, where mac80211_hwsim (radios=2) is
// loaded. It lists the radios in the initial namespace and compares them
// with /sys/class/ieee80211, then moves one radio into a throwaway
// namespace (the kernel moves it back when that namespace goes) and does
// everything else there: interfaces against `ip -j link`, type changes,
// interface create/delete, a scan and a station dump.
func TestLiveHwsim(t *testing.T) {
	kernel.Require(t, kernel.Root(), kernel.GenlFamily(nl80211.FamilyName), kernel.Module("mac80211_hwsim"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	hostConn, err := genl.Dial(&socket.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer hostConn.Close()
	host := nl80211.New(hostConn)
	ws, err := host.Wiphys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range ws {
		names = append(names, w.Name)
	}
	ents, err := os.ReadDir("/sys/class/ieee80211")
	if err != nil {
		t.Fatal(err)
	}
	var sys []string
	for _, e := range ents {
		sys = append(sys, e.Name())
	}
	slices.Sort(names)
	slices.Sort(sys)
	if !slices.Equal(names, sys) || len(names) < 2 {
		t.Fatalf("wiphys %v, /sys/class/ieee80211 has %v (want the same, at least 2 hwsim radios)", names, sys)
	}
	w := ws[len(ws)-1]
	if len(w.Bands) == 0 || len(w.Bands[0].Frequencies) == 0 || w.Bands[0].Frequencies[0].Channel == 0 ||
		!slices.Contains(w.SupportedIftypes, "station") || !slices.Contains(w.SupportedIftypes, "monitor") {
		t.Fatalf("wiphy %s incomplete after merging the split dump: %+v", w.Name, w)
	}

	ns := testutil.NewNetNS(t)
	f, err := os.Open("/run/netns/" + ns.Name)
	if err != nil {
		t.Fatal(err)
	}
	err = host.SetWiphyNetns(ctx, w.Index, int(f.Fd()))
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := nl80211.New(gtest.Dial(t, ns))

	// Interfaces: exactly the moved radio's, matching ip link.
	ifs, err := c.Interfaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var links []struct {
		Ifindex uint32 `json:"ifindex"`
		Ifname  string `json:"ifname"`
		Address string `json:"address"`
	}
	ns.IPJSON(&links, "link", "show")
	if len(ifs) != 1 || ifs[0].Wiphy != w.Index || ifs[0].Iftype != "station" {
		t.Fatalf("interfaces in the namespace: %+v", ifs)
	}
	wl := ifs[0]
	found := false
	for _, l := range links {
		found = found || (l.Ifindex == wl.Ifindex && l.Ifname == wl.Ifname && l.Address == wl.MAC.String())
	}
	if !found {
		t.Fatalf("interface %+v not in ip link %+v", wl, links)
	}

	// Type changes while down: station -> monitor -> station.
	for _, typ := range []string{"monitor", "station"} {
		if err := c.SetInterfaceType(ctx, wl.Ifindex, typ); err != nil {
			t.Fatal(err)
		}
		got, err := c.Interface(ctx, wl.Ifindex)
		if err != nil || got.Iftype != typ {
			t.Fatalf("after set type %s: %+v, %v", typ, got, err)
		}
	}

	// Create and delete a monitor interface.
	mon, err := c.CreateInterface(ctx, &nl80211.NewInterface{Wiphy: w.Index, Ifname: "nlmon0", Iftype: "monitor"})
	if err != nil {
		t.Fatal(err)
	}
	if mon.Ifname != "nlmon0" || mon.Iftype != "monitor" || mon.Ifindex == 0 {
		t.Fatalf("created %+v", mon)
	}
	if _, err := ns.TryIP("link", "show", "nlmon0"); err != nil {
		t.Fatalf("ip link does not see nlmon0: %v", err)
	}
	if err := c.DeleteInterface(ctx, mon.Ifindex); err != nil {
		t.Fatal(err)
	}
	if _, err := ns.TryIP("link", "show", "nlmon0"); err == nil {
		t.Fatal("nlmon0 still there after delete")
	}

	// Scan: must complete (NEW_SCAN_RESULTS) and decode; results may be
	// empty, since no hwsim radio is an AP.
	ns.IP("link", "set", wl.Ifname, "up")
	res, err := c.Scan(ctx, wl.Ifindex, &nl80211.ScanRequest{SSIDs: []string{""}})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range res {
		if len(b.BSSID) != 6 || b.Frequency == 0 {
			t.Errorf("scan result decoded badly: %+v", b)
		}
	}
	t.Logf("scan on %s: %d results", wl.Ifname, len(res))

	sta, err := c.Stations(ctx, wl.Ifindex)
	if err != nil {
		t.Fatal(err)
	}
	if len(sta) != 0 {
		t.Errorf("an unassociated station has stations: %+v", sta)
	}
}
