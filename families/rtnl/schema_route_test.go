package rtnl

import (
	"context"
	"net/netip"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// The address, route, neighbour and rule schemas decode what the typed
// encoders send, and name attributes for extack paths.
func TestSchemasDecodeRequests(t *testing.T) {
	p := codec.NewProtocol("rtnetlink-ip", append(append(append(addrMessageSchemas(), routeMessageSchemas()...), neighMessageSchemas()...), ruleMessageSchemas()...)...)
	f := &ipFakeConn{t: t, exec: func(codec.Message) ([]codec.Message, error) { return nil, nil }}
	c := New(f)
	ctx := context.Background()
	tables := WithTables(BuiltinTables())
	mp := netip.MustParseAddr
	if err := c.AddRoute(ctx, Route{Dst: netip.MustParsePrefix("10.8.0.0/16"), Gateway: mp("10.0.0.1"), Ifindex: 2, Table: 100, Metric: 7, Metrics: map[string]uint32{"mtu": 1400}}, tables); err != nil {
		t.Fatal(err)
	}
	if err := c.AddAddr(ctx, Address{Ifindex: 2, Local: mp("10.0.0.2"), Prefixlen: 24, Label: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddRule(ctx, Rule{Family: "inet", Priority: 5, Table: 100}, tables); err != nil {
		t.Fatal(err)
	}
	if err := c.AddNeigh(ctx, Neigh{Dst: mp("10.0.0.9"), Ifindex: 2}); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"table": uint64(100), "metric": uint64(7), "gateway": mp("10.0.0.1"), "oif": uint64(2)},
		{"local": mp("10.0.0.2"), "label": "x"},
		{"priority": uint64(5), "table": uint64(100)},
		{"dst": mp("10.0.0.9")},
	}
	for i, m := range f.sent {
		ms := p.Message(m.Header.Type)
		if ms == nil {
			t.Fatalf("no schema for %s", MessageName(m.Header.Type))
		}
		_, attrs, err := ms.Decode(m.Data)
		if err != nil {
			t.Fatalf("%s: %v", ms.Name, err)
		}
		for k, v := range want[i] {
			if got, ok := attrs.Get(k); !ok || got != v {
				t.Errorf("%s %s = %v (%T), want %v", ms.Name, k, got, got, v)
			}
		}
	}
	// RTA_METRICS.RTAX_MTU is named by path from its offset: rtmsg (12) +
	// RTA_TABLE (8) + RTA_DST (8) + RTA_GATEWAY (8) + RTA_OIF (8) +
	// RTA_PRIORITY (8) + RTA_METRICS header (4) = 56.
	if got := codec.AttrPath(p.Message(rtmNewRoute), f.sent[0].Data, codec.HeaderLen+56); got != "RTA_METRICS.RTAX_MTU" {
		t.Errorf("AttrPath = %q", got)
	}
}

// The family's protocol table, used by --trace and for extack paths,
// names the attributes of every part, not only links.
func TestProtocolCoversEveryPart(t *testing.T) {
	p := Protocol()
	for _, name := range []string{"RTM_NEWLINK", "RTM_NEWADDR", "RTM_NEWROUTE", "RTM_NEWNEIGH", "RTM_NEWRULE"} {
		var found bool
		for typ := uint16(16); typ < 120; typ++ {
			if p.TypeName(typ) == name {
				found = true
				if ms := p.Message(typ); ms == nil || ms.Attrs == nil {
					t.Errorf("%s has no attribute schema in Protocol()", name)
				}
			}
		}
		if !found {
			t.Errorf("Protocol() does not name %s", name)
		}
	}
}
