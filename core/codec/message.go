package codec

import (
	"errors"
	"fmt"
)

// ErrTruncated reports a buffer shorter than the lengths inside it claim.
var ErrTruncated = errors.New("truncated netlink data")

// Message is one netlink message: a header and its payload, which is the
// protocol's fixed family header followed by attributes.
type Message struct {
	Header Header
	Data   []byte
}

// Append appends m in wire format to b, setting Header.Len from Data and
// padding the message to the 4-byte boundary.
func (m Message) Append(b []byte) []byte {
	h := m.Header
	h.Len = uint32(HeaderLen + len(m.Data))
	b = AppendHeader(b, h)
	b = append(b, m.Data...)
	for pad := Align(len(m.Data)) - len(m.Data); pad > 0; pad-- {
		b = append(b, 0)
	}
	return b
}

// MarshalBinary returns m in wire format.
func (m Message) MarshalBinary() ([]byte, error) {
	return m.Append(make([]byte, 0, HeaderLen+Align(len(m.Data)))), nil
}

// MessageIter walks the messages in one datagram without copying them.
// Data of each message aliases the datagram.
//
//	it := codec.NewMessageIter(buf)
//	for it.Next() { m := it.Message() ... }
//	if err := it.Err(); err != nil { ... }
type MessageIter struct {
	b   []byte
	m   Message
	err error
}

// NewMessageIter returns an iterator over the messages in b.
func NewMessageIter(b []byte) MessageIter { return MessageIter{b: b} }

// Next advances to the next message and reports whether there is one.
func (it *MessageIter) Next() bool {
	if it.err != nil || len(it.b) == 0 {
		return false
	}
	h, err := ParseHeader(it.b)
	if err != nil {
		it.err = err
		return false
	}
	if h.Len < HeaderLen || int(h.Len) > len(it.b) {
		it.err = fmt.Errorf("netlink message length %d in a buffer of %d bytes: %w", h.Len, len(it.b), ErrTruncated)
		return false
	}
	it.m = Message{Header: h, Data: it.b[HeaderLen:h.Len]}
	next := Align(int(h.Len))
	if next > len(it.b) {
		next = len(it.b)
	}
	it.b = it.b[next:]
	return true
}

// Message returns the current message.
func (it *MessageIter) Message() Message { return it.m }

// Current is the current message where the iterator holds it, for a
// reader that would rather not copy it: it changes with the next call to
// Next (or of the iterator's value).
func (it *MessageIter) Current() *Message { return &it.m }

// Err returns the first malformation found, if any.
func (it *MessageIter) Err() error { return it.err }

// ParseMessages splits a datagram into messages. Their Data alias b.
func ParseMessages(b []byte) ([]Message, error) {
	var ms []Message
	it := NewMessageIter(b)
	for it.Next() {
		ms = append(ms, it.Message())
	}
	return ms, it.Err()
}
