package nl80211_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/hwsim"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/families/genl/nl80211"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// ownRadio makes a mac80211_hwsim radio called name for this test alone
// through clients[0], and deletes it when the test ends, also when it
// fails: through the first of clients whose namespace holds it by then
// (DEL_RADIO only finds radios in the caller's namespace, and the test
// moves them).
func ownRadio(ctx context.Context, t *testing.T, name string, clients ...*hwsim.Client) uint32 {
	t.Helper()
	id, err := clients[0].NewRadio(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var errs []error
		for _, c := range clients {
			err := c.DelRadio(ctx, id)
			if err == nil {
				return
			}
			errs = append(errs, err)
			if !errors.Is(err, unix.ENODEV) {
				break
			}
		}
		t.Errorf("radio %s (hwsim %d) left behind: %v", name, id, errors.Join(errs...))
	})
	return id
}

// TestLiveHwsim runs in the VM lane, where mac80211_hwsim is loaded. It
// makes two radios of its own through the MAC80211_HWSIM family (another
// test binary may use hwsim at the same time: the radios the module made
// at load belong to no test), finds them in the initial namespace's wiphy
// dump and in /sys/class/ieee80211, then moves one into a throwaway
// namespace and does everything else there: interfaces against `ip -j
// link`, type changes, interface create/delete and a station dump; then
// it moves the other radio there too, starts an access point on it and
// scans for that AP from the first radio. The two radios hear each other
// from any namespace: hwsim groups radios by the namespace they were made
// in, and both were made in the initial one. Both are deleted when the
// test ends, also when it fails.
func TestLiveHwsim(t *testing.T) {
	kernel.Require(t, kernel.Root(), kernel.GenlFamily(nl80211.FamilyName), kernel.GenlFamily(hwsim.FamilyName), kernel.Module("mac80211_hwsim"))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()

	hostConn, err := genl.Dial(&socket.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hostConn.Close() }) // after the radios' cleanups
	host := nl80211.New(hostConn)
	ns := testutil.NewNetNS(t)
	nsConn := gtest.Dial(t, ns)
	c := nl80211.New(nsConn)

	// This test's radios, named after the process so that no other test
	// (nor a second lane's) picks the same.
	staName := fmt.Sprintf("nlsh%d-sta", os.Getpid())
	apName := fmt.Sprintf("nlsh%d-ap", os.Getpid())
	hwHost, hwNS := hwsim.New(hostConn), hwsim.New(nsConn)
	staID := ownRadio(ctx, t, staName, hwHost, hwNS)
	apID := ownRadio(ctx, t, apName, hwHost, hwNS)

	ws, err := host.Wiphys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]nl80211.Wiphy{}
	for _, w := range ws {
		names = append(names, w.Name)
		byName[w.Name] = w
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
	// Other tests' radios come and go meanwhile: only this test's are
	// sure to be in both lists.
	for _, n := range []string{staName, apName} {
		if !slices.Contains(names, n) || !slices.Contains(sys, n) {
			t.Fatalf("wiphys %v, /sys/class/ieee80211 has %v (want this test's radios %s and %s in both)", names, sys, staName, apName)
		}
	}
	// sysfs agrees on each radio's wiphy index, and its permanent
	// address is the one hwsim derives from the radio id NewRadio gave.
	for _, r := range []struct {
		name string
		id   uint32
	}{{staName, staID}, {apName, apID}} {
		index, err := os.ReadFile("/sys/class/ieee80211/" + r.name + "/index")
		if err != nil {
			t.Fatal(err)
		}
		mac, err := os.ReadFile("/sys/class/ieee80211/" + r.name + "/macaddress")
		if err != nil {
			t.Fatal(err)
		}
		wantMAC := fmt.Sprintf("02:00:00:%02x:%02x:00", r.id>>8&0xff, r.id&0xff)
		if got := strings.TrimSpace(string(index)); got != fmt.Sprint(byName[r.name].Index) || strings.TrimSpace(string(mac)) != wantMAC {
			t.Fatalf("sysfs %s: index %s macaddress %s, want %d and %s (hwsim radio %d)", r.name, got, strings.TrimSpace(string(mac)), byName[r.name].Index, wantMAC, r.id)
		}
	}
	w := byName[staName]
	apw := byName[apName]
	t.Logf("radios %s (hwsim %d, wiphy %d) and %s (hwsim %d, wiphy %d)", staName, staID, w.Index, apName, apID, apw.Index)
	if len(w.Bands) == 0 || len(w.Bands[0].Frequencies) == 0 || w.Bands[0].Frequencies[0].Channel == 0 ||
		!slices.Contains(w.SupportedIftypes, "station") || !slices.Contains(w.SupportedIftypes, "monitor") {
		t.Fatalf("wiphy %s incomplete after merging the split dump: %+v", w.Name, w)
	}

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

	// The namespace holds the moved radio and nothing else.
	nsWiphys, err := c.Wiphys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(nsWiphys) != 1 || nsWiphys[0].Name != staName || nsWiphys[0].Index != w.Index {
		t.Fatalf("wiphys in the namespace: %+v, want only %s (%d)", nsWiphys, staName, w.Index)
	}

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
	t.Cleanup(func() { // back to a station, down, before the radio goes
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
