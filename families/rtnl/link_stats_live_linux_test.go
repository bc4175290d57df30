package rtnl

import (
	"testing"
)

// A dump asked for without stats carries no Stats64 (the kernel still
// sends IFLA_STATS64 then; it is not decoded); with stats every link has
// them, and lo's counters are at least what ip -s -j printed just before.
func TestListLinksStats(t *testing.T) {
	ns, c := linkLiveNS(t)
	ns.IP("link", "set", "lo", "up")
	ns.IP("link", "add", "st0", "type", "veth", "peer", "name", "st1")
	var ip []struct {
		Ifname string `json:"ifname"`
		Stats  struct {
			RX struct {
				Bytes uint64 `json:"bytes"`
			} `json:"rx"`
		} `json:"stats64"`
	}
	ns.IPJSON(&ip, "-s", "link", "show", "dev", "lo")
	if len(ip) != 1 {
		t.Fatalf("ip -s link show lo: %d links", len(ip))
	}
	ls, err := c.ListLinks(ctx(t), LinkFilter{NoStats: true})
	if err != nil || len(ls) != 3 {
		t.Fatal(len(ls), err)
	}
	for _, l := range ls {
		if l.Stats64 != nil {
			t.Errorf("%s: Stats64 %+v in a dump without stats", l.Name, l.Stats64)
		}
	}
	ls, err = c.ListLinks(ctx(t), LinkFilter{})
	if err != nil || len(ls) != 3 {
		t.Fatal(len(ls), err)
	}
	for _, l := range ls {
		switch {
		case l.Stats64 == nil:
			t.Errorf("%s: no Stats64 in a dump with stats", l.Name)
		case l.Name == "lo" && l.Stats64.RX.Bytes < ip[0].Stats.RX.Bytes:
			t.Errorf("lo: rx bytes %d, ip printed %d before", l.Stats64.RX.Bytes, ip[0].Stats.RX.Bytes)
		}
	}
}
