package rtnl

import (
	"errors"
	"net"
	"net/netip"
	"testing"
)

// AddNeighs/DelNeighs and AddRules/DelRules: one error per entry (a bad
// entry fails alone and is not sent), ip sees the rest, ExistOK makes a
// second run a success, and the deletes remove them again.
func TestBatchNeighsRules(t *testing.T) {
	ns, c, ctx := ipLiveNS(t)
	mac, _ := net.ParseMAC("02:00:00:00:00:21")
	neighs := []Neigh{
		{Dst: netip.MustParseAddr("10.3.0.21"), Dev: "v0", Lladdr: mac},
		{Dst: netip.MustParseAddr("10.3.0.22"), Dev: "nosuch0", Lladdr: mac},
		{Dst: netip.MustParseAddr("2001:db8:3::21"), Dev: "v0", Lladdr: mac},
	}
	errs, err := c.AddNeighs(ctx, neighs)
	if err != nil || errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], ErrInvalidArgument) {
		t.Fatalf("AddNeighs = %v, %v", errs, err)
	}
	var ipn []map[string]any
	ns.IPJSON(&ipn, "neigh", "show", "dev", "v0")
	if len(ipn) != 2 {
		t.Errorf("ip sees %d neighbours, want 2: %v", len(ipn), ipn)
	}
	if errs, err := c.AddNeighs(ctx, []Neigh{neighs[0], neighs[2]}); err != nil || errs[0] == nil {
		t.Errorf("AddNeighs again without ExistOK = %v, %v", errs, err)
	}
	if errs, err := c.AddNeighs(ctx, []Neigh{neighs[0], neighs[2]}, ExistOK()); err != nil || errs[0] != nil || errs[1] != nil {
		t.Errorf("AddNeighs again with ExistOK = %v, %v", errs, err)
	}
	if errs, err := c.DelNeighs(ctx, []Neigh{neighs[0], neighs[2]}); err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("DelNeighs = %v, %v", errs, err)
	}
	ns.IPJSON(&ipn, "neigh", "show", "dev", "v0")
	if len(ipn) != 0 {
		t.Errorf("ip still sees %v", ipn)
	}

	rules := []Rule{
		{Priority: 500, Src: netip.MustParsePrefix("10.50.0.0/16"), Table: 50},
		{Priority: 501, Src: netip.MustParsePrefix("10.50.0.1/16"), Table: 50}, // host bits: refused
		{Priority: 502, Src: netip.MustParsePrefix("2001:db8:50::/48"), Action: "prohibit"},
	}
	errs, err = c.AddRules(ctx, rules)
	if err != nil || errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], ErrInvalidArgument) {
		t.Fatalf("AddRules = %v, %v", errs, err)
	}
	var ip4, ip6 []map[string]any
	ns.IPJSON(&ip4, "-4", "rule", "show", "pref", "500")
	ns.IPJSON(&ip6, "-6", "rule", "show", "pref", "502")
	if len(ip4) != 1 || ip4[0]["src"] != "10.50.0.0" || len(ip6) != 1 || ip6[0]["action"] != "prohibit" {
		t.Errorf("ip sees %v and %v", ip4, ip6)
	}
	if errs, err := c.AddRules(ctx, []Rule{rules[0], rules[2]}, ExistOK()); err != nil || errs[0] != nil || errs[1] != nil {
		t.Errorf("AddRules again with ExistOK = %v, %v", errs, err)
	}
	if errs, err := c.DelRules(ctx, []Rule{{Priority: 500, Family: "inet"}, {Priority: 502, Family: "inet6"}}); err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("DelRules = %v, %v", errs, err)
	}
	ns.IPJSON(&ip4, "-4", "rule", "show", "pref", "500")
	if len(ip4) != 0 {
		t.Errorf("rule 500 left: %v", ip4)
	}
}
