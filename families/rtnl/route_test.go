package rtnl

import (
	"context"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// ipGolden sends one request through a fake conn and checks its header and
// payload bytes. want is hex with spaces and comments (after '#') ignored.
func ipGolden(t *testing.T, typ, flags uint16, want string, send func(*Client) error) {
	t.Helper()
	f := &ipFakeConn{t: t, exec: func(codec.Message) ([]codec.Message, error) { return nil, nil }}
	if err := send(New(f)); err != nil {
		t.Fatal(err)
	}
	if len(f.sent) != 1 {
		t.Fatalf("%d requests sent, want 1", len(f.sent))
	}
	var clean strings.Builder
	for _, line := range strings.Split(want, "\n") {
		line, _, _ = strings.Cut(line, "#")
		clean.WriteString(strings.Join(strings.Fields(line), ""))
	}
	m := f.sent[0]
	got := hex.EncodeToString(m.Data)
	if m.Header.Type != typ || m.Header.Flags != flags || got != clean.String() {
		t.Errorf("sent %s flags %#x\n% x\nwant %s flags %#x\n%s", MessageName(m.Header.Type), m.Header.Flags, m.Data, MessageName(typ), flags, clean.String())
	}
}

func TestAddrAddGolden(t *testing.T) {
	// ip addr add 10.0.0.2/24 brd + label eth0:1 dev eth0 (ifindex 3) noprefixroute valid_lft 100 preferred_lft 50
	ipGolden(t, rtmNewAddr, codec.Create|codec.Excl, `
		02 18 00 00 03000000           # ifaddrmsg: inet /24 flags 0 scope global ifindex 3
		0800 0200 0a000002             # IFA_LOCAL 10.0.0.2
		0800 0100 0a000002             # IFA_ADDRESS 10.0.0.2
		0800 0400 0a0000ff             # IFA_BROADCAST 10.0.0.255
		0b00 0300 657468303a3100 00    # IFA_LABEL "eth0:1"
		0800 0800 00020000             # IFA_FLAGS noprefixroute
		1400 0600 32000000 64000000 00000000 00000000 # IFA_CACHEINFO preferred 50 valid 100
	`, func(c *Client) error {
		return c.AddAddr(context.Background(), Address{Ifindex: 3, Local: netip.MustParseAddr("10.0.0.2"), Prefixlen: 24,
			BroadcastAuto: true, Label: "eth0:1", Flags: []string{"noprefixroute"}, ValidLifetime: 100, PreferredLifetime: 50})
	})
}

func TestRouteMultipathMetricsGolden(t *testing.T) {
	// ip route add 10.8.0.0/16 table 100 proto static metric 10 mtu 1400 advmss 1300
	//   nexthop via 10.3.0.2 dev ifindex 3 weight 2 nexthop via 10.3.0.3 dev ifindex 4
	ipGolden(t, rtmNewRoute, codec.Create|codec.Excl, `
		02 10 00 00 64 04 00 01 00000000 # rtmsg: inet dst/16 table 100 static scope global unicast
		0800 0f00 64000000               # RTA_TABLE 100
		0800 0100 0a080000               # RTA_DST 10.8.0.0
		0800 0600 0a000000               # RTA_PRIORITY 10
		1400 0800 0800 0200 78050000 0800 0800 14050000 # RTA_METRICS {mtu 1400, advmss 1300}
		2400 0900                        # RTA_MULTIPATH
		  1000 00 01 03000000 0800 0500 0a030002 # rtnexthop weight 2 ifindex 3, RTA_GATEWAY
		  1000 00 00 04000000 0800 0500 0a030003 # rtnexthop weight 1 ifindex 4, RTA_GATEWAY
	`, func(c *Client) error {
		return c.AddRoute(context.Background(), Route{Dst: netip.MustParsePrefix("10.8.0.0/16"), Table: 100, Protocol: "static", Metric: 10,
			Metrics:  map[string]uint32{"mtu": 1400, "advmss": 1300},
			Nexthops: []Nexthop{{Gateway: netip.MustParseAddr("10.3.0.2"), Ifindex: 3, Weight: 2}, {Gateway: netip.MustParseAddr("10.3.0.3"), Ifindex: 4}}},
			WithTables(BuiltinTables()))
	})
}

func TestRuleGolden(t *testing.T) {
	// ip rule add not from 10.0.0.0/8 to 192.168.0.0/16 fwmark 5/0xff iif eth0 table 1000 pref 100
	ipGolden(t, rtmNewRule, codec.Create|codec.Excl, `
		02 10 08 00 00 00 00 01 02000000 # fib_rule_hdr: inet dst/16 src/8 table unspec to_tbl invert
		0800 0600 64000000               # FRA_PRIORITY 100
		0800 0200 0a000000               # FRA_SRC 10.0.0.0
		0800 0100 c0a80000               # FRA_DST 192.168.0.0
		0900 0300 6574683000 000000      # FRA_IIFNAME "eth0"
		0800 0a00 05000000               # FRA_FWMARK 5
		0800 1000 ff000000               # FRA_FWMASK 0xff
		0800 0f00 e8030000               # FRA_TABLE 1000
	`, func(c *Client) error {
		return c.AddRule(context.Background(), Rule{Priority: 100, Not: true, Src: netip.MustParsePrefix("10.0.0.0/8"),
			Dst: netip.MustParsePrefix("192.168.0.0/16"), Iif: "eth0", Fwmark: 5, Fwmask: 0xff, Table: 1000}, WithTables(BuiltinTables()))
	})
}

func TestRouteDecodeRoundTrip(t *testing.T) {
	r := Route{Dst: netip.MustParsePrefix("2001:db8::/32"), Table: 100, Protocol: "static", Metric: 5, Pref: "high",
		Metrics:  map[string]uint32{"mtu": 1280},
		Nexthops: []Nexthop{{Gateway: netip.MustParseAddr("fe80::1"), Ifindex: 2, Weight: 3, Flags: []string{"onlink"}}},
		Unknown:  []byte{8, 0, 99, 0, 1, 2, 3, 4}}
	q, err := r.normalize("route add", BuiltinTables(), false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := encodeRoute(&r, q)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRoute(codec.Message{Header: codec.Header{Type: rtmNewRoute}, Data: b})
	if err != nil {
		t.Fatal(err)
	}
	if got.Dst != r.Dst || got.Table != 100 || got.TableName != "100" || got.Protocol != "static" || got.Metric != 5 || got.Pref != "high" ||
		got.Metrics["mtu"] != 1280 || len(got.Nexthops) != 1 || got.Nexthops[0].Weight != 3 || got.Nexthops[0].Gateway != r.Nexthops[0].Gateway ||
		got.Nexthops[0].Flags[0] != "onlink" || string(got.Unknown) != string(r.Unknown) || got.Type != "unicast" {
		t.Errorf("round trip: %+v", got)
	}
	// Truncated input is an error, never a panic.
	for i := range b {
		DecodeRoute(codec.Message{Data: b[:i]})
	}
}

func TestRouteRejectsBeforeSending(t *testing.T) {
	c := New(&ipFakeConn{t: t})
	ctx := context.Background()
	mp, pp := netip.MustParseAddr, netip.MustParsePrefix
	for _, r := range []struct {
		r     Route
		field string
	}{
		{Route{Dst: pp("10.0.0.1/8"), Ifindex: 1}, "dst"},
		{Route{Dst: pp("10.0.0.0/8"), Gateway: mp("2001:db8::1")}, "gateway"},
		{Route{Dst: pp("10.0.0.0/8"), Gateway: mp("10.0.0.1"), TableName: "nosuchtable"}, "table"},
		{Route{Dst: pp("10.0.0.0/8"), Type: "bogus"}, "type"},
		{Route{Dst: pp("10.0.0.0/8"), Protocol: "bogus", Ifindex: 1}, "protocol"},
		{Route{Gateway: mp("10.0.0.1"), Prefsrc: mp("2001:db8::1")}, "prefsrc"},
		{Route{Ifindex: 1}, "family"},
		{Route{Dst: pp("10.0.0.0/8"), Nexthops: []Nexthop{{Gateway: mp("10.0.0.1"), Weight: 300}}}, "nexthops[1].weight"},
		{Route{Dst: pp("10.0.0.0/8"), Ifindex: 1, Metrics: map[string]uint32{"bogus": 1}}, "metrics"},
		{Route{Dst: pp("2001:db8::/32"), Gateway: mp("fe80::1")}, "gateway"},
	} {
		err := c.AddRoute(ctx, r.r, WithTables(BuiltinTables()))
		var ae *ArgError
		if !errors.As(err, &ae) || ae.Field != r.field {
			t.Errorf("%+v: got %v, want an ArgError naming %s", r.r, err, r.field)
		}
	}
	for _, s := range []struct{ in, field string }{{"10.0.0.0/33", "dst"}, {"10.0.0/8", "dst"}, {"default", "dst"}} {
		_, err := ParsePrefix("dst", s.in, "")
		var ae *ArgError
		if !errors.As(err, &ae) || ae.Field != s.field {
			t.Errorf("ParsePrefix(%q): %v", s.in, err)
		}
	}
	if p, err := ParsePrefix("dst", "default", "inet6"); err != nil || p.String() != "::/0" {
		t.Errorf("default inet6: %v %v", p, err)
	}
}
