package nl80211

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
)

// The golden messages in testdata were encoded by pyroute2's nl80211cmd,
// driven by ../testdata/gen/gen.py (nl80211.py), with the values in the
// .json beside each one. pyroute2 also decoded the scan result, station
// and interface messages back and checked the values it read.

// check asserts the golden message's command, version and flags.
func check(t *testing.T, g gtest.Golden, name string, cmd uint8, flags uint16) {
	t.Helper()
	if g.Genl.Command != cmd || g.Genl.Version != Version || g.Msg.Header.Flags != flags {
		t.Fatalf("%s: cmd %d version %d flags %#x, want cmd %d flags %#x", name, g.Genl.Command, g.Genl.Version, g.Msg.Header.Flags, cmd, flags)
	}
}

// schemaRoundTrip decodes through the family schema, checks that the
// schema knew every attribute, and encodes back byte for byte.
func schemaRoundTrip(t *testing.T, name string, attrs []byte) *codec.Tree {
	t.Helper()
	tree, err := Schema().Attrs.Decode(attrs)
	if err != nil {
		t.Fatal(err)
	}
	var unknown func(*codec.Tree, string)
	unknown = func(tr *codec.Tree, path string) {
		for _, f := range tr.Fields {
			if strings.HasPrefix(f.Name, "attr_") {
				t.Errorf("%s: schema does not know %s%s", name, path, f.Name)
			}
			switch v := f.Value.(type) {
			case *codec.Tree:
				unknown(v, path+f.Name+".")
			case []*codec.Tree:
				for _, e := range v {
					unknown(e, path+f.Name+"[].")
				}
			}
		}
	}
	unknown(tree, "")
	b, err := Schema().Attrs.Encode(tree)
	if err != nil || !bytes.Equal(b, attrs) {
		t.Fatalf("%s: schema round trip: %v\n got %x\nwant %x", name, err, b, attrs)
	}
	return tree
}

func TestGoldenInterface(t *testing.T) {
	g := gtest.LoadGolden(t, "interface")
	check(t, g, "interface", CmdNewInterface, codec.Multi)
	v, err := DecodeInterface(g.Genl.Attrs)
	if err != nil {
		t.Fatal(err)
	}
	gtest.SameJSON(t, "interface", v, g.JSON)
	tree := schemaRoundTrip(t, "interface", g.Genl.Attrs)
	if s := tree.String(); !strings.Contains(s, "iftype=station") {
		t.Errorf("schema tree does not name the iftype: %s", s)
	}
}

func TestGoldenRequests(t *testing.T) {
	var ni NewInterface
	g := gtest.LoadGolden(t, "new_interface")
	check(t, g, "new_interface", CmdNewInterface, codec.Request|codec.Acknowledge)
	if err := json.Unmarshal(g.JSON, &ni); err != nil {
		t.Fatal(err)
	}
	b, err := EncodeNewInterface(&ni)
	if err != nil {
		t.Fatal(err)
	}
	g.SameBytes(t, "new_interface", b)
	schemaRoundTrip(t, "new_interface", g.Genl.Attrs)

	var st struct {
		Ifindex uint32
		Iftype  string
	}
	g = gtest.LoadGolden(t, "set_interface")
	check(t, g, "set_interface", CmdSetInterface, codec.Request|codec.Acknowledge)
	if err := json.Unmarshal(g.JSON, &st); err != nil {
		t.Fatal(err)
	}
	if b, err = EncodeSetInterfaceType(st.Ifindex, st.Iftype); err != nil {
		t.Fatal(err)
	}
	g.SameBytes(t, "set_interface", b)

	for _, c := range []struct {
		name  string
		cmd   uint8
		flags uint16
	}{
		{"del_interface", CmdDelInterface, codec.Request | codec.Acknowledge},
		{"get_scan", CmdGetScan, codec.Request | codec.Dump},
	} {
		g = gtest.LoadGolden(t, c.name)
		check(t, g, c.name, c.cmd, c.flags)
		if err := json.Unmarshal(g.JSON, &st); err != nil {
			t.Fatal(err)
		}
		if b, err = encodeIfindex(st.Ifindex); err != nil {
			t.Fatal(err)
		}
		g.SameBytes(t, c.name, b)
	}

	var sr struct {
		Ifindex uint32
		ScanRequest
	}
	g = gtest.LoadGolden(t, "trigger_scan")
	check(t, g, "trigger_scan", CmdTriggerScan, codec.Request|codec.Acknowledge)
	if err := json.Unmarshal(g.JSON, &sr); err != nil {
		t.Fatal(err)
	}
	if len(sr.SSIDs) != 2 || len(sr.Frequencies) != 2 {
		t.Fatalf("expectation %+v", sr)
	}
	if b, err = EncodeTriggerScan(sr.Ifindex, &sr.ScanRequest); err != nil {
		t.Fatal(err)
	}
	g.SameBytes(t, "trigger_scan", b)
	schemaRoundTrip(t, "trigger_scan", g.Genl.Attrs)

	g = gtest.LoadGolden(t, "wiphy_dump")
	check(t, g, "wiphy_dump", CmdGetWiphy, codec.Request|codec.Dump)
	if b, err = encodeWiphyDump(nil); err != nil {
		t.Fatal(err)
	}
	g.SameBytes(t, "wiphy_dump", b)
}

func TestGoldenScanResult(t *testing.T) {
	g := gtest.LoadGolden(t, "scan_result")
	check(t, g, "scan_result", CmdNewScanResults, codec.Multi)
	v, err := DecodeBSS(g.Genl.Attrs)
	if err != nil {
		t.Fatal(err)
	}
	gtest.SameJSON(t, "scan_result", v, g.JSON)
	if v.SSID != "nlsh-test" || v.SignalMBm == nil || *v.SignalMBm != -3000 {
		t.Errorf("ssid %q signal %v", v.SSID, v.SignalMBm)
	}
	schemaRoundTrip(t, "scan_result", g.Genl.Attrs)
}

func TestGoldenStation(t *testing.T) {
	g := gtest.LoadGolden(t, "station")
	check(t, g, "station", CmdNewStation, codec.Multi)
	v, err := DecodeStation(g.Genl.Attrs)
	if err != nil {
		t.Fatal(err)
	}
	gtest.SameJSON(t, "station", v, g.JSON)
	if v.RxBytes != 1<<33 {
		t.Errorf("rx_bytes %d: the 64-bit counter must win", v.RxBytes)
	}
	schemaRoundTrip(t, "station", g.Genl.Attrs)
}

func TestGoldenWiphyParts(t *testing.T) {
	var w Wiphy
	var want []byte
	for i, name := range []string{"wiphy_part1", "wiphy_part2", "wiphy_part3"} {
		g := gtest.LoadGolden(t, name)
		check(t, g, name, CmdNewWiphy, codec.Multi)
		if i == 0 {
			want = g.JSON
		}
		if err := DecodeWiphy(g.Genl.Attrs, &w); err != nil {
			t.Fatal(err)
		}
		schemaRoundTrip(t, name, g.Genl.Attrs)
	}
	gtest.SameJSON(t, "wiphy (3 parts merged)", &w, want)
}
