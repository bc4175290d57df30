package genl

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// HeaderLen is the size of struct genlmsghdr.
const HeaderLen = 4

// Message is a generic netlink message payload: the genlmsghdr (command
// and version) and the attributes after it (the family's own fixed header,
// if it has one, is the start of Attrs).
type Message struct {
	Command uint8
	Version uint8
	Attrs   []byte
}

// Append appends the genlmsghdr and attributes to b.
func (m Message) Append(b []byte) []byte {
	b = append(b, m.Command, m.Version, 0, 0)
	return append(b, m.Attrs...)
}

// ParseMessage splits a netlink message payload into its genlmsghdr and
// attributes. Attrs aliases data.
func ParseMessage(data []byte) (Message, error) {
	if len(data) < HeaderLen {
		return Message{}, fmt.Errorf("genlmsghdr: %d bytes, need %d: %w", len(data), HeaderLen, codec.ErrTruncated)
	}
	return Message{Command: data[0], Version: data[1], Attrs: data[HeaderLen:]}, nil
}

// NetlinkMessage wraps m in a netlink message of type family (the family
// id) with flags.
func NetlinkMessage(family uint16, flags uint16, m Message) codec.Message {
	return codec.Message{
		Header: codec.Header{Type: family, Flags: flags},
		Data:   m.Append(make([]byte, 0, HeaderLen+len(m.Attrs))),
	}
}
