package codec

import (
	"encoding/binary"
	"strconv"
)

// AttrPath resolves the byte offset of an extended ack (counted, as the
// kernel counts it, from the start of the request's nlmsghdr) to the path
// of the attribute it falls in, such as
// "IFLA_LINKINFO.IFLA_INFO_DATA.IFLA_VXLAN_ID". payload is the request's
// payload (what follows its nlmsghdr). Each step is named by the schema's
// Const, else its Name, else the type number; entries of a nested array
// are numbered from 1 ("NFTA_RULE_EXPRESSIONS[2].NFTA_EXPR_DATA"). An
// offset inside the family header names its field ("ifinfomsg.index").
// It returns "" if the offset falls in no attribute.
func AttrPath(ms *MessageSchema, payload []byte, offset uint32) string {
	off := int(offset) - HeaderLen
	if off < 0 || off >= len(payload) || ms == nil {
		return ""
	}
	start := 0
	if ms.Header != nil {
		start = min(Align(ms.Header.Size), len(payload))
		if off < start {
			return structPath(ms.Header, off)
		}
	}
	return attrPath(ms.Attrs, payload[start:], off-start)
}

// structPath names the field of st that holds byte off.
func structPath(st *Struct, off int) string {
	for i := range st.Fields {
		f := &st.Fields[i]
		n, _ := structFieldSize(f)
		if off >= f.Offset && off < f.Offset+n {
			return st.Name + "." + f.Name
		}
	}
	return st.Name
}

// attrPath finds the attribute of b that holds byte off of b.
func attrPath(s *Schema, b []byte, off int) string {
	var keys []selKey
	if s != nil && s.selects {
		keys = s.selectorKeys(b)
	}
	for pos := 0; pos+attrHeaderLen <= len(b); {
		n := int(binary.LittleEndian.Uint16(b[pos:]))
		if n < attrHeaderLen || pos+n > len(b) {
			return ""
		}
		next := pos + Align(n)
		if off < pos || off >= next {
			pos = next
			continue
		}
		typ := binary.LittleEndian.Uint16(b[pos+2:])
		a := s.ByType(typ)
		name := strconv.Itoa(int(typ & attrTypeMask))
		if a != nil {
			name = a.label()
		}
		inner := off - pos - attrHeaderLen
		p := b[pos+attrHeaderLen : pos+n]
		if inner < 0 || inner >= len(p) {
			return name
		}
		var sub string
		switch {
		case a == nil:
			if typ&AttrNested != 0 {
				sub = attrPath(nil, p, inner)
			}
		case a.Kind == KindNested:
			ns := a.Nested
			if a.Select != nil {
				ns = s.selected(a, keys)
			}
			if ns != nil && a.Header != nil {
				hs := min(Align(a.Header.Size), len(p))
				if inner < hs {
					return name + "." + structPath(a.Header, inner)
				}
				p, inner = p[hs:], inner-hs
			}
			if ns != nil {
				sub = attrPath(ns, p, inner)
			}
		case a.Kind == KindNestedArray:
			return name + arrayPath(a.Nested, p, inner)
		}
		if sub != "" {
			return name + "." + sub
		}
		return name
	}
	return ""
}

// arrayPath names the entry of a nested array that holds byte off, as
// "[i]" or "[i].INNER".
func arrayPath(s *Schema, b []byte, off int) string {
	for i, pos := 0, 0; pos+attrHeaderLen <= len(b); i++ {
		n := int(binary.LittleEndian.Uint16(b[pos:]))
		if n < attrHeaderLen || pos+n > len(b) {
			return ""
		}
		next := pos + Align(n)
		if off >= pos && off < next {
			idx := "[" + strconv.Itoa(i+1) + "]"
			inner := off - pos - attrHeaderLen
			if inner >= 0 && inner < n-attrHeaderLen {
				if sub := attrPath(s, b[pos+attrHeaderLen:pos+n], inner); sub != "" {
					return idx + "." + sub
				}
			}
			return idx
		}
		pos = next
	}
	return ""
}

// Annotate completes an error the kernel returned for request (a whole
// message as sent, nlmsghdr included): Op from the request's type name if
// unset, and AttrPath from the extack offset where the protocol knows the
// message type.
func (p *Protocol) Annotate(e *Error, request []byte) {
	if e == nil {
		return
	}
	h, err := ParseHeader(request)
	if err != nil {
		return
	}
	if e.Op == "" {
		e.Op = p.TypeName(h.Type)
	}
	if !e.HasOffset || e.AttrPath != "" {
		return
	}
	end := min(max(int(h.Len), HeaderLen), len(request))
	if ms := p.Message(h.Type); ms != nil {
		e.AttrPath = AttrPath(ms, request[HeaderLen:end], e.Offset)
	}
}
