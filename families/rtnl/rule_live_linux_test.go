package rtnl

import (
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

func TestRuleLiveCrossCheck(t *testing.T) {
	ns, c, ctx := ipLiveNS(t)
	zero := 0
	pp := netip.MustParsePrefix
	for _, r := range []Rule{
		{Priority: 100, Src: pp("10.0.0.0/8"), Dst: pp("192.168.0.0/16"), Iif: "v0", Fwmark: 5, Fwmask: 0xff, Table: 100},
		{Priority: 101, Not: true, Src: pp("10.0.0.0/8"), Action: "blackhole"},
		{Priority: 102, Family: "inet", TableName: "main", SuppressPrefixlen: &zero},
		{Priority: 103, Family: "inet", Oif: "v1", Goto: 200},
		{Priority: 200, Family: "inet", Action: "unreachable"},
		{Priority: 104, Src: pp("2001:db8::/32"), Action: "prohibit"},
	} {
		if err := c.AddRule(ctx, r); err != nil {
			t.Fatalf("AddRule %+v: %v", r, err)
		}
		if err := c.AddRule(ctx, r, ExistOK()); err != nil {
			t.Fatalf("AddRule ExistOK again: %v", err)
		}
	}
	ns.IP("rule", "add", "pref", "300", "from", "10.1.0.0/16", "fwmark", "7", "table", "7")
	ns.IP("-6", "rule", "add", "pref", "301", "to", "2001:db8:1::/48", "iif", "v1", "table", "main")
	compareRulesWithIP(t, ns, c, nil)
	if err := c.DelRule(ctx, Rule{Priority: 101, Family: "inet"}); err != nil {
		t.Fatal(err)
	}
	rs, _ := c.ListRules(ctx, RuleFilter{Family: "inet"})
	for _, r := range rs {
		if r.Priority == 101 {
			t.Error("rule 101 still listed after DelRule")
		}
	}
}

// compareRulesWithIP requires nlsh to list both families' rules as ip -j
// rule show prints them (ruleAsIP); adjust, if not nil, sees each pair
// first.
func compareRulesWithIP(t *testing.T, ns *testutil.NS, c *Client, adjust func(r *Rule, got, want map[string]any)) {
	t.Helper()
	for _, fam := range []string{"-4", "-6"} {
		var want []map[string]any
		ns.IPJSON(&want, fam, "rule", "show")
		rs, err := c.ListRules(ctx(t), RuleFilter{Family: map[string]string{"-4": "inet", "-6": "inet6"}[fam]})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != len(want) {
			t.Fatalf("%s: nlsh lists %d rules, ip %d", fam, len(rs), len(want))
		}
		for i, r := range rs {
			got := ruleAsIP(&r)
			if adjust != nil {
				adjust(&r, got, want[i])
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want[i])
			if string(g) != string(w) {
				t.Errorf("%s rule %d:\n nlsh %s\n ip   %s", fam, i, g, w)
			}
		}
	}
}

// ruleAsIP prints a Rule the way `ip -j rule show` does.
func ruleAsIP(r *Rule) map[string]any {
	m := map[string]any{"priority": float64(r.Priority)}
	if r.Not {
		m["not"] = nil
	}
	m["src"] = "all"
	if r.Src.IsValid() && r.Src.Bits() > 0 {
		m["src"], m["srclen"] = r.Src.Addr().String(), float64(r.Src.Bits())
	}
	if r.Dst.IsValid() && r.Dst.Bits() > 0 {
		m["dst"], m["dstlen"] = r.Dst.Addr().String(), float64(r.Dst.Bits())
	}
	if r.Fwmark != 0 || r.Fwmask != 0 {
		m["fwmark"] = "0x" + ruleHex(r.Fwmark)
		if r.Fwmask != 0 && r.Fwmask != 0xffffffff {
			m["fwmask"] = "0x" + ruleHex(r.Fwmask)
		}
	}
	if r.Iif != "" {
		m["iif"] = r.Iif
	}
	if r.Oif != "" {
		m["oif"] = r.Oif
	}
	switch r.Action {
	case "to_tbl":
		m["table"] = r.TableName
	case "goto":
		m["goto"] = float64(r.Goto)
	default:
		m["action"] = r.Action
	}
	if r.SuppressPrefixlen != nil {
		m["suppress_prefixlen"] = float64(*r.SuppressPrefixlen)
	}
	if r.IPProto != "" {
		m["ipproto"] = r.IPProto
	}
	for k, v := range map[string]uint16{"sport": r.Sport, "sport_start": r.SportStart, "sport_end": r.SportEnd,
		"dport": r.Dport, "dport_start": r.DportStart, "dport_end": r.DportEnd} {
		if v != 0 {
			m[k] = float64(v)
		}
	}
	if r.UIDStart != nil {
		m["uid_start"], m["uid_end"] = float64(*r.UIDStart), float64(*r.UIDEnd)
	}
	if r.L3mdev {
		m["l3mdev"] = nil
		delete(m, "table")
	}
	return m
}

// Rules with transport and owner selectors: what nlsh adds, ip lists the
// same; what ip adds, nlsh lists the same; a rule told from another only
// by its port is the one deleted.
func TestRuleSelectorsCrossCheck(t *testing.T) {
	ns, c, ctx := ipLiveNS(t)
	uid0, uid999 := uint32(0), uint32(999)
	for _, r := range []Rule{
		{Priority: 400, Family: "inet", IPProto: "udp", Sport: 53, DportStart: 5000, DportEnd: 5100, UIDStart: &uid0, UIDEnd: &uid999, Table: 300},
		{Priority: 401, Family: "inet", L3mdev: true},
		{Priority: 402, Family: "inet6", IPProto: "6", Dport: 22, Table: 301},
		{Priority: 403, Family: "inet", IPProto: "tcp", Dport: 443, Table: 302},
	} {
		if err := c.AddRule(ctx, r); err != nil {
			t.Fatalf("AddRule %+v: %v", r, err)
		}
	}
	ns.IP("rule", "add", "pref", "500", "ipproto", "tcp", "sport", "1000-2000", "dport", "80", "uidrange", "100-200", "table", "9")
	ns.IP("-6", "rule", "add", "pref", "501", "ipproto", "ipv6-icmp", "table", "10")
	// 403 and 503 differ only in the port: deleting by port deletes 503.
	ns.IP("rule", "add", "pref", "403", "ipproto", "tcp", "dport", "8443", "table", "302")
	if err := c.DelRule(ctx, Rule{Priority: 403, Family: "inet", IPProto: "tcp", Dport: 8443, Table: 302}); err != nil {
		t.Fatal(err)
	}
	named := true
	if _, err := os.Stat("/etc/protocols"); err != nil {
		named = false // ip prints "ipproto-6" without it (the VM lane's root)
	}
	compareRulesWithIP(t, ns, c, func(r *Rule, got, want map[string]any) {
		if !named {
			delete(got, "ipproto")
			delete(want, "ipproto")
		}
		if r.Priority == 403 && r.Dport != 443 {
			t.Errorf("rule 403 left is dport %d, want 443", r.Dport)
		}
	})
	for _, bad := range []Rule{
		{Priority: 1, Family: "inet", Dport: 80, DportStart: 1, DportEnd: 2},
		{Priority: 1, Family: "inet", DportStart: 9, DportEnd: 8},
		{Priority: 1, Family: "inet", SportStart: 9},
		{Priority: 1, Family: "inet", Sport: 65535},
		{Priority: 1, Family: "inet", UIDStart: &uid999},
		{Priority: 1, Family: "inet", UIDStart: &uid999, UIDEnd: &uid0},
		{Priority: 1, Family: "inet", IPProto: "tcpx"},
	} {
		if err := c.AddRule(ctx, bad); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("AddRule %+v: %v, want ErrInvalidArgument", bad, err)
		}
	}
}

func ruleHex(v uint32) string {
	const d = "0123456789abcdef"
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v >>= 4 {
		b = append([]byte{d[v&15]}, b...)
	}
	return string(b)
}

// TestRuleListAllFamilies: a dump without a family lists what ip rule
// shows for -4 and -6 together, and no multicast routing rules.
func TestRuleListAllFamilies(t *testing.T) {
	ns, c, ctx := ipLiveNS(t)
	var v4, v6 []map[string]any
	ns.IPJSON(&v4, "-4", "rule", "show")
	ns.IPJSON(&v6, "-6", "rule", "show")
	rs, err := c.ListRules(ctx, RuleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(v4)+len(v6) {
		t.Fatalf("nlsh lists %d rules, ip -4 %d + ip -6 %d", len(rs), len(v4), len(v6))
	}
	for _, r := range rs {
		if r.Family != FamilyInet && r.Family != FamilyInet6 {
			t.Errorf("rule of family %s listed", r.Family)
		}
	}
}
