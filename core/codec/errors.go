package codec

import (
	"encoding/binary"
	"fmt"
	"strings"
	"syscall"
)

// Extended ack attributes (NLMSGERR_ATTR_*).
const (
	extackMsg      = 1
	extackOffset   = 2
	extackCookie   = 3
	extackPolicy   = 4
	extackMissType = 5
	extackMissNest = 6
)

// Error is a kernel's answer of NLMSG_ERROR with a non-zero error code,
// with everything the extended ack carried. It unwraps to the errno, so
// errors.Is(err, unix.EEXIST) works.
//
// It reads like
//
//	RTM_NEWLINK: file exists (EEXIST): <the kernel's extack message>
type Error struct {
	// Op names the request that failed, such as "RTM_NEWLINK"; families
	// fill it from the request type.
	Op string
	// Object optionally describes what the request was about, such as
	// "10.0.0.2/24 dev eth0".
	Object string
	// Errno is the error the kernel returned.
	Errno syscall.Errno
	// Msg is the kernel's extack message, if any.
	Msg string
	// Offset is the byte offset in the request (counted from the start of
	// its netlink header) of the attribute the kernel objected to, valid
	// when HasOffset is set.
	Offset    uint32
	HasOffset bool
	// AttrPath names the attribute at Offset (for example
	// "IFLA_LINKINFO.IFLA_INFO_DATA.IFLA_VLAN_ID") where a schema could
	// resolve it.
	AttrPath string
	// MissingType and MissingNest name a required attribute the request
	// lacked (NLMSGERR_ATTR_MISS_TYPE, _MISS_NEST), valid when HasMissing.
	MissingType uint32
	MissingNest uint32
	HasMissing  bool
	// Cookie and Policy are kept raw as the kernel sent them.
	Cookie []byte
	Policy []byte
	// Request is the header of the request that failed, as echoed back.
	Request Header
}

// Error formats the error the way a good `ip` message reads.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Op == "" {
		fmt.Fprintf(&b, "netlink message type %d", e.Request.Type)
	}
	if e.Object != "" {
		b.WriteByte(' ')
		b.WriteString(e.Object)
	}
	fmt.Fprintf(&b, ": %s (%s)", e.Errno.Error(), ErrnoName(e.Errno))
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	switch {
	case e.AttrPath != "":
		fmt.Fprintf(&b, " [at %s]", e.AttrPath)
	case e.HasOffset:
		fmt.Fprintf(&b, " [at byte %d]", e.Offset)
	}
	if e.HasMissing {
		fmt.Fprintf(&b, " [missing attribute %d", e.MissingType)
		if e.MissingNest != 0 {
			fmt.Fprintf(&b, " in nest at byte %d", e.MissingNest)
		}
		b.WriteByte(']')
	}
	return b.String()
}

// Unwrap returns the errno.
func (e *Error) Unwrap() error { return e.Errno }

// Ack is the decoded payload of an NLMSG_ERROR message: Errno 0 is a
// positive acknowledgement; Warning holds an extack message the kernel may
// attach even to a success.
type Ack struct {
	Errno syscall.Errno
	// Value is a positive code: a success that carries the kernel's
	// return value (generic netlink handlers may return one, such as
	// mac80211_hwsim's NEW_RADIO the new radio's id).
	Value   int32
	Request Header
	Err     *Error // non-nil when Errno != 0
	Warning string
}

// ParseAck decodes the payload of an NLMSG_ERROR message. flags are the
// NLMSG_ERROR message's header flags: NLM_F_CAPPED says the request was
// echoed without its payload, NLM_F_ACK_TLVS says extack attributes follow.
func ParseAck(h Header, data []byte) (Ack, error) {
	if len(data) < 4+HeaderLen {
		return Ack{}, fmt.Errorf("NLMSG_ERROR: %d bytes of payload, need %d: %w", len(data), 4+HeaderLen, ErrTruncated)
	}
	code := int32(binary.LittleEndian.Uint32(data[0:4]))
	req, _ := ParseHeader(data[4:])
	a := Ack{Request: req}
	if code < 0 {
		a.Errno = syscall.Errno(-code)
	} else {
		// netlink_ack passes on what the handler returned: a generic
		// netlink doit may return a positive value, which is a success.
		a.Value = code
	}
	rest := data[4+HeaderLen:]
	if h.Flags&Capped == 0 {
		// The whole request is echoed back; skip its payload.
		n := int(req.Len) - HeaderLen
		if n < 0 || n > len(rest) {
			return Ack{}, fmt.Errorf("NLMSG_ERROR: echoed request of %d bytes in %d: %w", req.Len, len(rest)+HeaderLen, ErrTruncated)
		}
		n = min(Align(n), len(rest))
		rest = rest[n:]
	}
	if a.Errno == 0 && h.Flags&AckTLVs == 0 {
		return a, nil // a plain success: nothing to allocate
	}
	e := Error{Errno: a.Errno, Request: req}
	if h.Flags&AckTLVs != 0 {
		d := NewDecoder(rest)
		for d.Next() {
			switch d.Type() {
			case extackMsg:
				e.Msg = d.String()
			case extackOffset:
				e.Offset, e.HasOffset = d.Uint32(), true
			case extackCookie:
				e.Cookie = append([]byte(nil), d.Bytes()...)
			case extackPolicy:
				e.Policy = append([]byte(nil), d.Bytes()...)
			case extackMissType:
				e.MissingType, e.HasMissing = d.Uint32(), true
			case extackMissNest:
				e.MissingNest = d.Uint32()
			}
		}
		if err := d.Err(); err != nil {
			// Keep the errno: a garbled extack must not hide the error.
			e.Msg = fmt.Sprintf("(malformed extended ack: %v)", err)
		}
	}
	if a.Errno != 0 {
		a.Err = &e
	} else {
		a.Warning = e.Msg
	}
	return a, nil
}
