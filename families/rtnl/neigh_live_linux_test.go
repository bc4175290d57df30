package rtnl

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"syscall"
	"testing"
)

func TestNeighLiveCrossCheck(t *testing.T) {
	ns, c, ctx := ipLiveNS(t)
	mac := func(s string) net.HardwareAddr { m, _ := net.ParseMAC(s); return m }
	rows := []struct {
		name   string
		n      Neigh
		ipArgs []string
		dst    string
		proxy  bool
	}{
		{name: "v4 permanent", n: Neigh{Dst: netip.MustParseAddr("10.3.0.5"), Dev: "v0", Lladdr: mac("02:00:00:00:00:05")}, dst: "10.3.0.5"},
		{name: "v6 stale router", n: Neigh{Dst: netip.MustParseAddr("2001:db8:3::5"), Dev: "v0", Lladdr: mac("02:00:00:00:00:06"), State: []string{"STALE"}, Router: true}, dst: "2001:db8:3::5"},
		{name: "v4 proxy", n: Neigh{Dst: netip.MustParseAddr("10.3.0.6"), Dev: "v0", Proxy: true}, dst: "10.3.0.6", proxy: true},
		{name: "ip v4 reachable", ipArgs: []string{"10.3.0.7", "lladdr", "02:00:00:00:00:07", "dev", "v0", "nud", "reachable"}, dst: "10.3.0.7"},
		{name: "ip v6 proxy", ipArgs: []string{"proxy", "2001:db8:3::7", "dev", "v0"}, dst: "2001:db8:3::7", proxy: true},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			if r.ipArgs != nil {
				ns.IP(append([]string{"neigh", "add"}, r.ipArgs...)...)
			} else if err := c.AddNeigh(ctx, r.n); err != nil {
				t.Fatalf("AddNeigh: %v", err)
			}
			var want []map[string]any
			args := []string{"neigh", "show", "dev", "v0"}
			if r.proxy {
				args = []string{"neigh", "show", "proxy", "dev", "v0"}
			}
			ns.IPJSON(&want, args...)
			ws := slices.IndexFunc(want, func(x map[string]any) bool { return x["dst"] == r.dst })
			if ws < 0 {
				t.Fatalf("ip does not show %s", r.dst)
			}
			ns2, err := c.ListNeighs(ctx, NeighFilter{Dev: "v0", Proxy: r.proxy})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(ns2, func(n Neigh) bool { return n.Dst.String() == r.dst })
			if i < 0 {
				t.Fatalf("nlsh does not list %s", r.dst)
			}
			g, w := ns2[i], want[ws]
			ll := ""
			if g.Lladdr != nil {
				ll = g.Lladdr.String()
			}
			var wantState []string
			for _, s := range asSlice(w["state"]) {
				wantState = append(wantState, s.(string))
			}
			if r.proxy {
				wantState = g.State // ip prints no state for proxies
			}
			wll, _ := w["lladdr"].(string)
			_, router := w["router"]
			if g.Dev != "v0" || ll != wll || !slices.Equal(g.State, wantState) || g.Router != router || g.Proxy != r.proxy {
				t.Errorf("nlsh %+v, ip %+v", g, w)
			}
		})
	}
	// Idempotent: replace twice, ExistOK add of the same entry.
	n := Neigh{Dst: netip.MustParseAddr("10.3.0.8"), Dev: "v0", Lladdr: mac("02:00:00:00:00:08")}
	for i := 0; i < 2; i++ {
		if err := c.ReplaceNeigh(ctx, n); err != nil {
			t.Fatal(err)
		}
		if err := c.AddNeigh(ctx, n, ExistOK()); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.AddNeigh(ctx, n); !errors.Is(err, syscall.EEXIST) {
		t.Errorf("plain add of an existing entry: %v", err)
	}
	if err := c.DelNeigh(ctx, n); err != nil {
		t.Fatal(err)
	}
	if out := ns.IP("neigh", "show", "10.3.0.8", "dev", "v0"); out != "" {
		t.Errorf("deleted entry still shown: %q", out)
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}
