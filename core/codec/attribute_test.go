package codec

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncoderNestingAndPadding(t *testing.T) {
	e := NewEncoder(nil)
	e.Uint8(1, 0xab)
	e.Begin(2)
	e.String(3, "ab")
	e.Begin(4)
	e.Uint16(5, 0x1234)
	e.End()
	e.Flag(6)
	e.End()
	e.Be16(7, 0x1234)
	b, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want := mustHex(t, ""+
		"0500 0100 ab000000"+ // u8, padded to 8
		"1c00 0280"+ // nest of 28 bytes, NLA_F_NESTED
		"0700 0300 616200 00"+ // "ab\0" + 1 pad
		"0c00 0480"+ // inner nest of 12 bytes
		"0600 0500 3412 0000"+ // u16 + 2 pad
		"0400 0600"+ // flag
		"0600 0700 1234 0000") // be16
	if !bytes.Equal(b, want) {
		t.Errorf("encoded\n got %x\nwant %x", b, want)
	}
	if len(b)%4 != 0 {
		t.Errorf("length %d not aligned", len(b))
	}
}

func TestEncoderErrors(t *testing.T) {
	e := NewEncoder(nil)
	e.String(3, "a\x00b")
	if _, err := e.Encode(); err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("string with NUL: %v", err)
	}
	e = NewEncoder(nil)
	e.End()
	if _, err := e.Encode(); err == nil {
		t.Error("End without Begin: no error")
	}
	e = NewEncoder(nil)
	e.Begin(1)
	if _, err := e.Encode(); err == nil || !strings.Contains(err.Error(), "not closed") {
		t.Errorf("open nest: %v", err)
	}
	e = NewEncoder(nil)
	e.Bytes(1, make([]byte, 0x10000))
	if _, err := e.Encode(); err == nil {
		t.Error("oversized attribute: no error")
	}
	e = NewEncoder(nil)
	e.Addr(1, netip.Addr{})
	if _, err := e.Encode(); err == nil {
		t.Error("invalid address: no error")
	}
}

func TestDecoderGetters(t *testing.T) {
	e := NewEncoder(nil)
	e.Uint8(1, 7)
	e.Uint16(2, 0xbeef)
	e.Uint32(3, 0xdeadbeef)
	e.Uint64(4, 1<<40)
	e.Int32(5, -2)
	e.Be16(6, 80)
	e.Be32(7, 0x01020304)
	e.Be64(8, 1<<50)
	e.String(9, "eth0")
	e.Addr(10, netip.MustParseAddr("10.0.0.1"))
	e.Addr(11, netip.MustParseAddr("2001:db8::1"))
	e.Flag(12)
	e.Uint32(13, 99) // read with Uint
	b, _ := e.Encode()
	d := NewDecoder(b)
	got := map[uint16]any{}
	for d.Next() {
		switch d.Type() {
		case 1:
			got[1] = d.Uint8()
		case 2:
			got[2] = d.Uint16()
		case 3:
			got[3] = d.Uint32()
		case 4:
			got[4] = d.Uint64()
		case 5:
			got[5] = d.Int32()
		case 6:
			got[6] = d.Be16()
		case 7:
			got[7] = d.Be32()
		case 8:
			got[8] = d.Be64()
		case 9:
			got[9] = d.String()
		case 10, 11:
			got[d.Type()] = d.Addr()
		case 12:
			got[12] = d.Len()
		case 13:
			got[13] = d.Uint()
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[uint16]any{1: uint8(7), 2: uint16(0xbeef), 3: uint32(0xdeadbeef), 4: uint64(1 << 40), 5: int32(-2),
		6: uint16(80), 7: uint32(0x01020304), 8: uint64(1 << 50), 9: "eth0",
		10: netip.MustParseAddr("10.0.0.1"), 11: netip.MustParseAddr("2001:db8::1"), 12: 0, 13: uint64(99)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("attr %d = %#v, want %#v", k, got[k], v)
		}
	}
}

func TestDecoderStickyError(t *testing.T) {
	e := NewEncoder(nil)
	e.Uint16(1, 5)
	e.Uint32(2, 6)
	b, _ := e.Encode()
	d := NewDecoder(b)
	d.Next()
	if v := d.Uint32(); v != 0 { // wrong size
		t.Errorf("Uint32 of a u16 = %d", v)
	}
	if d.Err() == nil || !strings.Contains(d.Err().Error(), "wants 4 bytes, has 2") {
		t.Errorf("err %v", d.Err())
	}
	if d.Next() {
		t.Error("Next after an error")
	}
	if v := d.Uint(); v != 0 {
		t.Errorf("Uint after an error = %d, want 0", v)
	}
	if d.Uint16() != 0 || d.String() != "" || d.Addr().IsValid() {
		t.Error("getters after an error return values")
	}
}

func TestDecoderMalformed(t *testing.T) {
	cases := map[string]string{
		"short header":        "0500 01",
		"length below header": "0200 0100",
		"length beyond data":  "0900 0100 0102",
		"second truncated":    "0500 0100 01000000 0800 0200 01",
	}
	for name, h := range cases {
		d := NewDecoder(mustHex(t, h))
		for d.Next() {
		}
		if !errors.Is(d.Err(), ErrTruncated) {
			t.Errorf("%s: err %v, want ErrTruncated", name, d.Err())
		}
	}
	// The last attribute may lack its padding (the kernel's nla_ok allows it).
	d := NewDecoder(mustHex(t, "0500 0100 07"))
	if !d.Next() || d.Uint8() != 7 || d.Next() || d.Err() != nil {
		t.Errorf("unpadded last attribute: %v", d.Err())
	}
	// A string keeps everything but one trailing NUL.
	d = NewDecoder(mustHex(t, "0700 0100 6100 00 00"))
	if !d.Next() || d.String() != "a\x00" {
		t.Errorf("string %q", d.String())
	}
}

func TestDecoderNestedFunc(t *testing.T) {
	outer := mustHex(t, "0c00 0180 0600 0100 0102 0000")
	d := NewDecoder(outer)
	var v uint16
	for d.Next() {
		d.NestedFunc(func(nd *Decoder) error {
			for nd.Next() {
				v = nd.Be16()
			}
			return nil
		})
	}
	if d.Err() != nil || v != 0x0102 {
		t.Errorf("nested value %#x, err %v", v, d.Err())
	}
	bad := mustHex(t, "0800 0180 0900 0100")
	d = NewDecoder(bad)
	for d.Next() {
		d.NestedFunc(func(nd *Decoder) error {
			for nd.Next() {
			}
			return nil
		})
	}
	if !errors.Is(d.Err(), ErrTruncated) {
		t.Errorf("nested malformation not carried up: %v", d.Err())
	}
	sentinel := errors.New("mine")
	d = NewDecoder(outer)
	d.Next()
	d.NestedFunc(func(*Decoder) error { return sentinel })
	if !errors.Is(d.Err(), sentinel) {
		t.Errorf("fn error not recorded: %v", d.Err())
	}
}

// Iterating attributes, reading integers, bytes and addresses, and walking
// nests allocates nothing.
func TestDecoderAllocs(t *testing.T) {
	m := firstMessage(t, "getlink_lo.reply.hex")
	b := m.Data[16:]
	var d Decoder
	var sink uint64
	allocs := testing.AllocsPerRun(100, func() {
		d.Reset(b)
		for d.Next() {
			switch d.Len() {
			case 1:
				sink += uint64(d.Uint8())
			case 4:
				sink += uint64(d.Uint32())
			case 6:
				sink += uint64(len(d.Bytes()))
			default:
				if d.Type() == 26 {
					var nd Decoder
					nd.Reset(d.Bytes())
					for nd.Next() {
						sink += uint64(nd.Type())
					}
				}
			}
		}
		if d.Err() != nil {
			panic(d.Err())
		}
	})
	if allocs != 0 {
		t.Errorf("decoding allocates %.0f times per run, want 0", allocs)
	}
	it := NewMessageIter(readGolden(t, "dumplink.reply.hex"))
	allocs = testing.AllocsPerRun(100, func() {
		it2 := it
		for it2.Next() {
			sink += uint64(it2.Message().Header.Len)
		}
	})
	if allocs != 0 {
		t.Errorf("MessageIter allocates %.0f times per run, want 0", allocs)
	}
	_ = sink
}

func TestMessageIterAndAppend(t *testing.T) {
	m := Message{Header: Header{Type: 16, Flags: Request, Seq: 9, PID: 1}, Data: []byte{1, 2, 3}}
	b := m.Append(nil)
	if len(b) != 20 || b[0] != 19 || !bytes.Equal(b[16:], []byte{1, 2, 3, 0}) {
		t.Errorf("Append = %x, want len 19 padded to 20", b)
	}
	two := append(b, b...)
	ms, err := ParseMessages(two)
	if err != nil || len(ms) != 2 || !bytes.Equal(ms[1].Data, []byte{1, 2, 3}) || ms[1].Header.Seq != 9 {
		t.Errorf("ParseMessages: %v %+v", err, ms)
	}
	for _, bad := range [][]byte{two[:10], two[:30], mustHex(t, "08000000 1000 0000 00000000 00000000")} {
		if _, err := ParseMessages(bad); !errors.Is(err, ErrTruncated) {
			t.Errorf("ParseMessages(%x) err %v, want ErrTruncated", bad, err)
		}
	}
	if _, err := ParseHeader(make([]byte, 15)); !errors.Is(err, ErrTruncated) {
		t.Errorf("short header: %v", err)
	}
}

func TestParseAckMalformed(t *testing.T) {
	m := firstMessage(t, "newlink_vxlan_badid.reply.hex")
	for n := 0; n < len(m.Data); n++ {
		a, err := ParseAck(m.Header, m.Data[:n])
		// The offset is the last attribute: no prefix may yield it.
		if err == nil && a.Err.HasOffset {
			t.Errorf("truncated to %d bytes still yields the offset", n)
		}
		if n < 20 && !errors.Is(err, ErrTruncated) {
			t.Errorf("%d bytes: err %v, want ErrTruncated", n, err)
		}
	}
	// A positive code is a success carrying the handler's return value
	// (mac80211_hwsim answers NEW_RADIO with the radio's id).
	pos := append([]byte{7, 0, 0, 0}, make([]byte, 16)...)
	if a, err := ParseAck(Header{Type: TypeError, Flags: Capped}, pos); err != nil || a.Errno != 0 || a.Err != nil || a.Value != 7 {
		t.Errorf("positive code: %+v, %v; want a success with value 7", a, err)
	}
}
