package tcpmetrics

import (
	"net/netip"
	"testing"
)

func TestDecodeScalesEstimators(t *testing.T) {
	attrs, err := attrSchema().EncodeMap(map[string]any{
		"dst6": "2001:db8::1", "age_ms": 1500,
		"vals": map[string]any{"rtt_ms": 8, "rttvar_ms": 4, "cwnd": 10},
	})
	if err != nil {
		t.Fatal(err)
	}
	e, err := Decode(attrs)
	if err != nil {
		t.Fatal(err)
	}
	if e.Dst != netip.MustParseAddr("2001:db8::1") || e.AgeMs != 1500 || *e.RTT != 1000 || *e.RTTVar != 1000 || *e.Cwnd != 10 || e.SSThresh != nil {
		t.Fatalf("%+v", e)
	}
	b, err := EncodeAddrs(netip.MustParseAddr("::ffff:10.0.0.1"), netip.MustParseAddr("10.0.0.2"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := attrSchema().Decode(b)
	if err != nil || tr.String() != "dst4=10.0.0.1 source4=10.0.0.2" {
		t.Fatalf("request %s, %v", tr, err)
	}
	if _, err := Decode(nil); err == nil {
		t.Fatal("entry without address accepted")
	}
}
