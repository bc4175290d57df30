package ruletext

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// xfield is a field of an extension header or option nft names: where
// it is in it and its datatype. A field narrower than its bytes (frag
// more-fragments) has a mask, in network order, and a shift: the bytes
// are masked and values compared shifted.
type xfield struct {
	name   string
	offset uint32
	len    uint32
	typ    string
	mask   []byte
	shift  uint8
}

// xheader is an extension header ("exthdr frag", op ipv6), an IPv4
// option ("ip option rr") or a TCP option ("tcp option window"): its
// exthdr op and type, the words nft prints before its fields, and the
// network protocol it depends on (nft matches meta nfproto before it in
// an inet table; none for TCP options).
type xheader struct {
	prefix string // before a field: "frag", "ip option rr"
	exists string // before exists/missing: "exthdr frag", "ip option rr"
	op     uint32
	typ    uint8
	nfp    uint8
	fields []xfield
}

// xheaders lists what nft 1.0.6 names; the first of a type and op is
// the name printed.
func xheaders() []xheader {
	nh := xfield{name: "nexthdr", offset: 0, len: 1, typ: "inet_proto"}
	hl := xfield{name: "hdrlength", offset: 1, len: 1, typ: "integer8"}
	ipv6 := func(name string, t uint8, f ...xfield) xheader {
		return xheader{prefix: name, exists: "exthdr " + name, op: expr.ExthdrIPv6, typ: t, nfp: 10,
			fields: append([]xfield{nh, hl}, f...)}
	}
	ipv4 := func(name string, t uint8, f ...xfield) xheader {
		return xheader{prefix: "ip option " + name, exists: "ip option " + name, op: expr.ExthdrIPv4, typ: t, nfp: 2,
			fields: append([]xfield{{name: "type", offset: 0, len: 1, typ: "integer8"}, {name: "length", offset: 1, len: 1, typ: "integer8"}}, f...)}
	}
	tcp := func(name string, t uint8, f ...xfield) xheader {
		return xheader{prefix: "tcp option " + name, exists: "tcp option " + name, op: expr.ExthdrTCPOpt, typ: t,
			fields: append([]xfield{{name: "length", offset: 1, len: 1, typ: "integer8"}}, f...)}
	}
	sackEdge := func(name string, off uint32) xfield { return xfield{name: name, offset: off, len: 4, typ: "integer32"} }
	ptr := xfield{name: "ptr", offset: 2, len: 1, typ: "integer8"}
	addr := xfield{name: "addr", offset: 3, len: 4, typ: "integer32"}
	left := xfield{name: "left", offset: 2, len: 4, typ: "integer32"}
	right := xfield{name: "right", offset: 6, len: 4, typ: "integer32"}
	return []xheader{
		ipv6("hbh", 0),
		ipv6("rt", 43, xfield{name: "type", offset: 2, len: 1, typ: "integer8"}, xfield{name: "seg-left", offset: 3, len: 1, typ: "integer8"}),
		{prefix: "frag", exists: "exthdr frag", op: expr.ExthdrIPv6, typ: 44, nfp: 10, fields: []xfield{
			nh,
			{name: "reserved", offset: 1, len: 1, typ: "integer8"},
			{name: "frag-off", offset: 2, len: 2, typ: "integer16", mask: []byte{0xff, 0xf8}, shift: 3},
			{name: "reserved2", offset: 3, len: 1, typ: "integer8", mask: []byte{0x06}, shift: 1},
			{name: "more-fragments", offset: 3, len: 1, typ: "integer8", mask: []byte{0x01}},
			{name: "id", offset: 4, len: 4, typ: "integer32"},
		}},
		ipv6("dst", 60),
		{prefix: "mh", exists: "exthdr mh", op: expr.ExthdrIPv6, typ: 135, nfp: 10},
		ipv4("lsrr", 131, ptr, addr),
		ipv4("rr", 7, ptr, addr),
		ipv4("ssrr", 137, ptr, addr),
		ipv4("ra", 148, xfield{name: "value", offset: 2, len: 2, typ: "integer16"}),
		{prefix: "tcp option eol", exists: "tcp option eol", op: expr.ExthdrTCPOpt, typ: 0},
		{prefix: "tcp option nop", exists: "tcp option nop", op: expr.ExthdrTCPOpt, typ: 1},
		tcp("maxseg", 2, xfield{name: "size", offset: 2, len: 2, typ: "integer16"}),
		tcp("window", 3, xfield{name: "count", offset: 2, len: 1, typ: "integer8"}),
		tcp("sack-perm", 4),
		tcp("sack", 5, left, right),
		tcp("sack0", 5, left, right),
		tcp("sack1", 5, sackEdge("left", 10), sackEdge("right", 14)),
		tcp("sack2", 5, sackEdge("left", 18), sackEdge("right", 22)),
		tcp("sack3", 5, sackEdge("left", 26), sackEdge("right", 30)),
		tcp("timestamp", 8, xfield{name: "tsval", offset: 2, len: 4, typ: "integer32"}, xfield{name: "tsecr", offset: 6, len: 4, typ: "integer32"}),
	}
}

// exthdrPresent is NFT_EXTHDR_F_PRESENT: the load is 1 when the header
// or option is there, 0 when not.
const exthdrPresent = 1

// findXheader is the header or option printed with prefix p ("frag",
// "ip option rr") or, exists set, before exists/missing ("exthdr frag").
func (c *Compiler) findXheader(p string, exists bool) *xheader {
	if name, ok := strings.CutPrefix(p, "tcp option "); ok {
		// nft's other spellings of TCP options, and their kinds
		switch name {
		case "mss":
			p = "tcp option maxseg"
		case "sack-permitted":
			p = "tcp option sack-perm"
		}
		if n, err := strconv.ParseUint(name, 10, 8); err == nil && exists {
			// a kind, which nft reads before exists/missing only
			for i := range c.xheaders {
				if h := &c.xheaders[i]; h.op == expr.ExthdrTCPOpt && h.typ == uint8(n) {
					return h
				}
			}
			// a kind nft has no name for: "tcp option 42 exists"
			return &xheader{exists: p, op: expr.ExthdrTCPOpt, typ: uint8(n)}
		}
	}
	for i := range c.xheaders {
		h := &c.xheaders[i]
		if (exists && h.exists == p) || (!exists && h.prefix == p) {
			return h
		}
	}
	return nil
}

// needXNfproto emits the dependency of h on its network protocol, as
// nft, first in the rule: meta nfproto in an inet table, meta protocol
// in a netdev one, the Ethernet type in a bridge one; an error when the
// rule is of the other protocol (an IPv4 option in an ip6 table, or
// after an IPv6 match).
func (s *state) needXNfproto(h *xheader) error {
	if h.nfp != 0 && s.nfp != 0 && s.nfp != h.nfp {
		return fmt.Errorf("%s: cannot be matched with %s", h.exists, map[uint8]string{2: "ip", 10: "ip6"}[s.nfp])
	}
	n := len(s.out.Exprs)
	s.needNfproto(h.nfp, true)
	// nft 1.0.6 puts this dependency first in the rule, not before the
	// header's load ("meta mark 1 exthdr frag exists" loads meta nfproto
	// before the mark)
	dep := slices.Clone(s.out.Exprs[n:])
	s.out.Exprs = slices.Insert(s.out.Exprs[:n], 0, dep...)
	return nil
}

// unknownXheader is the error for a header or option nft has no name
// for, or none.
func unknownXheader(p string) error {
	if strings.HasSuffix(p, " ") {
		return fmt.Errorf("%s: want a header or option name", strings.TrimSpace(p))
	}
	return fmt.Errorf("%s: unknown header or option", p)
}

// exthdrPresence compiles "exthdr frag exists", "ip option rr missing",
// "tcp option sack-perm exists" (the lexer after the name) as nft lays
// it out: a 1-byte load of whether it is there, compared with 1 or 0.
func (s *state) exthdrPresence(p string) error {
	h := s.c.findXheader(p, true)
	if h == nil {
		return unknownXheader(p)
	}
	op := expr.CmpEq
	if s.l.accept("!=") {
		op = expr.CmpNeq
	}
	word := s.l.next()
	if word != "exists" && word != "missing" {
		return fmt.Errorf("%s: want exists or missing, not %q", p, word)
	}
	if err := s.needXNfproto(h); err != nil {
		return err
	}
	v := byte(0)
	if word == "exists" {
		v = 1
	}
	s.emit(&expr.Exthdr{DestRegister: expr.Reg1, Op: h.op, Type: h.typ, Len: 1, Flags: exthdrPresent},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: op, Data: []byte{v}})
	return nil
}

// exthdrField compiles a match on a field of the header or option
// printed with prefix p ("frag id 5", "tcp option window count 7"), the
// lexer at the field's name.
func (s *state) exthdrField(p string) error {
	h := s.c.findXheader(p, false)
	if h == nil {
		return unknownXheader(p)
	}
	word := s.l.next()
	var f *xfield
	for i := range h.fields {
		if h.fields[i].name == word {
			f = &h.fields[i]
		}
	}
	if f == nil {
		return fmt.Errorf("%s: unknown field %q", p, word)
	}
	if err := s.needXNfproto(h); err != nil {
		return err
	}
	load := expr.Exthdr{DestRegister: expr.Reg1, Op: h.op, Type: h.typ, Offset: f.offset, Len: f.len}
	typ := s.c.types.ByName(f.typ)
	if s.l.peek() == "set" {
		return fmt.Errorf("%s %s: nlsh sets no field of a header extension or option but tcp option maxseg size", p, f.name)
	}
	if f.mask == nil {
		if s.l.peek() == "&" {
			// nft 1.0.6 lists such a rule as another ("frag unknown & 255")
			return fmt.Errorf("%s %s: nlsh compiles no mask of this field", p, f.name)
		}
		return s.relational(typ, func(uint32) expr.Expr { x := load; return &x }, typ.Len)
	}
	op := expr.CmpEq
	if s.l.accept("!=") {
		op = expr.CmpNeq
	} else {
		s.l.accept("==")
	}
	w := s.l.next()
	if w == "{" || strings.Contains(w, "-") {
		return fmt.Errorf("%s %s: nlsh compiles a value, not a set or range, of this field", p, f.name)
	}
	b, err := typ.Parse(w)
	if err != nil {
		return fmt.Errorf("%s %s: %w", p, f.name, err)
	}
	v := shiftBytes(b, f.shift)
	if v == nil || !bytes.Equal(andBytes(v, f.mask), v) {
		return fmt.Errorf("%s %s: %s is wider than the field", p, f.name, typ.Format(b))
	}
	s.emit(&load, &expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: f.len, Mask: f.mask, Xor: make([]byte, f.len)},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: op, Data: v})
	return nil
}

// shiftBytes shifts big-endian b left by n bits; nil when bits fall off.
func shiftBytes(b []byte, n uint8) []byte {
	out := make([]byte, len(b))
	var carry byte
	for i := len(b) - 1; i >= 0; i-- {
		out[i] = b[i]<<n | carry
		carry = byte(uint16(b[i]) >> (8 - n))
	}
	if carry != 0 {
		return nil
	}
	return out
}

// unshiftBytes shifts big-endian b right by n bits.
func unshiftBytes(b []byte, n uint8) []byte {
	out := make([]byte, len(b))
	var carry byte
	for i := range b {
		out[i] = b[i]>>n | carry
		carry = byte(uint16(b[i]) << (8 - n))
	}
	return out
}

func andBytes(a, m []byte) []byte {
	out := make([]byte, len(a))
	for i := range a {
		out[i] = a[i] & m[i]
	}
	return out
}

// exthdr prints a load of an extension header's or option's field, or
// of whether it is there, and the match on it.
func (s *pstate) exthdr(x *expr.Exthdr) error {
	if isMaxseg(x) && x.SourceRegister != 0 {
		return s.tcpOption(x)
	}
	if x.DestRegister == 0 || x.SourceRegister != 0 {
		return s.fail()
	}
	for _, h := range s.p.xheaders {
		if h.op != x.Op || h.typ != x.Type || (h.nfp != 0 && h.nfp != s.nfp) {
			continue
		}
		switch x.Flags {
		case exthdrPresent:
			return s.xpresence(&h, x)
		case 0:
		default:
			return s.fail()
		}
		for _, f := range h.fields {
			if f.offset != x.Offset || f.len != x.Len {
				continue
			}
			typ := s.p.types.ByName(f.typ)
			bw, ok := s.at(1).(*expr.Bitwise)
			if f.mask == nil {
				if ok {
					return s.fail() // masked: nft lists no such rule
				}
				return s.relational(h.prefix+" "+f.name, typ, x.DestRegister, 0)
			}
			if !ok || !bytes.Equal(bw.Mask, f.mask) {
				continue
			}
			c, ok := s.at(2).(*expr.Cmp)
			if bw.SourceRegister != x.DestRegister || bw.DestRegister != x.DestRegister || bw.Len != f.len ||
				!isZero(bw.Xor) || len(bw.Xor) != int(f.len) || bw.Op != 0 || len(bw.Data) != 0 || !ok ||
				c.SourceRegister != x.DestRegister || (c.Op != expr.CmpEq && c.Op != expr.CmpNeq) ||
				len(c.Data) != int(f.len) || !bytes.Equal(andBytes(c.Data, f.mask), c.Data) {
				return s.fail()
			}
			op := ""
			if c.Op == expr.CmpNeq {
				op = "!= "
			}
			s.out = append(s.out, h.prefix+" "+f.name+" "+op+typ.Format(unshiftBytes(c.Data, f.shift)))
			s.i += 3
			return nil
		}
	}
	if x.Op == expr.ExthdrTCPOpt && x.Flags == exthdrPresent {
		// a kind nft has no name for: "tcp option 42 exists"
		h := xheader{exists: "tcp option " + strconv.Itoa(int(x.Type)), op: x.Op, typ: x.Type}
		return s.xpresence(&h, x)
	}
	if x.Op == expr.ExthdrTCPOpt && x.Flags == 0 {
		return s.tcpRaw(x)
	}
	return s.fail()
}

// xpresence prints a load of whether h is there and its comparison with
// 1 or 0: "exthdr frag exists", "tcp option sack missing".
func (s *pstate) xpresence(h *xheader, x *expr.Exthdr) error {
	c, ok := s.at(1).(*expr.Cmp)
	if x.Offset != 0 || x.Len != 1 || !ok || c.SourceRegister != x.DestRegister || (c.Op != expr.CmpEq && c.Op != expr.CmpNeq) ||
		len(c.Data) != 1 || c.Data[0] > 1 {
		return s.fail()
	}
	w := " missing"
	if c.Data[0] == 1 {
		w = " exists"
	}
	if c.Op == expr.CmpNeq {
		w = " !=" + w
	}
	s.out = append(s.out, h.exists+w)
	s.i += 2
	return nil
}

// rawType is the datatype of a raw TCP option field of n bytes, "" for
// a length nlsh does not compile.
func rawType(n uint32) string {
	switch n {
	case 1:
		return "integer8"
	case 2:
		return "integer16"
	case 4:
		return "integer32"
	}
	return ""
}

// tcpRaw compiles "tcp option @kind,offset,length [op] value" (offset
// and length in bits), the lexer after "@kind": nlsh compiles whole
// bytes only, 8, 16 or 32 of them, which nft loads with no mask.
func (s *state) tcpRaw(at string) error {
	kind, err := strconv.ParseUint(at[1:], 10, 8)
	if err != nil {
		return fmt.Errorf("tcp option %s: want @kind,offset,length", at)
	}
	var bits [2]uint64
	for i := range bits {
		if err := s.l.expect(","); err != nil {
			return fmt.Errorf("tcp option %s: want @kind,offset,length: %w", at, err)
		}
		w := s.l.next()
		if bits[i], err = strconv.ParseUint(w, 10, 16); err != nil {
			return fmt.Errorf("tcp option %s: bad bit count %q", at, w)
		}
	}
	off, n := bits[0], bits[1]
	typ := rawType(uint32(n / 8))
	if off%8 != 0 || n%8 != 0 || typ == "" || off/8 > 255 {
		return fmt.Errorf("tcp option %s,%d,%d: nlsh compiles whole bytes at most 255 in, 8, 16 or 32 bits", at, off, n)
	}
	if w := s.l.peek(); w == "&" || w == "set" {
		return fmt.Errorf("tcp option %s,%d,%d: nlsh compiles no mask of it and does not set it", at, off, n)
	}
	load := expr.Exthdr{DestRegister: expr.Reg1, Op: expr.ExthdrTCPOpt, Type: uint8(kind), Offset: uint32(off / 8), Len: uint32(n / 8)}
	t := s.c.types.ByName(typ)
	return s.relational(t, func(uint32) expr.Expr { x := load; return &x }, t.Len)
}

// tcpRaw prints a load of a field of a TCP option kind nft has no name
// for, as nft does: "tcp option @42,16,32". A kind it names, at bytes no
// field of it has, nft lists as "unknown", which reads back as nothing:
// refused.
func (s *pstate) tcpRaw(x *expr.Exthdr) error {
	typ := rawType(x.Len)
	if x.Op != expr.ExthdrTCPOpt || x.Flags != 0 || typ == "" || x.Offset > 255 {
		return s.fail()
	}
	for _, h := range s.p.xheaders {
		if h.op == x.Op && h.typ == x.Type {
			return s.fail()
		}
	}
	if _, ok := s.at(1).(*expr.Bitwise); ok {
		return s.fail()
	}
	name := fmt.Sprintf("tcp option @%d,%d,%d", x.Type, x.Offset*8, x.Len*8)
	return s.relational(name, s.p.types.ByName(typ), x.DestRegister, 0)
}
