package codec

import (
	"encoding/binary"
	"fmt"
)

// HeaderLen is the size of struct nlmsghdr on the wire.
const HeaderLen = 16

// Message types common to every netlink protocol (NLMSG_*).
const (
	TypeNoop    uint16 = 0x1
	TypeError   uint16 = 0x2
	TypeDone    uint16 = 0x3
	TypeOverrun uint16 = 0x4
	// MinType is the first message type a protocol may use (NLMSG_MIN_TYPE).
	MinType uint16 = 0x10
)

// Flag is a bit of nlmsghdr.nlmsg_flags.
type Flag = uint16

// Header flags (NLM_F_*). Several values are shared by get, new and ack
// requests; the kernel reads them according to the message type.
const (
	Request      Flag = 0x01
	Multi        Flag = 0x02
	Acknowledge  Flag = 0x04
	Echo         Flag = 0x08
	DumpIntr     Flag = 0x10
	DumpFiltered Flag = 0x20

	// Modifiers to GET requests.
	Root   Flag = 0x100
	Match  Flag = 0x200
	Atomic Flag = 0x400
	Dump   Flag = Root | Match

	// Modifiers to NEW requests.
	Replace Flag = 0x100
	Excl    Flag = 0x200
	Create  Flag = 0x400
	Append  Flag = 0x800

	// Modifiers to DELETE requests.
	NonRec Flag = 0x100
	Bulk   Flag = 0x200

	// Flags of an acknowledgement.
	Capped  Flag = 0x100
	AckTLVs Flag = 0x200
)

// Header is struct nlmsghdr. All fields are in host byte order, which for
// netlink is little-endian on every architecture nlsh supports.
type Header struct {
	Len   uint32 // length of the whole message, header included
	Type  uint16
	Flags uint16
	Seq   uint32
	PID   uint32 // port id of the sender (0 for the kernel)
}

// AppendHeader appends h in wire format to b.
func AppendHeader(b []byte, h Header) []byte {
	b = binary.LittleEndian.AppendUint32(b, h.Len)
	b = binary.LittleEndian.AppendUint16(b, h.Type)
	b = binary.LittleEndian.AppendUint16(b, h.Flags)
	b = binary.LittleEndian.AppendUint32(b, h.Seq)
	return binary.LittleEndian.AppendUint32(b, h.PID)
}

// ParseHeader reads a header from the start of b.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, fmt.Errorf("netlink header: %d bytes, need %d: %w", len(b), HeaderLen, ErrTruncated)
	}
	return Header{
		Len:   binary.LittleEndian.Uint32(b[0:4]),
		Type:  binary.LittleEndian.Uint16(b[4:6]),
		Flags: binary.LittleEndian.Uint16(b[6:8]),
		Seq:   binary.LittleEndian.Uint32(b[8:12]),
		PID:   binary.LittleEndian.Uint32(b[12:16]),
	}, nil
}

// Align rounds n up to the 4-byte netlink alignment (NLMSG_ALIGN, NLA_ALIGN).
func Align(n int) int { return (n + 3) &^ 3 }
