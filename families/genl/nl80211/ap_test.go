package nl80211

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// unhex decodes the hex bytes that begin each line of s ("80 00  frame
// control"): the leading two-digit tokens, up to the line's comment.
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	var b []byte
	for _, line := range strings.Split(s, "\n") {
		for _, tok := range strings.Fields(line) {
			v, err := hex.DecodeString(tok)
			if err != nil || len(v) != 1 {
				break
			}
			b = append(b, v[0])
		}
	}
	return b
}

var testBSSID = MAC{0x02, 0x00, 0x00, 0x00, 0x01, 0x00}

// The expected frames are written by hand from IEEE Std 802.11-2020
// 9.3.3.2 (beacon body), 9.4.1.4 (capability), 9.4.2.2 (SSID), 9.4.2.3
// (Supported Rates), 9.4.2.4 (DS Parameter Set) and 9.4.2.12 (Extended
// Supported Rates); they have the layout hostapd logs as "nl80211: Beacon
// head" for an open 2.4 GHz AP, rates included.
func TestBeacon24GHz(t *testing.T) {
	ap := &AccessPoint{SSID: "nlsh-test", Frequency: 2412, BeaconInterval: 50, DTIMPeriod: 1}
	head, tail, err := ap.Beacon(testBSSID)
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, `
		80 00                   frame control: version 0, type management, subtype beacon (8)
		00 00                   duration
		ff ff ff ff ff ff       DA: broadcast
		02 00 00 00 01 00       SA: the AP's address
		02 00 00 00 01 00       BSSID: the same
		00 00                   sequence control (mac80211 numbers the frames)
		00 00 00 00 00 00 00 00 timestamp (the driver writes the TSF)
		32 00                   beacon interval: 50 TU, little-endian
		01 00                   capability: ESS only (no privacy, no IBSS)
		00 09 6e 6c 73 68 2d 74 65 73 74   SSID element: "nlsh-test"
		01 08 82 84 8b 96 0c 12 18 24      Supported Rates: 1 2 5.5 11 (basic) 6 9 12 18 Mbit/s
		03 01 01                DS Parameter Set: channel 1
	`)
	if !bytes.Equal(head, want) {
		t.Errorf("head\n got %x\nwant %x", head, want)
	}
	wantTail := unhex(t, `32 04 30 48 60 6c   Extended Supported Rates: 24 36 48 54 Mbit/s`)
	if !bytes.Equal(tail, wantTail) {
		t.Errorf("tail\n got %x\nwant %x", tail, wantTail)
	}
	// What a scan decodes from these elements.
	if ssid, err := SSIDFromIEs(append(head[beaconFixed:], tail...)); err != nil || ssid != "nlsh-test" {
		t.Errorf("SSID from the beacon's elements: %q, %v", ssid, err)
	}
}

func TestBeacon5GHzAndDefaults(t *testing.T) {
	ap := &AccessPoint{SSID: strings.Repeat("x", MaxSSIDLen), Frequency: 5180}
	head, tail, err := ap.Beacon(testBSSID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tail) != 0 {
		t.Errorf("5 GHz tail %x, want none: 8 rates fit the Supported Rates element", tail)
	}
	if got := head[32:34]; !bytes.Equal(got, []byte{100, 0}) {
		t.Errorf("default beacon interval bytes %x, want 100 TU", got)
	}
	els := head[beaconFixed+2+MaxSSIDLen:]
	want := unhex(t, `
		01 08 8c 12 98 24 b0 48 60 6c   Supported Rates: 6 (basic) 9 12 (basic) 18 24 (basic) 36 48 54 Mbit/s
		03 01 24                        DS Parameter Set: channel 36
	`)
	if !bytes.Equal(els, want) {
		t.Errorf("elements after the SSID\n got %x\nwant %x", els, want)
	}
}

func TestAccessPointRejected(t *testing.T) {
	for _, c := range []struct {
		ap   *AccessPoint
		want string
	}{
		{nil, "no settings"},
		{&AccessPoint{Frequency: 2412}, "ssid \"\" is 0 bytes, want 1 to 32"},
		{&AccessPoint{SSID: strings.Repeat("y", 33), Frequency: 2412}, "is 33 bytes, want 1 to 32"},
		{&AccessPoint{SSID: "a"}, "no frequency"},
		{&AccessPoint{SSID: "a", Frequency: 2400}, "frequency 2400 MHz is not a 2.4 or 5 GHz channel"},
		{&AccessPoint{SSID: "a", Frequency: 5955}, "frequency 5955 MHz is not a 2.4 or 5 GHz channel"},
		{&AccessPoint{SSID: "a", Frequency: 2412, BeaconInterval: 9}, "beacon interval 9 TU out of range 10 to 10000"},
		{&AccessPoint{SSID: "a", Frequency: 2412, BeaconInterval: 10001}, "beacon interval 10001 TU out of range 10 to 10000"},
	} {
		_, _, err := c.ap.Beacon(testBSSID)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error with %q", c.ap, err, c.want)
		}
		if _, err2 := EncodeStartAP(3, testBSSID, c.ap); err2 == nil || err2.Error() != err.Error() {
			t.Errorf("EncodeStartAP(%+v): %v, want %v", c.ap, err2, err)
		}
	}
	if _, _, err := (&AccessPoint{SSID: "a", Frequency: 2412}).Beacon(MAC{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "not a 6-byte MAC") {
		t.Errorf("short bssid: %v", err)
	}
}

// TestEncodeStartAP checks the request attribute by attribute (each one
// length, type, value, padded to 4 bytes; u32s little-endian) and that
// the family schema names every attribute and re-encodes them unchanged.
func TestEncodeStartAP(t *testing.T) {
	ap := &AccessPoint{SSID: "nlsh-test", Frequency: 2412, BeaconInterval: 50, DTIMPeriod: 1}
	got, err := EncodeStartAP(5, testBSSID, ap)
	if err != nil {
		t.Fatal(err)
	}
	head, tail, _ := ap.Beacon(testBSSID)
	var want []byte
	want = append(want, unhex(t, `08 00 03 00  05 00 00 00   NL80211_ATTR_IFINDEX (3): 5`)...)
	// NL80211_ATTR_BEACON_HEAD (14): 36 + 11 + 10 + 3 = 60 bytes, 64 with
	// the header, no padding.
	want = append(want, unhex(t, `40 00 0e 00`)...)
	want = append(want, head...)
	// NL80211_ATTR_BEACON_TAIL (15): 6 bytes, 10 with the header, 2 of
	// padding.
	want = append(want, unhex(t, `0a 00 0f 00`)...)
	want = append(want, tail...)
	want = append(want, 0, 0)
	want = append(want, unhex(t, `
		08 00 0c 00  32 00 00 00              NL80211_ATTR_BEACON_INTERVAL (12): 50
		08 00 0d 00  01 00 00 00              NL80211_ATTR_DTIM_PERIOD (13): 1
		0d 00 34 00  6e 6c 73 68 2d 74 65 73 74 00 00 00   NL80211_ATTR_SSID (52): "nlsh-test", 3 bytes of padding
		08 00 7e 00  00 00 00 00              NL80211_ATTR_HIDDEN_SSID (126): NL80211_HIDDEN_SSID_NOT_IN_USE
		08 00 35 00  00 00 00 00              NL80211_ATTR_AUTH_TYPE (53): NL80211_AUTHTYPE_OPEN_SYSTEM
		08 00 26 00  6c 09 00 00              NL80211_ATTR_WIPHY_FREQ (38): 2412
		08 00 9f 00  00 00 00 00              NL80211_ATTR_CHANNEL_WIDTH (159): NL80211_CHAN_WIDTH_20_NOHT
		08 00 a0 00  6c 09 00 00              NL80211_ATTR_CENTER_FREQ1 (160): 2412
	`)...)
	if !bytes.Equal(got, want) {
		t.Fatalf("START_AP attributes\n got %x\nwant %x", got, want)
	}
	tree := schemaRoundTrip(t, "start_ap", got)
	s := tree.String()
	for _, w := range []string{"hidden_ssid=not_in_use", "auth_type=open_system", "channel_width=20_noht", "dtim_period=1"} {
		if !strings.Contains(s, w) {
			t.Errorf("schema tree lacks %s: %s", w, s)
		}
	}
}

func TestStartStopAP(t *testing.T) {
	var cmds []uint8
	var startAttrs []byte
	iftype := "ap"
	f := newKernelFake(t, func(cmd uint8, attrs []byte) ([]codec.Message, error) {
		cmds = append(cmds, cmd)
		switch cmd {
		case CmdGetInterface:
			return []codec.Message{msg(t, CmdNewInterface, map[string]any{
				"ifindex": 5, "ifname": "wlan1", "iftype": iftype, "wiphy": 1, "mac": testBSSID.String()})}, nil
		case CmdStartAP:
			startAttrs = attrs
		}
		return nil, nil
	})
	c := New(genl.New(f))
	ctx := context.Background()
	ap := &AccessPoint{SSID: "nlsh-test", Frequency: 2412, BeaconInterval: 50, DTIMPeriod: 1}
	if err := c.StartAP(ctx, 5, ap); err != nil {
		t.Fatal(err)
	}
	want, _ := EncodeStartAP(5, testBSSID, ap)
	if len(cmds) != 2 || cmds[0] != CmdGetInterface || cmds[1] != CmdStartAP || !bytes.Equal(startAttrs, want) {
		t.Fatalf("commands %v, START_AP attributes %x, want GET_INTERFACE, START_AP %x", cmds, startAttrs, want)
	}
	cmds = nil
	if err := c.StopAP(ctx, 5); err != nil || len(cmds) != 1 || cmds[0] != CmdStopAP {
		t.Fatalf("StopAP: %v, commands %v", err, cmds)
	}

	// A station interface is refused before START_AP, saying why.
	cmds, iftype = nil, "station"
	err := c.StartAP(ctx, 5, ap)
	if err == nil || !strings.Contains(err.Error(), "wlan1 (interface 5): its type is station, not ap") || len(cmds) != 1 {
		t.Fatalf("StartAP on a station: %v, commands %v", err, cmds)
	}
	// Bad settings are refused before anything is sent.
	cmds = nil
	if err := c.StartAP(ctx, 5, &AccessPoint{SSID: "a", Frequency: 2412, BeaconInterval: 5}); err == nil || len(cmds) != 0 {
		t.Fatalf("bad interval: %v, commands %v", err, cmds)
	}
}
