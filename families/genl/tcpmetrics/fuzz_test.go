package tcpmetrics

import (
	"testing"
)

// FuzzDecode decodes TCP_METRICS_CMD_GET replies. The seeds are built by
// the schema (a namespace has no metrics until TCP connections close in
// it): IPv4 and IPv6 entries, with and without values.
func FuzzDecode(f *testing.F) {
	for _, v := range []map[string]any{
		{"dst6": "2001:db8::1", "age_ms": 1500, "vals": map[string]any{"rtt_ms": 8, "rttvar_ms": 4, "cwnd": 10}},
		{"dst4": "10.0.0.1", "source4": "10.0.0.2", "age_ms": 1},
		{"dst4": "10.0.0.1"},
	} {
		attrs, err := attrSchema().EncodeMap(v)
		if err != nil {
			f.Fatal(err)
		}
		if _, err := Decode(attrs); err != nil {
			f.Fatalf("seed %v does not decode: %v", v, err)
		}
		f.Add(attrs)
	}
	f.Fuzz(func(t *testing.T, attrs []byte) {
		e, err := Decode(attrs)
		if err == nil && e == nil {
			t.Fatal("nil entry without an error")
		}
	})
}
