package ethtool

import (
	"bytes"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// statsReply builds a STATS_GET reply the way the kernel lays it out:
// every counter in a STAT nest of its own, histogram buckets as nests.
func statsReply(t *testing.T) []byte {
	e := codec.NewEncoder(nil)
	appendHeader(e, statsHeader, Device{Name: "eth0", Index: 2}, 0)
	e.Begin(statsGrp)
	e.Uint32(statsGrpID, 3)
	e.Uint32(statsGrpSSID, 20)
	for i, v := range []uint64{7, 9} {
		e.Begin(statsGrpStat)
		e.Uint64(uint16(i), v)
		e.End()
	}
	e.Begin(statsGrpHistRx)
	e.Uint32(statsGrpHistLow, 64)
	e.Uint32(statsGrpHistHi, 64)
	e.Uint64(statsGrpHistVal, 1<<60)
	e.End()
	e.End()
	b, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeStats(t *testing.T) {
	st, err := DecodeStats(statsReply(t), func(id uint32) []string {
		if id != 20 {
			t.Errorf("string set %d asked, want 20", id)
		}
		return []string{"etherStatsUndersizePkts"}
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Ifname != "eth0" || len(st.Groups) != 1 {
		t.Fatalf("%+v", st)
	}
	g := st.Groups[0]
	if g.Name != "rmon" || g.Stats["etherStatsUndersizePkts"] != 7 || g.Stats["stat_1"] != 9 {
		t.Errorf("%+v", g)
	}
	if len(g.HistRx) != 1 || g.HistRx[0] != (HistBucket{Low: 64, High: 64, Value: 1 << 60}) {
		t.Errorf("hist %+v", g.HistRx)
	}
	// The schema decodes the same reply by name too (raw requests, traces).
	tr, err := Schema().ReplyAttrs(MsgStatsGetReply).Decode(statsReply(t))
	if err != nil {
		t.Fatal(err)
	}
	if s := tr.String(); !bytes.Contains([]byte(s), []byte("id=rmon")) {
		t.Errorf("schema decode: %s", s)
	}
}

func TestEncodeStatsRequest(t *testing.T) {
	b, err := EncodeStatsRequest(Device{Name: "eth0"}, []string{"rmon"})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Schema().RequestAttrs(MsgStatsGet).Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := `header={dev_name="eth0"} groups={nomask=true bits=[{name="rmon" value=true}]}`
	if got := tr.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if _, err := EncodeStatsRequest(Device{Name: "eth0"}, []string{"bogus"}); err == nil {
		t.Error("unknown group accepted")
	}
}
