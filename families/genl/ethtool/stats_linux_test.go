package ethtool_test

import (
	"context"
	"testing"

	"github.com/nlsh/nlsh/families/genl/ethtool"
)

// TestLiveStats reads the standard statistics of a veth and a bridge:
// neither driver keeps IEEE 802.3 or RMON counters, so every group the
// kernel answers with holds no counters, as `ethtool -S DEV --all-groups`
// shows none.
func TestLiveStats(t *testing.T) {
	e := setup(t)
	for _, dev := range []string{"v0", "br0"} {
		st, err := e.c.Stats(context.Background(), ethtool.Device{Name: dev})
		if err != nil {
			t.Fatalf("%s: %v", dev, err)
		}
		if st.Ifname != dev || st.Ifindex == 0 {
			t.Errorf("%s: header %+v", dev, st.Header)
		}
		for _, g := range st.Groups {
			if g.ID >= uint32(len(ethtool.StatsGroupNames)) || g.Name != ethtool.StatsGroupNames[g.ID] || len(g.Stats) != 0 {
				t.Errorf("%s: group %+v", dev, g)
			}
		}
		if _, err := e.c.Stats(context.Background(), ethtool.Device{Name: dev}, "rmon", "eth-mac"); err != nil {
			t.Errorf("%s groups rmon, eth-mac: %v", dev, err)
		}
	}
}
