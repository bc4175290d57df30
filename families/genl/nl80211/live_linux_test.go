package nl80211_test

import (
	"context"
	"errors"
	"fmt"
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
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestLiveHwsim runs in the VM lane, where mac80211_hwsim (radios=2) is
// loaded. It lists the radios in the initial namespace and compares them
// with /sys/class/ieee80211, then moves one radio into a throwaway
// namespace (the kernel moves it back when that namespace goes) and does
// everything else there: interfaces against `ip -j link`, type changes,
// interface create/delete and a station dump; then it moves the other
// radio there too, starts an access point on it and scans for that AP
// from the first radio. The two radios hear each other from any
// namespace: hwsim groups radios by the namespace they were made in, and
// both were made in the initial one at module load.
func TestLiveHwsim(t *testing.T) {
	kernel.Require(t, kernel.Root(), kernel.GenlFamily(nl80211.FamilyName), kernel.Module("mac80211_hwsim"))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
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
	moveWiphy := func(index uint32) {
		t.Helper()
		f, err := os.Open("/run/netns/" + ns.Name)
		if err != nil {
			t.Fatal(err)
		}
		err = host.SetWiphyNetns(ctx, index, int(f.Fd()))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	moveWiphy(w.Index)
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

	// An access point on the other radio, in the same namespace: type ap
	// while down, then up, then START_AP.
	apw := ws[0]
	moveWiphy(apw.Index)
	ifs, err = c.Interfaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var apIf nl80211.Interface
	for _, i := range ifs {
		if i.Wiphy == apw.Index {
			apIf = i
		}
	}
	if apIf.Ifindex == 0 || len(apIf.MAC) != 6 {
		t.Fatalf("no interface of wiphy %s (%d) after moving it: %+v", apw.Name, apw.Index, ifs)
	}
	if err := c.SetInterfaceType(ctx, apIf.Ifindex, "ap"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // leave the radio as it came, a station, down
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, _ = ns.TryIP("link", "set", apIf.Ifname, "down")
		if err := c.SetInterfaceType(ctx, apIf.Ifindex, "station"); err != nil {
			t.Errorf("set %s back to station: %v", apIf.Ifname, err)
		}
	})
	ns.IP("link", "set", apIf.Ifname, "up")
	ap := &nl80211.AccessPoint{SSID: "nlsh-test", Frequency: 2412, BeaconInterval: 50, DTIMPeriod: 1}
	if err := c.StartAP(ctx, apIf.Ifindex, ap); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Interface(ctx, apIf.Ifindex); err != nil || got.Iftype != "ap" || got.Frequency != 2412 || got.SSID != ap.SSID {
		t.Errorf("AP interface after StartAP: %+v, %v (want type ap on 2412 MHz, ssid %q)", got, err, ap.SSID)
	}
	if err := c.StartAP(ctx, apIf.Ifindex, ap); !errors.Is(err, unix.EALREADY) {
		t.Errorf("StartAP on a beaconing interface: %v, want EALREADY", err)
	}
	if err := c.StartAP(ctx, wl.Ifindex, ap); err == nil {
		t.Error("StartAP on a station interface succeeded")
	}

	// Passive scans of 2412 MHz from the station until the AP's beacon
	// is heard: each scan listens on the channel for about 110 ms, the AP
	// beacons every 51.2 ms, but the emulated CPU can be slow to schedule
	// either. At most 10 scans, 60 s.
	ns.IP("link", "set", wl.Ifname, "up")
	scanCtx, scanCancel := context.WithTimeout(ctx, 60*time.Second)
	defer scanCancel()
	var heard *nl80211.BSS
	var all int
	for try := 1; heard == nil; try++ {
		if try > 10 {
			t.Fatalf("10 scans on 2412 MHz did not find %q (%d results in the last)", ap.SSID, all)
		}
		res, err := c.Scan(scanCtx, wl.Ifindex, &nl80211.ScanRequest{Frequencies: []uint32{2412}})
		if err != nil {
			t.Fatalf("scan %d: %v", try, err)
		}
		all = len(res)
		for i, b := range res {
			if len(b.BSSID) != 6 || b.Frequency == 0 {
				t.Errorf("scan result decoded badly: %+v", b)
			}
			if b.SSID == ap.SSID {
				heard = &res[i]
			}
		}
		t.Logf("scan %d on %s: %d results", try, wl.Ifname, len(res))
	}
	b := heard
	signal := "none"
	if b.SignalMBm != nil {
		signal = fmt.Sprintf("%d mBm", *b.SignalMBm)
	}
	t.Logf("%s found the AP of %s (%s, %s): ssid %q bssid %s frequency %d (channel %d) beacon_interval %d capability %#04x signal %s tsf %d seen %d ms ago",
		wl.Ifname, apIf.Ifname, apw.Name, apIf.MAC, b.SSID, b.BSSID, b.Frequency, b.Channel, b.BeaconInterval, b.Capability, signal, b.TSF, b.SeenMsAgo)
	if b.Frequency != 2412 || b.Channel != 1 || b.BSSID.String() != apIf.MAC.String() ||
		b.BeaconInterval != ap.BeaconInterval || b.Capability&1 == 0 {
		t.Errorf("BSS %+v, want frequency 2412 (channel 1), bssid %s, beacon interval %d, ESS", b, apIf.MAC, ap.BeaconInterval)
	}
	if b.SignalMBm == nil || *b.SignalMBm >= 0 || *b.SignalMBm < -10000 {
		t.Errorf("BSS signal %s, want a negative mBm value (hwsim reports dBm)", signal)
	}

	if err := c.StopAP(ctx, apIf.Ifindex); err != nil {
		t.Errorf("StopAP: %v", err)
	}
	if err := c.StopAP(ctx, apIf.Ifindex); !errors.Is(err, unix.ENOENT) {
		t.Errorf("StopAP on a stopped AP: %v, want ENOENT", err)
	}

	sta, err := c.Stations(ctx, wl.Ifindex)
	if err != nil {
		t.Fatal(err)
	}
	if len(sta) != 0 {
		t.Errorf("an unassociated station has stations: %+v", sta)
	}
}
