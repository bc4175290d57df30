package nl80211

import (
	"context"
	"errors"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
)

const fakeID = 0x1d

// kernelFake answers the controller for nl80211 (family 0x1d, group
// "scan" = 0x21) and hands nl80211 requests to fn; Receive plays events.
type kernelFake struct {
	gtest.Fake
	events [][]codec.Message
}

func (f *kernelFake) Receive(ctx context.Context) ([]codec.Message, error) {
	if len(f.events) == 0 {
		return nil, context.DeadlineExceeded
	}
	ms := f.events[0]
	f.events = f.events[1:]
	return ms, nil
}

func newKernelFake(t *testing.T, fn func(cmd uint8, attrs []byte) ([]codec.Message, error)) *kernelFake {
	f := &kernelFake{}
	f.Handle = func(m codec.Message) ([]codec.Message, error) {
		gm, err := genl.ParseMessage(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.Type == genl.IDCtrl {
			attrs, err := genl.CtrlSchema().Attrs.EncodeMap(map[string]any{
				"family_id": fakeID, "family_name": FamilyName, "version": 1,
				"mcast_groups": []any{map[string]any{"name": "scan", "id": 0x21}},
			})
			if err != nil {
				t.Fatal(err)
			}
			return []codec.Message{genl.NetlinkMessage(genl.IDCtrl, 0, genl.Message{Command: 1, Version: 2, Attrs: attrs})}, nil
		}
		return fn(gm.Command, gm.Attrs)
	}
	return f
}

func msg(t *testing.T, cmd uint8, m map[string]any) codec.Message {
	t.Helper()
	attrs, err := Schema().Attrs.EncodeMap(m)
	if err != nil {
		t.Fatal(err)
	}
	return genl.NetlinkMessage(fakeID, codec.Multi, genl.Message{Command: cmd, Version: 1, Attrs: attrs})
}

func TestWiphysMergesSplitParts(t *testing.T) {
	var split bool
	f := newKernelFake(t, func(cmd uint8, attrs []byte) ([]codec.Message, error) {
		tr, _ := Schema().Attrs.Decode(attrs)
		_, split = tr.Get("split_wiphy_dump")
		band := func(mhz ...int) []any {
			var fs []any
			for _, m := range mhz {
				fs = append(fs, map[string]any{"freq": m})
			}
			return []any{map[string]any{"frequencies": fs}}
		}
		return []codec.Message{
			msg(t, CmdNewWiphy, map[string]any{"wiphy": 0, "wiphy_name": "phy0", "supported_iftypes": map[string]any{"station": true, "monitor": true}}),
			msg(t, CmdNewWiphy, map[string]any{"wiphy": 1, "wiphy_name": "phy1"}),
			msg(t, CmdNewWiphy, map[string]any{"wiphy": 0, "wiphy_name": "phy0", "wiphy_bands": band(2412, 2417)}),
			msg(t, CmdNewWiphy, map[string]any{"wiphy": 0, "wiphy_name": "phy0", "wiphy_bands": band(2484)}),
		}, nil
	})
	ws, err := New(genl.New(f)).Wiphys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !split {
		t.Error("dump request without NL80211_ATTR_SPLIT_WIPHY_DUMP")
	}
	if len(ws) != 2 || ws[0].Name != "phy0" || ws[1].Name != "phy1" {
		t.Fatalf("wiphys %+v", ws)
	}
	w := ws[0]
	if len(w.Bands) != 1 || w.Bands[0].Band != "2ghz" || len(w.Bands[0].Frequencies) != 3 ||
		w.Bands[0].Frequencies[2].Channel != 14 || len(w.SupportedIftypes) != 2 || w.SupportedIftypes[1] != "monitor" {
		t.Fatalf("phy0 merged wrongly: %+v", w)
	}
}

func TestScanWaitsForItsInterface(t *testing.T) {
	var cmds []uint8
	f := newKernelFake(t, func(cmd uint8, attrs []byte) ([]codec.Message, error) {
		cmds = append(cmds, cmd)
		if cmd == CmdGetScan {
			return []codec.Message{msg(t, CmdNewScanResults, map[string]any{"ifindex": 3, "bss": map[string]any{
				"bssid": "02:00:00:00:01:00", "frequency": 2412, "ies": []byte("\x00\x04abcd")}})}, nil
		}
		return nil, nil
	})
	f.events = [][]codec.Message{
		{msg(t, CmdTriggerScan, map[string]any{"ifindex": 3})},
		{msg(t, CmdNewScanResults, map[string]any{"ifindex": 9})}, // another interface's scan
		{msg(t, CmdNewScanResults, map[string]any{"ifindex": 3})},
	}
	res, err := New(genl.New(f)).Scan(context.Background(), 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].SSID != "abcd" || res[0].Channel != 1 {
		t.Fatalf("results %+v", res)
	}
	if len(cmds) != 2 || cmds[0] != CmdTriggerScan || cmds[1] != CmdGetScan || len(f.events) != 0 {
		t.Fatalf("commands %v, %d events left", cmds, len(f.events))
	}
	if len(f.Groups) != 1 || f.Groups[0] != 0x21 {
		t.Fatalf("groups %v", f.Groups)
	}

	f.events = [][]codec.Message{{msg(t, CmdScanAborted, map[string]any{"ifindex": 3})}}
	if _, err := New(genl.New(f)).Scan(context.Background(), 3, nil); !errors.Is(err, ErrScanAborted) {
		t.Fatalf("aborted scan: %v", err)
	}
	f.events = nil
	if _, err := New(genl.New(f)).Scan(context.Background(), 3, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("scan without completion: %v", err)
	}
}

func TestParseIftypeAndChannel(t *testing.T) {
	for in, want := range map[string]uint32{"managed": IftypeStation, "station": IftypeStation, "mesh point": IftypeMeshPoint, "Monitor": IftypeMonitor, "3": IftypeAP} {
		if got, err := ParseIftype(in); err != nil || got != want {
			t.Errorf("ParseIftype(%q) = %d, %v", in, got, err)
		}
	}
	if _, err := ParseIftype("toaster"); err == nil {
		t.Error("unknown iftype accepted")
	}
	for mhz, ch := range map[uint32]int{2412: 1, 2484: 14, 5180: 36, 5825: 165, 5955: 1, 58320: 1, 900: 0} {
		if got := Channel(mhz); got != ch {
			t.Errorf("Channel(%d) = %d, want %d", mhz, got, ch)
		}
	}
	if _, err := SSIDFromIEs([]byte{0, 9, 'a'}); !errors.Is(err, ErrBadIE) {
		t.Errorf("overrunning IE: %v", err)
	}
}
