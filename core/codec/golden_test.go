package codec

import (
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
)

// Golden tests: every byte below was sent by a real kernel (see the header
// of each testdata file and internal/gengolden).

func TestGoldenHeaderAndMessages(t *testing.T) {
	b := readGolden(t, "getlink_lo.reply.hex")
	ms, err := ParseMessages(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("got %d messages, want RTM_NEWLINK and the ack", len(ms))
	}
	h := ms[0].Header
	if h.Type != 16 || h.Seq != 102 || h.Flags != 0 || int(h.Len) != HeaderLen+len(ms[0].Data) {
		t.Errorf("RTM_NEWLINK header %+v", h)
	}
	if h.PID == 0 {
		t.Errorf("kernel reply to a bound socket carries its port id, got 0")
	}
	if ms[1].Header.Type != TypeError || ms[1].Header.Flags != Capped {
		t.Errorf("ack header %+v, want NLMSG_ERROR with NLM_F_CAPPED", ms[1].Header)
	}
	// Re-encoding the header gives the kernel's bytes.
	if got := AppendHeader(nil, h); string(got) != string(b[:HeaderLen]) {
		t.Errorf("AppendHeader = %x, want %x", got, b[:HeaderLen])
	}
	// The dump: one NEWLINK with NLM_F_MULTI, then NLMSG_DONE.
	ms, err = ParseMessages(readGolden(t, "dumplink.reply.hex"))
	if err != nil || len(ms) != 2 {
		t.Fatalf("dump: %d messages, %v", len(ms), err)
	}
	if ms[0].Header.Flags&Multi == 0 || ms[1].Header.Type != TypeDone || len(ms[1].Data) < 4 {
		t.Errorf("dump headers %+v %+v", ms[0].Header, ms[1].Header)
	}
}

func TestGoldenAttributes(t *testing.T) {
	m := firstMessage(t, "getlink_lo.reply.hex")
	d := NewDecoder(m.Data[16:]) // after struct ifinfomsg
	var (
		ifname  string
		mtu     uint32
		oper    uint8
		addr    []byte
		sawAF   bool
		qdisc   string
		entries int
	)
	for d.Next() {
		entries++
		switch d.Type() {
		case 3:
			ifname = d.String()
		case 4:
			mtu = d.Uint32()
		case 16:
			oper = d.Uint8()
		case 1:
			addr = d.Bytes()
		case 6:
			qdisc = d.String()
		case 26: // IFLA_AF_SPEC: nested, walk it to the end
			sawAF = true
			d.NestedFunc(func(nd *Decoder) error {
				for nd.Next() {
					nd.NestedFunc(func(*Decoder) error { return nil })
				}
				return nil
			})
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	if ifname != "lo" || mtu != 65536 || oper != 2 || qdisc != "noop" {
		t.Errorf("ifname %q mtu %d operstate %d qdisc %q", ifname, mtu, oper, qdisc)
	}
	if len(addr) != 6 || net.HardwareAddr(addr).String() != "00:00:00:00:00:00" {
		t.Errorf("address %x", addr)
	}
	if !sawAF || entries < 30 {
		t.Errorf("af_spec seen %v, %d attributes", sawAF, entries)
	}
}

func TestGoldenSchemaDecodeLink(t *testing.T) {
	m := firstMessage(t, "getlink_lo.reply.hex")
	hdr, attrs, err := testLinkMsg.Decode(m.Data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"family": uint64(0), "type": uint64(772), "index": int64(1), "flags": uint64(8)}
	for k, v := range want {
		if got, _ := hdr.Get(k); got != v {
			t.Errorf("ifinfomsg.%s = %#v, want %#v", k, got, v)
		}
	}
	for k, v := range map[string]any{"ifname": "lo", "mtu": uint64(65536), "operstate": uint64(2), "txqlen": uint64(1000), "qdisc": "noop"} {
		if got, _ := attrs.Get(k); got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	st, _ := attrs.Get("stats64")
	if st, ok := st.(*Tree); !ok || len(st.Fields) != 25 {
		t.Errorf("stats64 = %#v, want a 25-field struct", st)
	}
	// IFLA_AF_SPEC (26) and IFLA_XDP (43) are not in the test schema: kept
	// raw, with their wire type flags.
	f := attrs.Field("attr_26")
	if f == nil || f.Type != 26 {
		t.Fatalf("attr_26 = %+v, want a raw field (the kernel sends it without NLA_F_NESTED)", f)
	}
	if _, ok := f.Value.(Raw); !ok {
		t.Errorf("attr_26 value %T, want Raw", f.Value)
	}
	// Unknown attributes and all: encoding the tree gives the kernel's
	// bytes back exactly (the lo reply has no pads that differ from zero).
	enc, err := testLinkAttrs.Encode(attrs)
	if err != nil {
		t.Fatal(err)
	}
	if string(enc) != string(m.Data[16:]) {
		t.Errorf("re-encoded attributes differ from the kernel's:\n got %x\nwant %x", enc, m.Data[16:])
	}
	full, err := testLinkMsg.Encode(hdr, attrs)
	if err != nil || string(full) != string(m.Data) {
		t.Errorf("re-encoded message payload differs (%v)", err)
	}
	line := testProto.Format(m, false)
	for _, s := range []string{`RTM_NEWLINK flags=0 seq=102`, `{family=0 type=loopback index=1 flags=LOOPBACK change=0}`,
		`ifname="lo"`, ` mtu=65536 `, `operstate=DOWN`, `address=00:00:00:00:00:00`, `attr_43=<0500020000000000>`} {
		if !strings.Contains(line, s) {
			t.Errorf("Format lacks %q:\n%s", s, line)
		}
	}
}

func TestGoldenNestedArray(t *testing.T) {
	m := firstMessage(t, "genl_getfamily_netdev.reply.hex")
	d, err := testCtrlProto.Decode(m)
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := d.Attrs.Get("family_name"); name != "netdev" {
		t.Errorf("family_name %v", name)
	}
	ops, _ := d.Attrs.Get("ops")
	list, ok := ops.([]*Tree)
	if !ok || len(list) < 5 {
		t.Fatalf("ops = %#v", ops)
	}
	// Entries keep their index types (1, 2, ...) and flags.
	for i, e := range list {
		if e.Type&attrTypeMask != uint16(i+1) {
			t.Errorf("ops[%d] wire type %#x", i, e.Type)
		}
	}
	if id, _ := list[0].Get("id"); id != uint64(1) {
		t.Errorf("ops[1].id = %v, want NETDEV_CMD_DEV_GET (1)", id)
	}
	groups, _ := d.Attrs.Get("mcast_groups")
	if g, ok := groups.([]*Tree); !ok || len(g) == 0 {
		t.Errorf("mcast_groups %#v", groups)
	} else if n, _ := g[0].Get("name"); n != "mgmt" {
		t.Errorf("first mcast group %v, want mgmt", n)
	}
	enc, err := testCtrlAttrs.Encode(d.Attrs)
	if err != nil || string(enc) != string(m.Data[4:]) {
		t.Errorf("re-encoding the nlctrl reply: %v\n got %x\nwant %x", err, enc, m.Data[4:])
	}
	if s := d.String(); !strings.Contains(s, "ops=[{id=1 flags=CMD_CAP_DO|CMD_CAP_DUMP|CMD_CAP_HASPOL} {id=5 ") {
		t.Errorf("String() = %s", s)
	}
}

func TestGoldenErrorExtackEchoed(t *testing.T) {
	m := firstMessage(t, "newlink_vxlan_badid.reply.hex")
	if m.Header.Flags != AckTLVs {
		t.Fatalf("flags %#x, want NLM_F_ACK_TLVS only (request echoed)", m.Header.Flags)
	}
	a, err := ParseAck(m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	e := a.Err
	if e == nil || e.Errno != syscall.ERANGE || !errors.Is(e, syscall.ERANGE) {
		t.Fatalf("ack %+v, want ERANGE", a)
	}
	if e.Msg != "VXLAN ID must be lower than 16777216" || !e.HasOffset || e.Offset != 60 {
		t.Errorf("extack msg %q offset %d (%v)", e.Msg, e.Offset, e.HasOffset)
	}
	if e.Request.Type != 16 || e.Request.Seq != 104 || e.Request.Len != 68 {
		t.Errorf("echoed request header %+v", e.Request)
	}
	// The offset names the attribute through the schema, from the request
	// as sent and from the echo alike.
	req := readGolden(t, "newlink_vxlan_badid.req.hex")
	const want = "IFLA_LINKINFO.IFLA_INFO_DATA.IFLA_VXLAN_ID"
	if got := AttrPath(testLinkMsg, req[HeaderLen:], e.Offset); got != want {
		t.Errorf("AttrPath = %q, want %q", got, want)
	}
	e.Op = ""
	testProto.Annotate(e, req)
	if e.Op != "RTM_NEWLINK" || e.AttrPath != want {
		t.Errorf("Annotate: op %q path %q", e.Op, e.AttrPath)
	}
	d, err := testProto.Decode(m)
	if err != nil || d.Ack.Err.AttrPath != want || d.AckFor != "RTM_NEWLINK" {
		t.Errorf("Decode of the echo: %v %+v", err, d)
	}
	if !strings.HasPrefix(e.Error(), "RTM_NEWLINK: numerical result out of range (") ||
		!strings.HasSuffix(e.Error(), "): VXLAN ID must be lower than 16777216 [at "+want+"]") {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestGoldenErrorCapped(t *testing.T) {
	m := firstMessage(t, "newlink_vxlan_badid_capped.reply.hex")
	if m.Header.Flags != Capped|AckTLVs || len(m.Data) != 4+HeaderLen+44+8 {
		t.Fatalf("flags %#x, %d bytes", m.Header.Flags, len(m.Data))
	}
	a, err := ParseAck(m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if a.Err == nil || a.Err.Offset != 60 || a.Err.Msg != "VXLAN ID must be lower than 16777216" || a.Request.Len != 68 {
		t.Errorf("capped ack %+v / %+v", a, a.Err)
	}
	// The missing-attribute extack of generic netlink.
	m = firstMessage(t, "genl_netdev_missing_ifindex.reply.hex")
	a, err = ParseAck(m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if a.Err == nil || a.Err.Errno != syscall.EINVAL || !a.Err.HasMissing || a.Err.MissingType != 1 || a.Err.MissingNest != 0 {
		t.Errorf("missing-attr ack %+v", a.Err)
	}
	if !strings.Contains(a.Err.Error(), "[missing attribute 1]") {
		t.Errorf("Error() = %q", a.Err.Error())
	}
}

func TestGoldenAcks(t *testing.T) {
	m := firstMessage(t, "newlink_veth_ack.reply.hex")
	a, err := ParseAck(m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if a.Errno != 0 || a.Err != nil || a.Request.Seq != 105 || m.Header.Flags != Capped {
		t.Errorf("positive ack %+v flags %#x", a, m.Header.Flags)
	}
	m = firstMessage(t, "newlink_exists.reply.hex")
	a, err = ParseAck(m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(a.Err, syscall.EEXIST) || a.Err.Msg != "" || a.Err.HasOffset {
		t.Errorf("EEXIST ack %+v", a.Err)
	}
	m = firstMessage(t, "newlink_unknown_kind.reply.hex")
	a, err = ParseAck(m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if a.Err == nil || a.Err.Errno != syscall.EOPNOTSUPP || a.Err.Msg != "Unknown device type" {
		t.Errorf("unknown kind ack %+v", a.Err)
	}
}

// Every golden message decodes through the test protocols and formats;
// every request re-encodes to its bytes.
func TestGoldenRequestsRoundTrip(t *testing.T) {
	for _, name := range goldenFiles(t) {
		if !strings.HasSuffix(name, ".req.hex") {
			continue
		}
		m := firstMessage(t, name)
		ms := testProto.Message(m.Header.Type)
		if strings.HasPrefix(name, "genl_") {
			ms = testCtrlProto.Message(m.Header.Type)
		}
		if ms == nil {
			continue
		}
		hdr, attrs, err := ms.Decode(m.Data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		enc, err := ms.Encode(hdr, attrs)
		if err != nil || string(enc) != string(m.Data) {
			t.Errorf("%s: re-encoded %x, %v; want %x", name, enc, err, m.Data)
		}
	}
}
