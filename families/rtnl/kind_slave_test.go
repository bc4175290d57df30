package rtnl

import (
	"net"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

func TestOptFormats(t *testing.T) {
	for _, c := range []struct {
		f    optFormat
		in   any
		want any
	}{
		{fmtHex, uint64(0), "0"},
		{fmtHex, uint64(0x8001), "0x8001"},
		{fmtCenti, uint64(250), 2.5},
		{fmtBridgeID, []byte{0x80, 0x00, 0x02, 0x0a, 0, 0xbc, 0, 1}, "8000.2:a:0:bc:0:1"},
		{fmtHWAddr, net.HardwareAddr{2, 0, 0, 0, 0, 0xa}, "02:00:00:00:00:0a"},
		{fmtPlain, uint64(7), uint64(7)},
	} {
		if got := c.f.format(c.in); got != c.want {
			t.Errorf("format %d of %v = %v (%T), want %v", c.f, c.in, got, got, c.want)
		}
	}
}

// Port data round trip: what a request encodes for a bridge port decodes
// back to ip's spellings, padding is never listed, and a port kind nlsh
// has no table for is kept raw.
func TestSlaveDataDecode(t *testing.T) {
	e := codec.NewEncoder(nil)
	if err := bridgeSlaveKind().encodeData(e, Options{"cost": 7, "learning": false, "state": "forwarding", "group_fwd_mask": "0x8"}); err != nil {
		t.Fatal(err)
	}
	e.Bytes(26, make([]byte, 4)) // IFLA_BRPORT_PAD
	data, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	li := codec.NewEncoder(nil)
	li.String(iflaInfoKind, "veth")
	li.String(iflaInfoSlvKind, "bridge")
	li.Bytes(iflaInfoSlvData, data)
	li.String(iflaInfoSlvKind+100, "x") // nothing breaks on strangers
	b, _ := li.Encode()
	var d codec.Decoder
	d.Reset(b)
	info, err := decodeLinkInfo(&d)
	if err != nil {
		t.Fatal(err)
	}
	want := Options{"cost": uint64(7), "learning": false, "state": "forwarding", "group_fwd_mask": "0x8"}
	if len(info.SlaveData) != len(want) {
		t.Errorf("slave data %v, want %v", info.SlaveData, want)
	}
	for k, v := range want {
		if info.SlaveData[k] != v {
			t.Errorf("%s = %v (%T), want %v", k, info.SlaveData[k], info.SlaveData[k], v)
		}
	}

	li = codec.NewEncoder(nil)
	li.String(iflaInfoSlvKind, "team")
	li.Bytes(iflaInfoSlvData, data)
	b, _ = li.Encode()
	d.Reset(b)
	info, err = decodeLinkInfo(&d)
	if err != nil || info.SlaveData != nil || len(info.RawSlaveData) != len(data) {
		t.Errorf("team port: data %v raw %d bytes, err %v", info.SlaveData, len(info.RawSlaveData), err)
	}
}
