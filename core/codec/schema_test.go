package codec

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

// vxlanLink is a Lua-style request table for a vxlan link.
func vxlanLink() map[string]any {
	return map[string]any{
		"mtu":    float64(1450), // Lua numbers are float64
		"ifname": "vx0",
		"linkinfo": map[string]any{
			"data": map[string]any{"id": 42, "group": "239.1.1.1", "port": 4789},
			"kind": "vxlan",
		},
	}
}

func TestEncodeMapDeterministic(t *testing.T) {
	want := mustHex(t, ""+
		"0800 0300 76783000"+ // ifname "vx0" (schema order: ifname before mtu)
		"0800 0400 aa050000"+ // mtu 1450
		"2c00 1280"+ // linkinfo, 44 bytes
		"0a00 0100 76786c616e00 0000"+ // kind "vxlan"
		"1c00 0280"+ // data, 28 bytes
		"0800 0100 2a000000"+ // id 42
		"0800 0200 ef010101"+ // group 239.1.1.1
		"0600 0f00 12b5 0000") // port 4789, big-endian
	for i := 0; i < 20; i++ { // map order varies run to run
		b, err := testLinkAttrs.EncodeMap(vxlanLink())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, want) {
			t.Fatalf("EncodeMap\n got %x\nwant %x", b, want)
		}
	}
	tree, err := testLinkAttrs.Decode(want)
	if err != nil {
		t.Fatal(err)
	}
	li, _ := tree.Get("linkinfo")
	data, _ := li.(*Tree).Get("data")
	if id, _ := data.(*Tree).Get("id"); id != uint64(42) {
		t.Errorf("linkinfo.data.id = %#v", id)
	}
	if g, _ := data.(*Tree).Get("group"); g != netip.MustParseAddr("239.1.1.1") {
		t.Errorf("group %v", g)
	}
	if got := tree.String(); got != `ifname="vx0" mtu=1450 linkinfo={kind="vxlan" data={id=42 group=239.1.1.1 port=4789}}` {
		t.Errorf("String() = %s", got)
	}
}

// The selector may follow the selected attribute on the wire.
func TestSelectAfterData(t *testing.T) {
	b := mustHex(t, ""+
		"1c00 1280"+
		"0c00 0280 0600 0100 6400 0000"+ // data first: vlan id 100 (u16)
		"0900 0100 766c616e00 000000") // then kind "vlan"
	tree, err := testLinkAttrs.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	li, _ := tree.Get("linkinfo")
	data, ok := li.(*Tree).Get("data")
	dt, _ := data.(*Tree)
	if !ok || dt == nil {
		t.Fatalf("data = %#v, want a tree chosen by the later kind", data)
	}
	if id, _ := dt.Get("id"); id != uint64(100) {
		t.Errorf("vlan id %#v", id)
	}
	enc, err := testLinkAttrs.Encode(tree)
	if err != nil || !bytes.Equal(enc, b) {
		t.Errorf("re-encode %x, %v; want %x (wire order kept)", enc, err, b)
	}
	// An unknown kind keeps the data raw, and writes it back unchanged.
	unknown := bytes.Replace(b, []byte("vlan"), []byte("xlan"), 1)
	tree, err = testLinkAttrs.Decode(unknown)
	if err != nil {
		t.Fatal(err)
	}
	li, _ = tree.Get("linkinfo")
	if d, _ := li.(*Tree).Get("data"); !bytes.Equal(d.(Raw), unknown[8:16]) {
		t.Errorf("data of an unknown kind = %#v", d)
	}
	if enc, _ := testLinkAttrs.Encode(tree); !bytes.Equal(enc, unknown) {
		t.Errorf("unknown kind re-encodes as %x", enc)
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		m    map[string]any
		want string
	}{
		{map[string]any{"linkinfo": map[string]any{"kind": "vlan", "data": map[string]any{"id": 70000}}},
			"linkinfo.data.id: value 70000 out of range for u16"},
		{map[string]any{"mtu": -1}, "mtu: value -1 out of range for u32"},
		{map[string]any{"mtu": 1.5}, "mtu: value 1.5 is not an integer"},
		{map[string]any{"mtu": "big"}, `mtu: "big" is not a number`},
		{map[string]any{"mtu": true}, "mtu: u32 wants an integer, not bool"},
		{map[string]any{"ifname": "a\x00b"}, `ifname: string "a\x00b" contains a NUL byte`},
		{map[string]any{"ifname": 3}, "ifname: string wants a string, not int"},
		{map[string]any{"nosuch": 1, "zzz": 2}, "nosuch: unknown field of link"},
		{map[string]any{"linkinfo": map[string]any{"kind": "vxlan", "data": map[string]any{"grp": "1.2.3.4"}}},
			"linkinfo.data.grp: unknown field of vxlan"},
		{map[string]any{"linkinfo": map[string]any{"data": map[string]any{"id": 1}}},
			"linkinfo.data: needs kind to choose its contents"},
		{map[string]any{"linkinfo": map[string]any{"kind": "nosuch", "data": map[string]any{}}},
			`linkinfo.data: no schema for kind "nosuch"`},
		{map[string]any{"linkinfo": map[string]any{"kind": "vxlan", "data": map[string]any{"group": "1.2.3"}}},
			`linkinfo.data.group: bad IP address "1.2.3"`},
		{map[string]any{"address": "zz:00"}, `address: bad MAC address "zz:00"`},
		{map[string]any{"operstate": "SIDEWAYS"}, `operstate: unknown name "SIDEWAYS" (one of UNKNOWN, NOTPRESENT, DOWN, LOWERLAYERDOWN, TESTING, DORMANT, UP)`},
		{map[string]any{"linkinfo": 5}, "linkinfo: wants a table, not int"},
		{map[string]any{"stats64": map[string]any{"rx_packets": -1}}, "stats64.rx_packets: value -1 out of range for u64"},
		{map[string]any{"prop_list": map[string]any{"altname": []any{"a", 2}}}, "prop_list.altname[2]: string wants a string, not int"},
		{map[string]any{"attr_99": 5}, "attr_99: an unknown attribute takes raw bytes, not int"},
	}
	for _, c := range cases {
		_, err := testLinkAttrs.EncodeMap(c.m)
		if err == nil || err.Error() != c.want {
			t.Errorf("EncodeMap(%v)\n got %v\nwant %s", c.m, err, c.want)
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || !strings.HasPrefix(c.want, fe.Path+": ") {
			t.Errorf("%v: not a *FieldError with the path", err)
		}
	}
	if _, err := testLinkMsg.EncodeMap(map[string]any{"index": int64(1) << 40}, nil); err == nil ||
		err.Error() != "ifinfomsg.index: value 1099511627776 out of range for s32" {
		t.Errorf("header range: %v", err)
	}
}

func TestEncodeNamesAndLooseValues(t *testing.T) {
	b, err := testLinkMsg.EncodeMap(
		map[string]any{"index": 3, "flags": "UP|LOOPBACK", "change": []any{"UP"}, "type": "ether"},
		map[string]any{
			"operstate": "UP",
			"address":   "02:00:00:00:00:01",
			"prop_list": map[string]any{"altname": []any{"first", "second"}},
			"attr_200":  []byte{9, 9},
		})
	if err != nil {
		t.Fatal(err)
	}
	hdr, attrs, err := testLinkMsg.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := hdr.String(); got != "family=0 type=ether index=3 flags=UP|LOOPBACK change=UP" {
		t.Errorf("header %s", got)
	}
	if v, _ := attrs.Get("operstate"); v != uint64(6) {
		t.Errorf("operstate %v", v)
	}
	if v, _ := attrs.Get("address"); v.(net.HardwareAddr).String() != "02:00:00:00:00:01" {
		t.Errorf("address %v", v)
	}
	pl, _ := attrs.Get("prop_list")
	if names := pl.(*Tree).All("altname"); len(names) != 2 || names[0] != "first" || names[1] != "second" {
		t.Errorf("altnames %v", names)
	}
	f := attrs.Field("attr_200")
	if f == nil || f.Type != 200 || !bytes.Equal(f.Value.(Raw), []byte{9, 9}) {
		t.Errorf("raw attr_200 = %+v", f)
	}
	// Unknown flag bits print in hex; flags 0 prints as a number.
	a := testIfinfomsg.ByName("flags")
	if got := string(appendNamedInt(nil, a, 0x1|0x8|0x100000, "")); got != "UP|LOOPBACK|0x100000" {
		t.Errorf("flags %s", got)
	}
}

func TestEncodeTreeByHand(t *testing.T) {
	tree := new(Tree).Add("ifname", "veth0").Add("mtu", uint64(1500)).
		Add("linkinfo", new(Tree).Add("kind", "veth").
			Add("data", new(Tree).Add("peer", new(Tree).Add("ifname", "eth0").Add("ifinfomsg", map[string]any{"index": 7}))))
	b, err := testLinkAttrs.Encode(tree)
	if err != nil {
		t.Fatal(err)
	}
	back, err := testLinkAttrs.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := `ifname="veth0" mtu=1500 linkinfo={kind="veth" data={peer={ifinfomsg={family=0 type=0 index=7 flags=0 change=0} ifname="eth0"}}}`
	if got := back.String(); got != want {
		t.Errorf("decoded\n got %s\nwant %s", got, want)
	}
	// The peer's struct ifinfomsg comes first, then its attributes at
	// byte 16: AttrPath finds both.
	msg := append(make([]byte, 16), b...)
	peer := bytes.Index(msg, []byte("\x03\x00eth0")) - 2 // the peer's IFLA_IFNAME
	if got := AttrPath(testLinkMsg, msg, uint32(HeaderLen+peer)); got != "IFLA_LINKINFO.IFLA_INFO_DATA.VETH_INFO_PEER.IFLA_IFNAME" {
		t.Errorf("AttrPath into the peer = %q", got)
	}
	if got := AttrPath(testLinkMsg, msg, uint32(HeaderLen+peer-8)); got != "IFLA_LINKINFO.IFLA_INFO_DATA.VETH_INFO_PEER.ifinfomsg.flags" {
		t.Errorf("AttrPath into the peer header = %q", got)
	}
	if _, err := testLinkAttrs.Encode(new(Tree).Add("bogus", 1)); err == nil || err.Error() != "bogus: unknown field" {
		t.Errorf("unknown tree field: %v", err)
	}
}

func TestDecodeKindMismatchKeepsRaw(t *testing.T) {
	b := mustHex(t, ""+
		"0700 0400 010203 00"+ // mtu of 3 bytes
		"0800 0300 610062 00"+ // ifname with a NUL inside
		"0500 1000 07 000000"+ // operstate 7: no name
		"0600 0100 0102 0000") // 2-byte hardware address: fine
	tree, err := testLinkAttrs.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := tree.Get("mtu"); !bytes.Equal(v.(Raw), []byte{1, 2, 3}) {
		t.Errorf("mtu %#v", v)
	}
	if v, _ := tree.Get("ifname"); !bytes.Equal(v.(Raw), []byte("a\x00b\x00")) {
		t.Errorf("ifname %#v", v)
	}
	if got := tree.String(); got != "mtu=<010203> ifname=<61006200> operstate=7 address=01:02" {
		t.Errorf("String() = %s", got)
	}
	enc, err := testLinkAttrs.Encode(tree)
	if err != nil || !bytes.Equal(enc, b) {
		t.Errorf("re-encode %x, %v", enc, err)
	}
}

func TestDecodeMalformedNest(t *testing.T) {
	b := mustHex(t, "0c00 1280 0900 0100 0000 0000")
	_, err := testLinkAttrs.Decode(b)
	if !errors.Is(err, ErrTruncated) || !strings.HasPrefix(err.Error(), "linkinfo: ") {
		t.Errorf("err %v, want ErrTruncated under linkinfo", err)
	}
	_, _, err = testLinkMsg.Decode(make([]byte, 10))
	if !errors.Is(err, ErrTruncated) || !strings.HasPrefix(err.Error(), "RTM_NEWLINK: ifinfomsg: ") {
		t.Errorf("short family header: %v", err)
	}
	_, err = testCtrlAttrs.Decode(mustHex(t, "0c00 0680 0800 0180 0500 0100"))
	if !errors.Is(err, ErrTruncated) || !strings.HasPrefix(err.Error(), "ops[1]: ") {
		t.Errorf("array entry: %v", err)
	}
}

func TestAttrPath(t *testing.T) {
	req := readGolden(t, "newlink_vxlan_badid.req.hex")
	p := req[HeaderLen:]
	cases := map[uint32]string{
		0:   "", // inside nlmsghdr
		20:  "ifinfomsg.index",
		31:  "ifinfomsg.change",
		32:  "IFLA_IFNAME",
		39:  "IFLA_IFNAME",
		40:  "IFLA_LINKINFO",
		44:  "IFLA_LINKINFO.IFLA_INFO_KIND",
		56:  "IFLA_LINKINFO.IFLA_INFO_DATA",
		60:  "IFLA_LINKINFO.IFLA_INFO_DATA.IFLA_VXLAN_ID",
		64:  "IFLA_LINKINFO.IFLA_INFO_DATA.IFLA_VXLAN_ID",
		68:  "", // past the end
		999: "",
	}
	for off, want := range cases {
		if got := AttrPath(testLinkMsg, p, off); got != want {
			t.Errorf("AttrPath(%d) = %q, want %q", off, got, want)
		}
	}
	// Unknown attributes are named by number, nested ones walked if they
	// carry NLA_F_NESTED; entries of arrays by position.
	b := mustHex(t, "0c00 6380 0800 0700 01000000")
	if got := AttrPath(&MessageSchema{Attrs: testLinkAttrs}, b, HeaderLen+8); got != "99.7" {
		t.Errorf("unknown nest path %q", got)
	}
	genl := firstMessage(t, "genl_getfamily_netdev.reply.hex")
	ops := bytes.Index(genl.Data, mustHex(t, "0800 0100 05000000")) // op id 5: the second entry
	if got := AttrPath(testCtrlProto.Message(0x10), genl.Data, uint32(HeaderLen+ops)); got != "CTRL_ATTR_OPS[2].CTRL_ATTR_OP_ID" {
		t.Errorf("array path %q", got)
	}
}

func TestFormatMessages(t *testing.T) {
	req := readGolden(t, "newlink_veth_ack.req.hex")
	m := firstMessage(t, "newlink_veth_ack.req.hex")
	line := testProto.Format(m, false)
	want := `RTM_NEWLINK flags=REQUEST|ACK|EXCL|CREATE seq=105 pid=0 {family=0 type=0 index=0 flags=0 change=0} ifname="nl0" mtu=1400 linkinfo={kind="veth" data={peer={ifinfomsg={family=0 type=0 index=0 flags=0 change=0} ifname="nl1"}}}`
	if line != want {
		t.Errorf("Format\n got %s\nwant %s", line, want)
	}
	ind := testProto.Format(m, true)
	wantInd := `RTM_NEWLINK flags=REQUEST|ACK|EXCL|CREATE seq=105 pid=0
  ifinfomsg: {family=0 type=0 index=0 flags=0 change=0}
  ifname: "nl0"
  mtu: 1400
  linkinfo:
    kind: "veth"
    data:
      peer:
        ifinfomsg:
          family: 0
          type: 0
          index: 0
          flags: 0
          change: 0
        ifname: "nl1"
`
	if ind != wantInd {
		t.Errorf("indented\n%s\nwant\n%s", ind, wantInd)
	}
	ack := testProto.Format(firstMessage(t, "newlink_vxlan_badid.reply.hex"), false)
	if !strings.Contains(ack, `NLMSG_ERROR flags=ACK_TLVS seq=104 pid=`) ||
		!strings.HasSuffix(ack, ` msg="VXLAN ID must be lower than 16777216" offset=60 attr=IFLA_LINKINFO.IFLA_INFO_DATA.IFLA_VXLAN_ID for=RTM_NEWLINK seq=104`) {
		t.Errorf("ack line %s", ack)
	}
	ok := testProto.Format(firstMessage(t, "newlink_veth_ack.reply.hex"), false)
	if !strings.HasSuffix(ok, " ack for=RTM_NEWLINK seq=105") || !strings.Contains(ok, "flags=CAPPED ") {
		t.Errorf("ack line %s", ok)
	}
	// Undecodable and unknown messages still print.
	bad := Message{Header: Header{Type: 16, Seq: 1}, Data: []byte{1, 2}}
	if s := testProto.Format(bad, false); !strings.Contains(s, "undecodable") || !strings.HasSuffix(s, "<0102>") {
		t.Errorf("bad message: %s", s)
	}
	var nilProto *Protocol
	if s := nilProto.Format(Message{Header: Header{Type: 0x99, Flags: Request | Dump}, Data: []byte{7}}, false); s != "type 0x0099 flags=REQUEST|0x300 seq=0 pid=0 <07>" {
		t.Errorf("nil protocol: %s", s)
	}
	if s := testProto.FormatFlags(18, Request|Dump|Acknowledge); s != "REQUEST|ACK|DUMP" {
		t.Errorf("get flags %s", s)
	}
	if s := testProto.FormatFlags(17, Request|NonRec); s != "REQUEST|NONREC" {
		t.Errorf("del flags %s", s)
	}
	_ = req
}

func TestNewSchemaPanics(t *testing.T) {
	bad := map[string]func(){
		"dup type":        func() { NewSchema("x", Attr{Name: "a", Type: 1, Kind: KindU8}, Attr{Name: "b", Type: 1, Kind: KindU8}) },
		"dup name":        func() { NewSchema("x", Attr{Name: "a", Type: 1, Kind: KindU8}, Attr{Name: "a", Type: 2, Kind: KindU8}) },
		"raw-like name":   func() { NewSchema("x", Attr{Name: "attr_1", Type: 1, Kind: KindU8}) },
		"nest w/o schema": func() { NewSchema("x", Attr{Name: "a", Type: 1, Kind: KindNested}) },
		"bad selector": func() {
			NewSchema("x", Attr{Name: "a", Type: 1, Kind: KindNested, Select: &Select{By: "nope"}})
		},
		"enum on string": func() { NewSchema("x", Attr{Name: "a", Type: 1, Kind: KindString, Enum: map[uint64]string{}}) },
		"flag bits":      func() { NewSchema("x", Attr{Name: "a", Type: 0x8001, Kind: KindU8}) },
		"struct overflow": func() {
			NewStruct("s", 4, Attr{Name: "a", Kind: KindU32, Offset: 2})
		},
		"dup protocol type": func() {
			NewProtocol("p", &MessageSchema{Name: "A", Type: 1}, &MessageSchema{Name: "B", Type: 1})
		},
	}
	for name, fn := range bad {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
}

func TestKindsRoundTrip(t *testing.T) {
	s := NewSchema("all",
		Attr{Name: "u8", Type: 1, Kind: KindU8}, Attr{Name: "u16", Type: 2, Kind: KindU16},
		Attr{Name: "u64", Type: 3, Kind: KindU64}, Attr{Name: "s8", Type: 4, Kind: KindS8},
		Attr{Name: "s16", Type: 5, Kind: KindS16}, Attr{Name: "s32", Type: 6, Kind: KindS32},
		Attr{Name: "s64", Type: 7, Kind: KindS64}, Attr{Name: "uint", Type: 8, Kind: KindUint},
		Attr{Name: "sint", Type: 9, Kind: KindSint}, Attr{Name: "be32", Type: 10, Kind: KindBe32},
		Attr{Name: "be64", Type: 11, Kind: KindBe64}, Attr{Name: "bin", Type: 12, Kind: KindBinary},
		Attr{Name: "flag", Type: 13, Kind: KindFlag}, Attr{Name: "off", Type: 14, Kind: KindFlag},
		Attr{Name: "v6", Type: 15, Kind: KindAddr}, Attr{Name: "big", Type: 16, Kind: KindUint},
		Attr{Name: "neg", Type: 17, Kind: KindSint},
	)
	m := map[string]any{"u8": 255, "u16": uint16(65535), "u64": uint64(1<<64 - 1), "s8": -128, "s16": int16(-2),
		"s32": int32(-3), "s64": int64(-1 << 62), "uint": 5, "sint": -5, "be32": 0x01020304, "be64": 1,
		"bin": "raw", "flag": true, "off": false, "v6": netip.MustParseAddr("::ffff:1.2.3.4"),
		"big": uint64(1 << 40), "neg": int64(-1 << 40)}
	b, err := s.EncodeMap(m)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := s.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := `u8=255 u16=65535 u64=18446744073709551615 s8=-128 s16=-2 s32=-3 s64=-4611686018427387904 uint=5 sint=-5 be32=16909060 be64=1 bin=<726177> flag=true v6=::ffff:1.2.3.4 big=1099511627776 neg=-1099511627776`
	if got := tree.String(); got != want {
		t.Errorf("decoded\n got %s\nwant %s", got, want)
	}
	if f := tree.Field("uint"); len(b) == 0 || f == nil {
		t.Fatal("no uint")
	}
	// uint fits 4 bytes, big needs 8.
	var d Decoder
	d.Reset(b)
	for d.Next() {
		if d.Type() == 8 && d.Len() != 4 || d.Type() == 16 && d.Len() != 8 {
			t.Errorf("attr %d: %d bytes", d.Type(), d.Len())
		}
	}
	again, _ := s.Encode(tree)
	if !bytes.Equal(again, b) {
		t.Errorf("tree re-encode differs")
	}
	for _, c := range []struct {
		name string
		v    any
	}{{"s8", 128}, {"s8", -129}, {"u8", 256}, {"sint", uint64(1 << 63)}, {"uint", -1}, {"flag", 1}, {"v6", 7}} {
		if _, err := s.EncodeMap(map[string]any{c.name: c.v}); err == nil {
			t.Errorf("%s = %v accepted", c.name, c.v)
		}
	}
}

func TestRawNames(t *testing.T) {
	for name, want := range map[string]int{"attr_0": 0, "attr_42": 42, "attr_16383": 16383,
		"attr_16384": -1, "attr_007": -1, "attr_": -1, "attr_4x": -1, "attr_-1": -1, "mtu": -1} {
		n, ok := parseRawName(name)
		if ok != (want >= 0) || ok && int(n) != want {
			t.Errorf("parseRawName(%q) = %d, %v", name, n, ok)
		}
	}
	if rawName(42|AttrNested) != "attr_42" {
		t.Errorf("rawName drops flags: %s", rawName(42|AttrNested))
	}
}

func TestTreeMap(t *testing.T) {
	b, err := testLinkAttrs.EncodeMap(map[string]any{
		"ifname":    "x",
		"prop_list": map[string]any{"altname": []any{"one"}},
		"linkinfo":  map[string]any{"kind": "vxlan", "data": map[string]any{"id": 7}},
		"attr_99":   []byte{1},
	})
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, b[:8]...) // ifname again
	tree, err := testLinkAttrs.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	m := tree.Map()
	if l, ok := m["ifname"].([]any); !ok || len(l) != 2 || l[1] != "x" {
		t.Errorf("repeated ifname %#v", m["ifname"])
	}
	if l, ok := m["prop_list"].(map[string]any)["altname"].([]any); !ok || len(l) != 1 || l[0] != "one" {
		t.Errorf("Multi altname %#v", m["prop_list"])
	}
	data := m["linkinfo"].(map[string]any)["data"].(map[string]any)
	if data["id"] != uint64(7) {
		t.Errorf("linkinfo.data %#v", data)
	}
	if r, ok := m["attr_99"].(Raw); !ok || len(r) != 1 {
		t.Errorf("raw %#v", m["attr_99"])
	}
	// The map encodes back (repeats aside).
	delete(m, "ifname")
	if _, err := testLinkAttrs.EncodeMap(m); err != nil {
		t.Errorf("Map() does not encode back: %v", err)
	}
	ctrl, _ := testCtrlProto.Decode(firstMessage(t, "genl_getfamily_netdev.reply.hex"))
	if ops, ok := ctrl.Attrs.Map()["ops"].([]any); !ok || ops[0].(map[string]any)["id"] != uint64(1) {
		t.Errorf("ops %#v", ctrl.Attrs.Map()["ops"])
	}
}

// A Select with Lookup chooses as one with the same Cases does, asking
// Lookup only for the keys it meets; an unknown key keeps the data raw.
func TestSelectLookup(t *testing.T) {
	var asked []string
	lookup := func(key string) *Schema {
		asked = append(asked, key)
		return map[string]*Schema{"vlan": testVlan, "vxlan": testVxlan}[key]
	}
	info := NewSchema("linkinfo",
		Attr{Name: "kind", Const: "IFLA_INFO_KIND", Type: 1, Kind: KindString},
		Attr{Name: "data", Const: "IFLA_INFO_DATA", Type: 2, Kind: KindNested, Select: &Select{By: "kind", Lookup: lookup}},
	)
	b := mustHex(t, ""+
		"0c00 0280 0600 0100 6400 0000"+ // data: vlan id 100 (u16)
		"0900 0100 766c616e00 000000") // kind "vlan"
	tree, err := info.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := tree.Get("data")
	dt, _ := d.(*Tree)
	if dt == nil {
		t.Fatalf("data = %#v, want the vlan tree", d)
	}
	if id, _ := dt.Get("id"); id != uint64(100) {
		t.Errorf("vlan id %#v", id)
	}
	if enc, err := info.Encode(tree); err != nil || !bytes.Equal(enc, b) {
		t.Errorf("re-encode %x, %v; want %x", enc, err, b)
	}
	if _, err := info.EncodeMap(map[string]any{"kind": "vxlan", "data": map[string]any{"id": 7}}); err != nil {
		t.Errorf("encode by lookup: %v", err)
	}
	if _, err := info.EncodeMap(map[string]any{"kind": "nosuch", "data": map[string]any{"id": 7}}); err == nil || !strings.Contains(err.Error(), `no schema for kind "nosuch"`) {
		t.Errorf("encode of an unknown kind: %v", err)
	}
	unknown := bytes.Replace(b, []byte("vlan"), []byte("xlan"), 1)
	tree, err = info.Decode(unknown)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := tree.Get("data"); !bytes.Equal(d.(Raw), unknown[4:12]) {
		t.Errorf("data of an unknown kind = %#v", d)
	}
	for _, k := range asked {
		if k != "vlan" && k != "vxlan" && k != "xlan" && k != "nosuch" {
			t.Errorf("Lookup asked for %q", k)
		}
	}
}
