package codec

import (
	"errors"
	"strings"
	"testing"
)

// fuzzSchema has every kind, a selector by string and one by integer,
// a nested array, a struct, a nest that starts with a struct, a repeated
// attribute, and loops back into itself, all on small type numbers that
// random input hits often.
var fuzzSchema, fuzzMsg, fuzzProto = buildFuzzSchema()

func buildFuzzSchema() (*Schema, *MessageSchema, *Protocol) {
	inner := NewSchema("inner",
		Attr{Name: "a", Const: "IN_A", Type: 1, Kind: KindU32, Enum: map[uint64]string{1: "ONE"}},
		Attr{Name: "s", Const: "IN_S", Type: 2, Kind: KindString},
		Attr{Name: "f", Const: "IN_F", Type: 3, Kind: KindU16, Flags: map[uint64]string{1: "X", 4: "Y"}},
	)
	hdr := NewStruct("hdr", 14,
		Attr{Name: "x", Kind: KindU16, Offset: 0},
		Attr{Name: "ip", Kind: KindAddr, Size: 4, Offset: 2},
		Attr{Name: "name", Kind: KindString, Size: 4, Offset: 6},
		Attr{Name: "mac", Kind: KindHWAddr, Size: 2, Offset: 10},
		Attr{Name: "b", Kind: KindBe16, Offset: 12},
	)
	byKind := &Select{By: "kind", Cases: map[string]*Schema{"a": inner}}
	byNum := &Select{By: "u8", Cases: map[string]*Schema{"1": inner}}
	s := NewSchema("fuzz",
		Attr{Name: "u8", Const: "F_U8", Type: 1, Kind: KindU8},
		Attr{Name: "u16", Type: 2, Kind: KindU16},
		Attr{Name: "u32", Type: 3, Kind: KindU32, Flags: map[uint64]string{1: "UP", 2: "DOWN"}},
		Attr{Name: "u64", Type: 4, Kind: KindU64},
		Attr{Name: "s8", Type: 5, Kind: KindS8},
		Attr{Name: "s16", Type: 6, Kind: KindS16},
		Attr{Name: "s32", Type: 7, Kind: KindS32, Enum: map[uint64]string{0: "ZERO"}},
		Attr{Name: "s64", Type: 8, Kind: KindS64},
		Attr{Name: "uint", Type: 9, Kind: KindUint},
		Attr{Name: "sint", Type: 10, Kind: KindSint},
		Attr{Name: "be16", Type: 11, Kind: KindBe16},
		Attr{Name: "be32", Type: 12, Kind: KindBe32},
		Attr{Name: "be64", Type: 13, Kind: KindBe64},
		Attr{Name: "kind", Const: "F_KIND", Type: 14, Kind: KindString},
		Attr{Name: "bin", Type: 15, Kind: KindBinary},
		Attr{Name: "flag", Type: 16, Kind: KindFlag},
		Attr{Name: "addr", Type: 17, Kind: KindAddr},
		Attr{Name: "hw", Type: 18, Kind: KindHWAddr},
		Attr{Name: "nest", Const: "F_NEST", Type: 19, Kind: KindNested, Nested: inner},
		Attr{Name: "data", Const: "F_DATA", Type: 20, Kind: KindNested, Select: byKind},
		Attr{Name: "list", Const: "F_LIST", Type: 21, Kind: KindNestedArray, Nested: inner, EntryType: 1},
		Attr{Name: "st", Type: 22, Kind: KindStruct, Struct: hdr},
		Attr{Name: "peer", Const: "F_PEER", Type: 23, Kind: KindNested, Header: hdr, Nested: inner},
		Attr{Name: "bynum", Const: "F_BYNUM", Type: 24, Kind: KindNested, Select: byNum, Plain: true},
		Attr{Name: "multi", Type: 25, Kind: KindString, Multi: true},
		Attr{Name: "idx", Type: 26, Kind: KindNestedArray, Nested: inner, Indexed: true},
	)
	// Loops: a selected case and the peer nest hold the outer schema.
	byKind.Cases["self"] = s
	s.Attrs[s.byName["peer"]].Nested = s
	ms := &MessageSchema{Name: "FUZZ_MSG", Type: 0x10, Verb: VerbNew, Header: testGenlmsghdr, Attrs: s}
	return s, ms, NewProtocol("fuzz", ms)
}

// addGoldenSeeds adds every golden message to f: whole datagrams (all),
// message payloads (payload) or the attributes after a family header of
// 16 bytes (rtnl) and 4 bytes (genl) (attrs).
func addGoldenSeeds(f *testing.F, what string) {
	for _, name := range goldenFiles(f) {
		b := readGolden(f, name)
		if what == "all" {
			f.Add(b)
			continue
		}
		ms, err := ParseMessages(b)
		if err != nil {
			f.Fatal(err)
		}
		for _, m := range ms {
			switch what {
			case "payload":
				f.Add(m.Data)
			case "attrs":
				for _, off := range []int{4, 16} {
					if len(m.Data) >= off {
						f.Add(m.Data[off:])
					}
				}
			}
		}
	}
}

func FuzzMessageIter(f *testing.F) {
	addGoldenSeeds(f, "all")
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := ParseMessages(b)
		it := NewMessageIter(b)
		n := 0
		for it.Next() {
			m := it.Message()
			if n >= len(ms) || m.Header != ms[n].Header {
				t.Fatalf("iterator and ParseMessages disagree at %d", n)
			}
			if int(m.Header.Len) != HeaderLen+len(m.Data) {
				t.Fatalf("message %d: Len %d with %d bytes of data", n, m.Header.Len, len(m.Data))
			}
			// Re-encoding a message and parsing it gives it back.
			again, err := ParseMessages(m.Append(nil))
			if err != nil || len(again) != 1 || again[0].Header != m.Header || string(again[0].Data) != string(m.Data) {
				t.Fatalf("message %d does not round-trip: %v", n, err)
			}
			n++
		}
		if n != len(ms) || (err == nil) != (it.Err() == nil) {
			t.Fatalf("iterator saw %d messages (%v), ParseMessages %d (%v)", n, it.Err(), len(ms), err)
		}
		if err != nil && !errors.Is(err, ErrTruncated) {
			t.Fatalf("error %v does not wrap ErrTruncated", err)
		}
	})
}

// walk reads every attribute with every getter, descending into anything
// that parses as a nest.
func walk(d *Decoder, depth int) int {
	n := 0
	for d.Next() {
		n++
		_ = d.Type()
		_ = d.TypeFlags()
		_ = d.IsNested()
		_ = d.Bytes()
		probe := *d // getters on a copy, so one's size error does not stop the walk
		_ = probe.Uint8()
		probe = *d
		_ = probe.Uint16()
		probe = *d
		_ = probe.Uint32()
		probe = *d
		_ = probe.Uint64()
		probe = *d
		_ = probe.Uint()
		probe = *d
		_ = probe.Int32()
		probe = *d
		_ = probe.Be16()
		probe = *d
		_ = probe.Be32()
		probe = *d
		_ = probe.Be64()
		probe = *d
		_ = probe.String()
		probe = *d
		_ = probe.Addr()
		if depth < 8 {
			nd := d.Nested()
			n += walk(nd, depth+1)
			probe = *d
			probe.NestedFunc(func(nd *Decoder) error {
				for nd.Next() {
				}
				return nil
			})
		}
	}
	return n
}

func FuzzDecoder(f *testing.F) {
	addGoldenSeeds(f, "attrs")
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewDecoder(b)
		walk(d, 0)
		if err := d.Err(); err != nil && !errors.Is(err, ErrTruncated) {
			t.Fatalf("structural error %v does not wrap ErrTruncated", err)
		}
		// Re-encoding the attributes seen gives the same walk.
		d.Reset(b)
		e := NewEncoder(nil)
		var types []uint16
		for d.Next() {
			e.Bytes(d.TypeFlags(), d.Bytes())
			types = append(types, d.TypeFlags())
		}
		if d.Err() != nil {
			return
		}
		enc, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		d.Reset(enc)
		for i := 0; d.Next(); i++ {
			if i >= len(types) || d.TypeFlags() != types[i] {
				t.Fatalf("re-encoded attribute %d differs", i)
			}
		}
		if d.Err() != nil {
			t.Fatalf("re-encoded attributes do not decode: %v", d.Err())
		}
	})
}

func FuzzParseAck(f *testing.F) {
	for _, name := range goldenFiles(f) {
		ms, _ := ParseMessages(readGolden(f, name))
		for _, m := range ms {
			if m.Header.Type == TypeError {
				f.Add(m.Header.Flags, m.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, flags uint16, b []byte) {
		h := Header{Type: TypeError, Flags: flags, Len: uint32(HeaderLen + len(b))}
		a, err := ParseAck(h, b)
		if err != nil {
			return
		}
		if (a.Errno == 0) != (a.Err == nil) {
			t.Fatalf("errno %d with Err %v", a.Errno, a.Err)
		}
		if a.Err != nil {
			if !errors.Is(a.Err, a.Errno) || a.Err.Error() == "" {
				t.Fatal("error does not unwrap to its errno")
			}
			testProto.Annotate(a.Err, b[4:])
			_ = a.Err.Error()
		}
		m := Message{Header: h, Data: b}
		_ = testProto.Format(m, false)
		_ = testProto.Format(m, true)
	})
}

func FuzzSchemaDecode(f *testing.F) {
	addGoldenSeeds(f, "payload")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range []*Protocol{fuzzProto, testProto, testCtrlProto} {
			for typ := range p.msgs {
				ms := p.msgs[typ]
				m := Message{Header: Header{Type: typ, Len: uint32(HeaderLen + len(b))}, Data: b}
				d, err := p.Decode(m)
				line := p.Format(m, false)
				_ = p.Format(m, true)
				if err != nil {
					if !strings.Contains(line, "undecodable") {
						t.Fatalf("Format hides a decoding error: %s", line)
					}
				} else {
					_ = d.String()
					_ = d.Indent()
				}
				for off := 0; off <= len(b)+HeaderLen; off += 1 + off/16 {
					_ = AttrPath(ms, b, uint32(off))
				}
			}
		}
	})
}

// FuzzSchemaRoundTrip: whatever decodes, encodes; the encoding decodes to
// the same tree, and encodes again to the same bytes.
func FuzzSchemaRoundTrip(f *testing.F) {
	addGoldenSeeds(f, "attrs")
	for _, m := range []map[string]any{vxlanLink(), {"linkinfo": map[string]any{"kind": "veth", "data": map[string]any{"peer": map[string]any{"ifname": "p"}}}}} {
		b, err := testLinkAttrs.EncodeMap(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range []*Schema{fuzzSchema, testLinkAttrs, testCtrlAttrs, nil} {
			t1, err := s.Decode(b)
			if err != nil {
				if !errors.Is(err, ErrTruncated) {
					t.Fatalf("%s: decode error %v does not wrap ErrTruncated", s.schemaName(), err)
				}
				continue
			}
			b2, err := s.Encode(t1)
			if err != nil {
				if strings.Contains(err.Error(), "fit") { // re-encoding grew a nest past 64 KiB
					continue
				}
				t.Fatalf("%s: decoded tree does not encode: %v\n%s", s.schemaName(), err, t1)
			}
			t2, err := s.Decode(b2)
			if err != nil {
				t.Fatalf("%s: re-encoded bytes do not decode: %v\n%x", s.schemaName(), err, b2)
			}
			if !t1.Equal(t2) {
				t.Fatalf("%s: round trip changed the tree\nbefore %s\nafter  %s", s.schemaName(), t1, t2)
			}
			b3, err := s.Encode(t2)
			if err != nil || string(b3) != string(b2) {
				t.Fatalf("%s: encoding is not stable: %v", s.schemaName(), err)
			}
		}
		// The message level: family header and attributes.
		h, a, err := fuzzMsg.Decode(b)
		if err != nil {
			return
		}
		b2, err := fuzzMsg.Encode(h, a)
		if err != nil {
			if strings.Contains(err.Error(), "fit") {
				return
			}
			t.Fatalf("message does not encode: %v", err)
		}
		h2, a2, err := fuzzMsg.Decode(b2)
		if err != nil || !h.Equal(h2) || !a.Equal(a2) {
			t.Fatalf("message round trip: %v", err)
		}
	})
}
