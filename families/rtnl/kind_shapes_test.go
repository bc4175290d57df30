package rtnl

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// Options that are not one number on the wire read and write in ip -j's
// shape: a struct as a table of its fields, br_boolopt_multi as its named
// bits, ifla_vlan_flags as a list of flag names, ipvlan's flags also as
// ip's key, a flag the kernel reports as a u8 as a boolean, and an
// interface's ifindex as its name where names are resolved.
func TestKindOptionShapes(t *testing.T) {
	for _, c := range []struct {
		name string
		kind *linkKind
		give Options
		wire func(e *codec.Encoder)
		read map[string]string // fmt.Sprint of each decoded value
	}{
		{name: "vxlan port_range", kind: vxlanKind(),
			give: Options{"port_range": map[string]any{"low": int64(1000), "high": int64(2000)}},
			wire: func(e *codec.Encoder) { e.Bytes(10, []byte{0x03, 0xe8, 0x07, 0xd0}) },
			read: map[string]string{"port_range": "map[high:2000 low:1000]"}},
		{name: "vxlan reserved_bits", kind: vxlanKind(),
			give: Options{"reserved_bits": "0xf7ffffff000000ff"},
			wire: func(e *codec.Encoder) { e.Bytes(33, []byte{0xf7, 0xff, 0xff, 0xff, 0, 0, 0, 0xff}) },
			read: map[string]string{"reserved_bits": "0xf7ffffff000000ff"}},
		{name: "bridge bits", kind: bridgeKind(),
			give: Options{"no_linklocal_learn": true, "mcast_vlan_snooping": int64(0)},
			wire: func(e *codec.Encoder) { e.Bytes(46, []byte{1, 0, 0, 0, 3, 0, 0, 0}) },
			read: map[string]string{"no_linklocal_learn": "1", "mcast_vlan_snooping": "0", "mst_enabled": "<absent>", "multi_boolopt": "<absent>"}},
		{name: "vlan flags", kind: vlanKind(),
			give: Options{"flags": []any{"reorder_hdr", "LOOSE_BINDING"}},
			wire: func(e *codec.Encoder) { e.Bytes(2, []byte{5, 0, 0, 0, 0x1f, 0, 0, 0}) },
			read: map[string]string{"flags": "[REORDER_HDR LOOSE_BINDING]"}},
		{name: "vlan flags, one with no name", kind: vlanKind(),
			give: Options{"flags": []any{"REORDER_HDR", "0x40"}},
			wire: func(e *codec.Encoder) { e.Bytes(2, []byte{0x41, 0, 0, 0, 0x5f, 0, 0, 0}) },
			read: map[string]string{"flags": "[REORDER_HDR 0x40]"}},
		{name: "ipvlan flags", kind: ipvlanKind(),
			give: Options{"flags": "private"},
			wire: func(e *codec.Encoder) { e.Uint16(2, 1) },
			read: map[string]string{"flags": "private", "private": "true", "bridge": "<absent>"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := codec.NewEncoder(nil)
			if err := c.kind.encodeData(out, c.give); err != nil {
				t.Fatal(err)
			}
			got, _ := out.Encode()
			want := codec.NewEncoder(nil)
			c.wire(want)
			wb, _ := want.Encode()
			if string(got) != string(wb) {
				t.Errorf("encoded %x, want %x", got, wb)
			}
			opts, err := c.kind.decodeData(wb)
			if err != nil {
				t.Fatal(err)
			}
			for k, w := range c.read {
				v, ok := opts[k]
				s := fmt.Sprint(v)
				if !ok {
					s = "<absent>"
				}
				if s != w {
					t.Errorf("decoded %s = %s, want %s (all: %v)", k, s, w, opts)
				}
			}
		})
	}

	// ttl_inherit is set as a flag and comes back as a u8.
	e := codec.NewEncoder(nil)
	if err := vxlanKind().encodeData(e, Options{"ttl_inherit": true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := e.Encode(); fmt.Sprintf("%x", b) != "04001c00" {
		t.Errorf("ttl_inherit encoded %x, want an empty flag of type 28", b)
	}
	for wire, want := range map[byte]bool{0: false, 1: true} {
		d := codec.NewEncoder(nil)
		d.Uint8(28, wire)
		b, _ := d.Encode()
		opts, err := vxlanKind().decodeData(b)
		if err != nil || opts["ttl_inherit"] != want {
			t.Errorf("ttl_inherit u8 %d decodes to %v (%v), want %v", wire, opts["ttl_inherit"], err, want)
		}
	}

	// vxlan's link is listed by name once names are resolved.
	l := &Link{Info: &LinkInfo{Kind: "vxlan", Data: Options{"link": uint64(3), "id": uint64(3)}}}
	resolveLink(l, func(i int) *Link {
		if i == 3 {
			return &Link{Index: 3, Name: "eth0"}
		}
		return nil
	})
	if l.Info.Data["link"] != "eth0" || l.Info.Data["id"] != uint64(3) {
		t.Errorf("resolved info_data %v, want link eth0 and id 3", l.Info.Data)
	}
}

// Shaped options refuse what they cannot encode, naming the option.
func TestKindOptionShapeErrors(t *testing.T) {
	for _, c := range []struct {
		kind *linkKind
		give Options
		want string
	}{
		{vxlanKind(), Options{"port_range": int64(7)}, "wants a table"},
		{vxlanKind(), Options{"port_range": map[string]any{"lo": 1}}, "unknown field"},
		{bridgeKind(), Options{"no_linklocal_learn": int64(2)}, "info_data.no_linklocal_learn"},
		{bridgeKind(), Options{"no_linklocal_learn": true, "multi_boolopt": map[string]any{"optval": 1}}, "given together with its bits"},
		{vlanKind(), Options{"flags": []any{"FAST"}}, "unknown flag FAST (flags: REORDER_HDR, GVRP"},
		{vlanKind(), Options{"flags": "REORDER_HDR"}, "want a list of flag names"},
	} {
		err := c.kind.encodeData(codec.NewEncoder(nil), c.give)
		var ae *ArgError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: %v, want an *ArgError saying %q", c.kind.name, c.give, err, c.want)
		}
	}
}

// A rule delete selects by every field it sets, the protocol by number
// whichever way it is spelt, the ports and uids as ranges.
func TestRuleSelects(t *testing.T) {
	u := func(n uint32) *uint32 { return &n }
	y := Rule{Priority: 5, Family: "inet", IPProto: "tcp", Dport: 443, UIDStart: u(0), UIDEnd: u(9), Table: 60}
	for _, c := range []struct {
		r    Rule
		want bool
	}{
		{Rule{Priority: 5}, true},
		{Rule{IPProto: "6"}, true},
		{Rule{IPProto: "udp"}, false},
		{Rule{Dport: 443}, true},
		{Rule{Dport: 8443}, false},
		{Rule{DportStart: 400, DportEnd: 500}, false},
		{Rule{UIDStart: u(0), UIDEnd: u(9)}, true},
		{Rule{UIDStart: u(0), UIDEnd: u(10)}, false},
		{Rule{L3mdev: true}, false},
		{Rule{Table: 61}, false},
	} {
		if got := c.r.Selects(&y); got != c.want {
			t.Errorf("%+v selects %+v: %v, want %v", c.r, y, got, c.want)
		}
	}
}
