package codec

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"syscall"
)

// String formats the tree on one line: name=value pairs separated by
// spaces, nests in braces, arrays in brackets, strings quoted, bytes as
// <hex>, and integers by their Enum or Flags names where the schema has
// them:
//
//	ifname="lo" mtu=65536 operstate=UNKNOWN linkinfo={kind="veth"}
func (t *Tree) String() string { return string(t.appendLine(nil)) }

// Indent formats the tree one field per line, each line starting with
// prefix and nests indented two more spaces per level.
func (t *Tree) Indent(prefix string) string { return string(t.appendIndent(nil, prefix)) }

func (t *Tree) appendLine(b []byte) []byte {
	if t == nil {
		return b
	}
	for i := range t.Fields {
		f := &t.Fields[i]
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, f.Name...)
		b = append(b, '=')
		b = appendValueLine(b, f.Attr, f.Value)
	}
	return b
}

func appendValueLine(b []byte, a *Attr, v any) []byte {
	switch v := v.(type) {
	case *Tree:
		b = append(b, '{')
		b = v.appendLine(b)
		return append(b, '}')
	case []*Tree:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, '{')
			b = e.appendLine(b)
			b = append(b, '}')
		}
		return append(b, ']')
	}
	return appendScalar(b, a, v)
}

func (t *Tree) appendIndent(b []byte, prefix string) []byte {
	if t == nil {
		return b
	}
	for i := range t.Fields {
		f := &t.Fields[i]
		b = append(b, prefix...)
		b = append(b, f.Name...)
		b = append(b, ':')
		switch v := f.Value.(type) {
		case *Tree:
			b = append(b, '\n')
			b = v.appendIndent(b, prefix+"  ")
		case []*Tree:
			b = append(b, '\n')
			for j, e := range v {
				b = append(b, prefix+"  ["...)
				b = strconv.AppendInt(b, int64(j+1), 10)
				b = append(b, "]:\n"...)
				b = e.appendIndent(b, prefix+"    ")
			}
		default:
			b = append(b, ' ')
			b = appendScalar(b, f.Attr, v)
			b = append(b, '\n')
		}
	}
	return b
}

func appendScalar(b []byte, a *Attr, v any) []byte {
	switch v := v.(type) {
	case uint64:
		return appendNamedInt(b, a, v, strconv.FormatUint(v, 10))
	case int64:
		return appendNamedInt(b, a, uint64(v), strconv.FormatInt(v, 10))
	case string:
		return strconv.AppendQuote(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case netip.Addr:
		return v.AppendTo(b)
	case net.HardwareAddr:
		if len(v) == 0 {
			return append(b, `""`...)
		}
		return append(b, v.String()...)
	case []byte:
		return appendHex(b, v)
	case Raw:
		return appendHex(b, v)
	case nil:
		return append(b, "nil"...)
	}
	return fmt.Appendf(b, "%v", v)
}

func appendHex(b []byte, p []byte) []byte {
	b = append(b, '<')
	b = hex.AppendEncode(b, p)
	return append(b, '>')
}

func appendNamedInt(b []byte, a *Attr, u uint64, num string) []byte {
	if a == nil {
		return append(b, num...)
	}
	if name, ok := a.Enum[u]; ok {
		return append(b, name...)
	}
	if a.Flags == nil || u == 0 {
		return append(b, num...)
	}
	bits := make([]uint64, 0, len(a.Flags))
	for bit := range a.Flags {
		bits = append(bits, bit)
	}
	slices.Sort(bits)
	first := true
	for _, bit := range bits {
		if bit != 0 && u&bit == bit {
			if !first {
				b = append(b, '|')
			}
			b = append(b, a.Flags[bit]...)
			first = false
			u &^= bit
		}
	}
	if u != 0 {
		if !first {
			b = append(b, '|')
		}
		b = fmt.Appendf(b, "%#x", u)
	}
	return b
}

// Decoded is one netlink message decoded through a Protocol.
type Decoded struct {
	Header Header
	// Name is the message type's name ("RTM_NEWLINK", "NLMSG_ERROR").
	Name   string
	Flags  string         // the header flags by name
	Schema *MessageSchema // nil for control messages and unknown types
	// Fixed is the decoded family header, Attrs the attributes.
	Fixed *Tree
	Attrs *Tree
	// Ack is set for NLMSG_ERROR. If the kernel echoed the whole request
	// and the protocol knows its type, Ack.Err.AttrPath is resolved.
	Ack *Ack
	// AckFor names the type of the request an NLMSG_ERROR answers.
	AckFor string
	// Errno is the error code of an NLMSG_DONE (0 for a clean end).
	Errno syscall.Errno
	// Raw is a payload the protocol does not describe.
	Raw []byte
}

// Decode decodes any message of the protocol; control messages
// (NLMSG_ERROR, NLMSG_DONE) are understood without a table, and a message
// type the table lacks keeps its payload in Raw.
func (p *Protocol) Decode(m Message) (*Decoded, error) {
	h := m.Header
	d := &Decoded{Header: h, Name: p.TypeName(h.Type), Flags: p.FormatFlags(h.Type, h.Flags)}
	switch h.Type {
	case TypeError:
		a, err := ParseAck(h, m.Data)
		if err != nil {
			return nil, err
		}
		if a.Err != nil {
			a.Err.Op = p.TypeName(a.Request.Type)
			if h.Flags&Capped == 0 && a.Err.HasOffset {
				if rs := p.Message(a.Request.Type); rs != nil {
					n := min(int(a.Request.Len), len(m.Data)-4)
					a.Err.AttrPath = AttrPath(rs, m.Data[4+HeaderLen:4+n], a.Err.Offset)
				}
			}
		}
		d.Ack = &a
		d.AckFor = p.TypeName(a.Request.Type)
		return d, nil
	case TypeDone:
		if len(m.Data) >= 4 {
			if code := int32(binary.LittleEndian.Uint32(m.Data)); code < 0 {
				d.Errno = syscall.Errno(-code)
			}
		}
		return d, nil
	case TypeNoop, TypeOverrun:
		d.Raw = m.Data
		return d, nil
	}
	ms := p.Message(h.Type)
	if ms == nil {
		d.Raw = m.Data
		return d, nil
	}
	d.Schema = ms
	var err error
	if d.Fixed, d.Attrs, err = ms.Decode(m.Data); err != nil {
		return nil, err
	}
	return d, nil
}

// Format decodes a message and prints it on one line (indent == false) or
// one field per line. It never fails: what it cannot decode it prints in
// hex with the reason, so a tracer can always show what went by.
func (p *Protocol) Format(m Message, indent bool) string {
	d, err := p.Decode(m)
	if err != nil {
		h := m.Header
		return fmt.Sprintf("%s flags=%s seq=%d pid=%d (undecodable: %v) %s", p.TypeName(h.Type),
			p.FormatFlags(h.Type, h.Flags), h.Seq, h.PID, err, appendHex(nil, m.Data))
	}
	if indent {
		return d.Indent()
	}
	return d.String()
}

func (d *Decoded) appendHead(b []byte) []byte {
	return fmt.Appendf(b, "%s flags=%s seq=%d pid=%d", d.Name, d.Flags, d.Header.Seq, d.Header.PID)
}

func (d *Decoded) appendAck(b []byte) []byte {
	a := d.Ack
	if a == nil {
		return b
	}
	if a.Err == nil {
		b = append(b, " ack"...)
		if a.Warning != "" {
			b = append(b, " warning="...)
			b = strconv.AppendQuote(b, a.Warning)
		}
	} else {
		e := a.Err
		b = fmt.Appendf(b, " error=%s (%s)", ErrnoName(e.Errno), e.Errno.Error())
		if e.Msg != "" {
			b = append(b, " msg="...)
			b = strconv.AppendQuote(b, e.Msg)
		}
		if e.HasOffset {
			b = fmt.Appendf(b, " offset=%d", e.Offset)
		}
		if e.AttrPath != "" {
			b = append(b, " attr="...)
			b = append(b, e.AttrPath...)
		}
		if e.HasMissing {
			b = fmt.Appendf(b, " missing=%d", e.MissingType)
			if e.MissingNest != 0 {
				b = fmt.Appendf(b, " missing_nest=%d", e.MissingNest)
			}
		}
	}
	return fmt.Appendf(b, " for=%s seq=%d", d.AckFor, a.Request.Seq)
}

// String prints the message on one line, for example
//
//	RTM_NEWLINK flags=REQUEST|ACK|CREATE|EXCL seq=3 pid=0 {family=0 ...} ifname="veth0" mtu=1500
func (d *Decoded) String() string {
	b := d.appendHead(nil)
	b = d.appendAck(b)
	if d.Header.Type == TypeDone {
		b = fmt.Appendf(b, " error=%d", -int(d.Errno))
	}
	if d.Fixed != nil {
		b = append(b, " {"...)
		b = d.Fixed.appendLine(b)
		b = append(b, '}')
	}
	if d.Attrs != nil && len(d.Attrs.Fields) > 0 {
		b = append(b, ' ')
		b = d.Attrs.appendLine(b)
	}
	if len(d.Raw) > 0 {
		b = append(b, ' ')
		b = appendHex(b, d.Raw)
	}
	return string(b)
}

// Indent prints the message head on one line and then its family header
// and attributes one per line, indented.
func (d *Decoded) Indent() string {
	b := d.appendHead(nil)
	b = d.appendAck(b)
	if d.Header.Type == TypeDone {
		b = fmt.Appendf(b, " error=%d", -int(d.Errno))
	}
	b = append(b, '\n')
	if d.Fixed != nil {
		b = append(b, "  "...)
		b = append(b, d.Schema.Header.Name...)
		b = append(b, ": {"...)
		b = d.Fixed.appendLine(b)
		b = append(b, "}\n"...)
	}
	b = d.Attrs.appendIndent(b, "  ")
	if len(d.Raw) > 0 {
		b = append(b, "  "...)
		b = appendHex(b, d.Raw)
		b = append(b, '\n')
	}
	return string(b)
}
