package rtnl

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	var clean strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		clean.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(clean.String())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The request `ip link add veth0 type veth peer name eth0 netns <fd 7>`
// with the host end up and the peer's MAC fixed, byte for byte.
func TestGoldenVethPeerInNetNS(t *testing.T) {
	f := &linkFakeConn{}
	c := New(f)
	ns, _ := netns.FD(7)
	err := c.AddLink(context.Background(), LinkSpec{Name: "veth0", Kind: "veth", Up: true,
		Peer: &LinkSpec{Name: "eth0", NetNS: &ns, Address: "02:00:00:00:00:01", MTU: 1400}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.sent) != 1 {
		t.Fatalf("sent %d messages, want 1", len(f.sent))
	}
	m := f.sent[0]
	if m.Header.Type != rtmNewLink || m.Header.Flags != codec.Create|codec.Excl {
		t.Errorf("header %+v, want RTM_NEWLINK CREATE|EXCL", m.Header)
	}
	want := unhex(t, `
		00 00 0000  00000000  01000000  01000000   # ifinfomsg: index 0, flags UP, change UP
		0a00 0300 7665746830 000000                # IFLA_IFNAME "veth0"
		5000 1280                                  # IFLA_LINKINFO (nested), 80 bytes
		  0900 0100 76657468 00 000000             #   IFLA_INFO_KIND "veth"
		  4000 0280                                #   IFLA_INFO_DATA (nested), 64 bytes
		    3c00 0180                              #     VETH_INFO_PEER (nested), 60 bytes
		      00 00 0000 00000000 00000000 00000000 #      peer ifinfomsg
		      0900 0300 65746830 00 000000         #       IFLA_IFNAME "eth0"
		      0800 0400 78050000                   #       IFLA_MTU 1400
		      0a00 0100 020000000001 0000          #       IFLA_ADDRESS 02:00:00:00:00:01
		      0800 1c00 07000000                   #       IFLA_NET_NS_FD 7
	`)
	if !bytes.Equal(m.Data, want) {
		t.Errorf("payload\n got %x\nwant %x\n%s", m.Data, want, protocol().Format(m, true))
	}
}

// `ip link add vx0 type vxlan id 42 local 10.0.0.1 remote 10.0.0.2
// dstport 4789 ttl 5 nolearning`, byte for byte.
func TestGoldenVxlan(t *testing.T) {
	f := &linkFakeConn{}
	c := New(f)
	err := c.AddLink(context.Background(), LinkSpec{Name: "vx0", Kind: "vxlan", Data: Options{
		"id": 42, "local": "10.0.0.1", "remote": "10.0.0.2", "port": 4789, "ttl": 5, "learning": false}})
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, `
		00 00 0000 00000000 00000000 00000000      # ifinfomsg
		0800 0300 76783000                         # IFLA_IFNAME "vx0"
		4400 1280                                  # IFLA_LINKINFO, 68 bytes
		  0a00 0100 7678 6c61 6e00 0000            #   IFLA_INFO_KIND "vxlan"
		  3400 0280                                #   IFLA_INFO_DATA, 52 bytes (table order)
		    0800 0100 2a000000                     #     IFLA_VXLAN_ID 42
		    0800 0200 0a000002                     #     IFLA_VXLAN_GROUP 10.0.0.2
		    0800 0400 0a000001                     #     IFLA_VXLAN_LOCAL 10.0.0.1
		    0500 0500 05 000000                    #     IFLA_VXLAN_TTL 5
		    0500 0700 00 000000                    #     IFLA_VXLAN_LEARNING 0
		    0600 0f00 12b5 0000                    #     IFLA_VXLAN_PORT 4789 (big-endian)
	`)
	if !bytes.Equal(f.sent[0].Data, want) {
		t.Errorf("payload\n got %x\nwant %x\n%s", f.sent[0].Data, want, protocol().Format(f.sent[0], true))
	}
}

func TestArgumentsRejectedBeforeSending(t *testing.T) {
	mtu0, neg := 0, -5
	long := "abcdefghijklmnop" // 16 bytes
	cases := []struct {
		name  string
		call  func(c *Client) error
		field string
	}{
		{"16-char ifname", func(c *Client) error { return c.AddLink(ctx(t), LinkSpec{Name: long, Kind: "dummy"}) }, "ifname"},
		{"peer name", func(c *Client) error {
			return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "veth", Peer: &LinkSpec{Name: "b/c"}})
		}, "peer.ifname"},
		{"negative mtu", func(c *Client) error { return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "dummy", MTU: -1}) }, "mtu"},
		{"mtu 0 on set", func(c *Client) error { return c.SetLink(ctx(t), ByName("a"), LinkChange{MTU: &mtu0}) }, "mtu"},
		{"negative mtu on set", func(c *Client) error { return c.SetLink(ctx(t), ByName("a"), LinkChange{MTU: &neg}) }, "mtu"},
		{"unknown option", func(c *Client) error {
			return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "vxlan", Data: Options{"vni": 1}})
		}, "info_data.vni"},
		{"option out of range", func(c *Client) error {
			return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "vxlan", Data: Options{"id": 1 << 24}})
		}, "info_data.id"},
		{"bad enum", func(c *Client) error {
			return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "macvlan", Data: Options{"mode": "bridged"}})
		}, "info_data"},
		{"group not multicast", func(c *Client) error {
			return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "vxlan", Data: Options{"group": "10.0.0.1"}})
		}, "info_data.group"},
		{"read-only option", func(c *Client) error {
			return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "bridge", Data: Options{"root_port": 1}})
		}, "info_data.root_port"},
		{"bad MAC", func(c *Client) error {
			return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "dummy", Address: "02:00:zz"})
		}, "address"},
		{"multicast MAC", func(c *Client) error {
			return c.SetLink(ctx(t), ByName("a"), LinkChange{Address: "01:00:5e:00:00:01"})
		}, "address"},
		{"options of an unknown kind", func(c *Client) error {
			return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "wireguard", Data: Options{"x": 1}})
		}, "info_data"},
		{"peer on a bridge", func(c *Client) error {
			return c.AddLink(ctx(t), LinkSpec{Name: "a", Kind: "bridge", Peer: &LinkSpec{Name: "b"}})
		}, "peer"},
		{"no kind", func(c *Client) error { return c.AddLink(ctx(t), LinkSpec{Name: "a"}) }, "kind"},
		{"master and nomaster", func(c *Client) error {
			return c.SetLink(ctx(t), ByName("a"), LinkChange{Master: &LinkRef{Index: 2}, NoMaster: true})
		}, "nomaster"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &linkFakeConn{}
			err := tc.call(New(f))
			var ae *ArgError
			if !errors.As(err, &ae) || !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("error %v (%T), want *ArgError", err, err)
			}
			if ae.Field != tc.field {
				t.Errorf("field %q, want %q (%v)", ae.Field, tc.field, err)
			}
			if len(f.sent) != 0 {
				t.Errorf("%d messages sent for a bad argument", len(f.sent))
			}
		})
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

func TestKernelErrorNamesOpAndObject(t *testing.T) {
	f := &linkFakeConn{answer: func(m codec.Message) ([]codec.Message, error) {
		return nil, &codec.Error{Errno: syscall.EEXIST, Msg: "device already exists"}
	}}
	err := New(f).AddLink(ctx(t), LinkSpec{Name: "veth0", Kind: "veth"})
	if !errors.Is(err, syscall.EEXIST) {
		t.Fatalf("%v does not match EEXIST", err)
	}
	if s := err.Error(); !strings.HasPrefix(s, "RTM_NEWLINK veth0: ") || !strings.Contains(s, "device already exists") {
		t.Errorf("error reads %q", s)
	}
}

// A link from a newer kernel carries attribute 200, which nlsh does not
// know: it is kept on the Link, and writing the listed link back sends it
// unchanged.
func TestUnknownAttributeSurvivesListSet(t *testing.T) {
	unknown := []byte{0xde, 0xad, 0xbe, 0xef, 0x01}
	f := &linkFakeConn{}
	f.answer = func(m codec.Message) ([]codec.Message, error) {
		if m.Header.Type != rtmGetLink {
			return nil, nil
		}
		return []codec.Message{linkMsg(rtmNewLink, 7, FlagUp|FlagBroadcast, func(e *codec.Encoder) {
			e.String(iflaIfname, "eth9")
			e.Uint32(iflaMTU, 9000)
			e.Bytes(200, unknown)
			e.Nested(201, func(e *codec.Encoder) { e.Uint8(1, 3) })
		})}, nil
	}
	c := New(f)
	ls, err := c.ListLinks(ctx(t), LinkFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || len(ls[0].Unknown) != 2 || ls[0].Unknown[0].Type != 200 || !bytes.Equal(ls[0].Unknown[0].Data, unknown) {
		t.Fatalf("unknown attributes not kept: %+v", ls)
	}
	if ls[0].Unknown[1].Type != 201|codec.AttrNested {
		t.Errorf("nested flag lost: type %#x", ls[0].Unknown[1].Type)
	}
	l := ls[0]
	l.MTU = 1500
	if err := c.UpdateLink(ctx(t), l); err != nil {
		t.Fatal(err)
	}
	req := f.sent[len(f.sent)-1]
	var got []RawAttr
	var mtu uint32
	d := codec.NewDecoder(req.Data[ifinfomsgLen:])
	for d.Next() {
		switch {
		case d.Type() == iflaMTU:
			mtu = d.Uint32()
		case d.Type() >= 200:
			got = append(got, RawAttr{d.TypeFlags(), append([]byte(nil), d.Bytes()...)})
		}
	}
	if mtu != 1500 {
		t.Errorf("mtu %d in the request, want 1500", mtu)
	}
	if len(got) != 2 || got[0].Type != 200 || !bytes.Equal(got[0].Data, unknown) || got[1].Type != 201|codec.AttrNested {
		t.Errorf("unknown attributes in the request: %+v", got)
	}
}

func TestDecodeLinkAsIPPrintsIt(t *testing.T) {
	m := linkMsg(rtmNewLink, 3, FlagUp|FlagBroadcast|FlagMulticast|FlagLowerUp|FlagRunning, func(e *codec.Encoder) {
		e.String(iflaIfname, "vx0")
		e.Uint32(iflaMTU, 1450)
		e.Uint8(iflaOperState, 6)
		e.Bytes(iflaAddress, []byte{2, 0, 0, 0, 0, 1})
		e.Nested(iflaLinkInfo, func(e *codec.Encoder) {
			e.String(iflaInfoKind, "vxlan")
			e.Nested(iflaInfoData, func(e *codec.Encoder) {
				e.Uint32(1, 42)
				e.Bytes(2, []byte{239, 1, 1, 1})
				e.Uint8(7, 1)
				e.Be16(15, 4789)
				e.Uint8(29, 0)
				e.Bytes(99, []byte{1, 2})
			})
		})
		stats := make([]byte, 25*8)
		stats[2*8] = 100 // rx_bytes
		stats[1*8] = 3   // tx_packets
		e.Bytes(iflaStats64, stats)
	})
	l, err := decodeLink(m.Data)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(l)
	var got map[string]any
	json.Unmarshal(b, &got)
	want := map[string]any{
		"ifindex": 3.0, "ifname": "vx0", "mtu": 1450.0, "operstate": "UP", "link_type": "ether",
		"address": "02:00:00:00:00:01",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if fl := strings.Join(l.Flags.Names(), ","); fl != "BROADCAST,MULTICAST,UP,LOWER_UP" {
		t.Errorf("flags %s", fl)
	}
	data := l.Info.Data
	if data["id"] != uint64(42) || data["group"].(interface{ String() string }).String() != "239.1.1.1" ||
		data["learning"] != true || data["port"] != uint64(4789) || data["df"] != "unset" {
		t.Errorf("info_data %v", data)
	}
	if raw, ok := data["attr_99"].(codec.Raw); !ok || !bytes.Equal(raw, []byte{1, 2}) {
		t.Errorf("unknown info_data attribute not kept: %v", data["attr_99"])
	}
	if l.Stats64.RX.Bytes != 100 || l.Stats64.TX.Packets != 3 {
		t.Errorf("stats64 %+v", l.Stats64)
	}
	if f := (LinkFlags(FlagUp)).Names(); f[0] != "NO-CARRIER" {
		t.Errorf("up without RUNNING prints %v, want NO-CARRIER first", f)
	}
}

// Options decoded from the kernel encode back to the same bytes (the
// unknown attr_99 included), so info data survives a round trip.
func TestKindDataRoundTrip(t *testing.T) {
	e := codec.NewEncoder(nil)
	e.Uint32(1, 42)
	e.Bytes(2, []byte{10, 0, 0, 2})
	e.Uint8(7, 1)
	e.Be16(15, 4789)
	e.Bytes(99, []byte{1, 2})
	in, _ := e.Encode()
	opts, err := vxlanKind().decodeData(in)
	if err != nil {
		t.Fatal(err)
	}
	if opts["remote"] == nil {
		t.Fatalf("unicast group decoded as %v, want remote", opts)
	}
	out := codec.NewEncoder(nil)
	if err := vxlanKind().encodeData(out, opts); err != nil {
		t.Fatal(err)
	}
	b, _ := out.Encode()
	if !bytes.Equal(b, in) {
		t.Errorf("round trip\n got %x\nwant %x", b, in)
	}
}

func TestAddLinksBatchesAndMapsErrors(t *testing.T) {
	f := &linkFakeConn{answer: func(m codec.Message) ([]codec.Message, error) {
		if bytes.Contains(m.Data, []byte("ifb1\x00")) {
			return nil, &codec.Error{Errno: syscall.EEXIST}
		}
		return nil, nil
	}}
	errs, err := New(f).AddLinks(ctx(t), []LinkSpec{
		{Name: "ifb0", Kind: "ifb"}, {Name: "way-too-long-name", Kind: "ifb"}, {Name: "ifb1", Kind: "ifb"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || !errors.Is(errs[1], ErrInvalidArgument) || !errors.Is(errs[2], syscall.EEXIST) {
		t.Errorf("errors %v", errs)
	}
	if !strings.Contains(errs[2].Error(), "RTM_NEWLINK ifb1") {
		t.Errorf("batch error lacks op/object: %v", errs[2])
	}
	if len(f.sent) != 2 {
		t.Errorf("%d sent, want 2 (the invalid one is not)", len(f.sent))
	}
}

func TestMonitorEventsAndLoss(t *testing.T) {
	f := &linkFakeConn{events: make(chan linkFakeEvent, 4)}
	c := New(f)
	mon, err := c.Monitor(ctx(t), GroupLink)
	if err != nil {
		t.Fatal(err)
	}
	defer mon.Close()
	f.events <- linkFakeEvent{msgs: []codec.Message{
		linkMsg(rtmNewLink, 4, FlagUp, func(e *codec.Encoder) { e.String(iflaIfname, "a") }),
		linkMsg(rtmDelLink, 4, 0, func(e *codec.Encoder) { e.String(iflaIfname, "a") }),
	}}
	f.events <- linkFakeEvent{err: ErrEventsLost}
	ev, err := mon.Next(ctx(t))
	if err != nil || ev.Type != "RTM_NEWLINK" || ev.Deleted || ev.Link().Name != "a" || ev.Group != GroupLink {
		t.Fatalf("first event %+v, %v", ev, err)
	}
	ev, err = mon.Next(ctx(t))
	if err != nil || !ev.Deleted || ev.Link().Index != 4 {
		t.Fatalf("second event %+v, %v", ev, err)
	}
	if _, err = mon.Next(ctx(t)); !errors.Is(err, ErrEventsLost) {
		t.Fatalf("overrun reported as %v", err)
	}
	if _, err := c.Monitor(ctx(t), "links"); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("unknown group: %v", err)
	}
}

// WaitLink subscribes, finds the link absent, follows events (ignoring
// other links), and after lost events looks again; it times out with the
// context's deadline when the condition never holds.
func TestWaitLinkFollowsEvents(t *testing.T) {
	f := &linkFakeConn{events: make(chan linkFakeEvent, 4)}
	gets := 0
	f.answer = func(m codec.Message) ([]codec.Message, error) {
		gets++
		if gets == 1 {
			return nil, &codec.Error{Errno: syscall.ENODEV}
		}
		// The look after the loss finds it up with carrier.
		return []codec.Message{linkMsg(rtmNewLink, 5, FlagUp|FlagLowerUp|FlagRunning, func(e *codec.Encoder) { e.String(iflaIfname, "w0") })}, nil
	}
	f.events <- linkFakeEvent{msgs: []codec.Message{linkMsg(rtmNewLink, 9, FlagUp|FlagLowerUp, func(e *codec.Encoder) { e.String(iflaIfname, "other") })}}
	f.events <- linkFakeEvent{msgs: []codec.Message{linkMsg(rtmNewLink, 5, 0, func(e *codec.Encoder) { e.String(iflaIfname, "w0") })}}
	f.events <- linkFakeEvent{err: ErrEventsLost}
	c := New(f)
	l, err := c.WaitLink(ctx(t), "w0", UntilCarrier)
	if err != nil || !l.HasCarrier() || l.Index != 5 {
		t.Fatalf("WaitLink = %+v, %v", l, err)
	}
	if gets != 2 {
		t.Errorf("%d GETs, want 2 (initial look, resync)", gets)
	}
	if len(f.events) != 0 {
		t.Errorf("%d event batches left unread", len(f.events))
	}

	short, cancel := context.WithTimeout(ctx(t), 50*time.Millisecond)
	defer cancel()
	l, err = c.WaitLink(short, "w0", UntilGone)
	if !errors.Is(err, context.DeadlineExceeded) || l == nil {
		t.Errorf("WaitLink gone = %v, %v; want the link and a deadline error", l, err)
	}
}

// A deadline the socket saw before the context's timer fired (the
// context not yet done) still ends WaitLink, WaitAddr and Monitor.Next
// with an error wrapping context.DeadlineExceeded that names what was
// waited for.
func TestWaitDeadlineSeenBySocket(t *testing.T) {
	sockErr := fmt.Errorf("receive: %w", context.DeadlineExceeded)
	f := &linkFakeConn{events: make(chan linkFakeEvent, 4)}
	f.answer = func(m codec.Message) ([]codec.Message, error) {
		switch m.Header.Type {
		case rtmGetLink:
			return []codec.Message{linkMsg(rtmNewLink, 5, FlagUp, func(e *codec.Encoder) { e.String(iflaIfname, "veth0") })}, nil
		}
		return nil, nil
	}
	c := New(f)
	f.events <- linkFakeEvent{err: sockErr}
	_, err := c.WaitLink(ctx(t), "veth0", UntilCarrier)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "link veth0 has carrier") {
		t.Errorf("WaitLink: %v", err)
	}
	f.events <- linkFakeEvent{err: sockErr}
	_, err = c.WaitAddr(ctx(t), "veth0", netip.MustParseAddr("10.0.0.1"), UntilAddrExists)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "address 10.0.0.1 dev veth0 exists") {
		t.Errorf("WaitAddr: %v", err)
	}
	mon, err := c.Monitor(ctx(t), GroupRoute, GroupNeigh)
	if err != nil {
		t.Fatal(err)
	}
	defer mon.Close()
	f.events <- linkFakeEvent{err: sockErr}
	_, err = mon.Next(ctx(t))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "route/neigh event") {
		t.Errorf("Monitor.Next: %v", err)
	}
}

// Every kind's and port kind's rows and schema build (they are built on
// first use, so a bad row would otherwise panic in a user's call), once:
// the table hands out one kind per name, named as its entry, whose schema
// holds every option row that is not an alias and is what linkinfo's
// selectors pick.
func TestKindSchemas(t *testing.T) {
	for _, table := range []struct {
		what  string
		kinds kindTable
		pick  func(string) *codec.Schema
	}{{"kind", kinds, kindSchema}, {"port kind", slaveKinds, slaveKindSchema}} {
		seen := map[string]bool{}
		for _, e := range table.kinds {
			name := e.name
			if seen[name] {
				t.Errorf("%s %s: listed twice", table.what, name)
			}
			seen[name] = true
			k := table.kinds.get(name)
			if k == nil || k.name != name || k != e.kind() {
				t.Fatalf("%s %s: table gives %v", table.what, name, k)
			}
			s := k.schema()
			if s == nil || s.Name != name {
				t.Fatalf("%s %s: schema %v", table.what, name, s)
			}
			for _, o := range k.options {
				if o.AliasOf == "" && o.BitOf == "" && s.ByName(o.Name) == nil {
					t.Errorf("%s %s: option %q missing from its schema", table.what, name, o.Name)
				}
				if p := k.option(o.BitOf); o.BitOf != "" && (p == nil || p.Format != fmtOmit || o.Bit >= 64) {
					t.Errorf("%s %s: bit option %q of %q, which is not a listed-by-bits option", table.what, name, o.Name, o.BitOf)
				}
			}
			if table.pick(name) != s {
				t.Errorf("%s %s: the linkinfo selector picks another schema", table.what, name)
			}
		}
		if table.pick("nosuch") != nil || table.kinds.get("nosuch") != nil {
			t.Errorf("%s nosuch has a schema", table.what)
		}
	}
}

// A link request refuses, before sending, a name the kernel would refuse:
// a byte dev_valid_name refuses (codec.IfnameBadByte), the length, "."
// and "..", each as an *ArgError on its field.
func TestCheckIfname(t *testing.T) {
	for _, name := range []string{"eth0", "br-lan.100", "veth@x", "abcdefghijklmno"} {
		if err := checkIfname("ifname", name); err != nil {
			t.Errorf("checkIfname(%q) = %v", name, err)
		}
	}
	for _, name := range []string{"", ".", "..", "abcdefghijklmnop", "e/0", "e:0", "x%d", "e 0", "e\r0", "e\xa00", "e\x000"} {
		err := checkIfname("peer.ifname", name)
		var ae *ArgError
		if !errors.As(err, &ae) || ae.Field != "peer.ifname" {
			t.Errorf("checkIfname(%q) = %v, want an *ArgError on peer.ifname", name, err)
		}
	}
}
