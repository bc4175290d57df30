package codec

import (
	"net/netip"
	"testing"
)

func BenchmarkDecoderIterate(b *testing.B) {
	m := firstMessage(b, "getlink_lo.reply.hex")
	attrs := m.Data[16:]
	b.SetBytes(int64(len(attrs)))
	b.ReportAllocs()
	var d Decoder
	var sink uint64
	for b.Loop() {
		d.Reset(attrs)
		for d.Next() {
			switch d.Len() {
			case 1:
				sink += uint64(d.Uint8())
			case 4:
				sink += uint64(d.Uint32())
			default:
				sink += uint64(len(d.Bytes()))
			}
		}
	}
	_ = sink
}

func BenchmarkEncoder(b *testing.B) {
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	var e Encoder
	for b.Loop() {
		e = Encoder{b: buf[:0], stack: e.stack[:0]}
		e.String(3, "vx0")
		e.Uint32(4, 1450)
		e.Begin(18)
		e.String(1, "vxlan")
		e.Begin(2)
		e.Uint32(1, 42)
		e.Addr(2, netip.AddrFrom4([4]byte{239, 1, 1, 1}))
		e.Be16(15, 4789)
		e.End()
		e.End()
		if _, err := e.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSchemaDecodeLink(b *testing.B) {
	m := firstMessage(b, "getlink_lo.reply.hex")
	b.SetBytes(int64(len(m.Data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := testLinkMsg.Decode(m.Data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSchemaEncodeLink(b *testing.B) {
	m := firstMessage(b, "getlink_lo.reply.hex")
	h, a, err := testLinkMsg.Decode(m.Data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(m.Data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := testLinkMsg.Encode(h, a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSchemaEncodeMap(b *testing.B) {
	m := vxlanLink()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := testLinkAttrs.EncodeMap(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormatLink(b *testing.B) {
	m := firstMessage(b, "getlink_lo.reply.hex")
	b.ReportAllocs()
	for b.Loop() {
		_ = testProto.Format(m, false)
	}
}
