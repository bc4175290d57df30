package ruletext

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// AnonSet is an anonymous set a compiled rule needs, created in the same
// transaction as the rule. The rule's lookup names it "__set%d" ("__map%d"
// for a verdict map) and carries its index in Sets plus one as SetID
// until the transaction assigns ids.
type AnonSet struct {
	Key      KeyType
	Interval bool
	// VerdictMap marks an anonymous verdict map ("vmap { k : v }"): each
	// element has its Verdict.
	VerdictMap bool
	// Data marks an anonymous data map ("map { k : v }" of a NAT
	// statement): each element has Data of this type.
	Data KeyType
	// Obj marks an anonymous object map ("counter name tcp dport map {
	// 22 : "c1" }"): each element has the Object of this type
	// (NFT_OBJECT_*) it maps to.
	Obj uint32
	// Elements are inclusive [Key, KeyEnd] ranges; KeyEnd is nil for a
	// single value.
	Elements []Element
}

// Element is one value or inclusive range of a set, in register bytes,
// and in a verdict map the verdict it maps to.
type Element struct {
	Key     []byte
	KeyEnd  []byte
	Verdict *expr.Verdict
	Data    []byte // a data map's value
	Object  string // an object map's value: the object's name
}

// Rule is compiled rule text.
type Rule struct {
	Exprs   []expr.Expr
	Sets    []*AnonSet
	Comment string
}

// Resolver maps interface names to indexes and back, for iif and oif.
type Resolver interface {
	IfIndex(name string) (uint32, error)
	IfName(index uint32) (string, error)
}

// Compiler turns nft rule text into expressions, the way nft lays them
// out, so that `nft list ruleset` prints them back as the same text.
type Compiler struct {
	types    *Types
	headers  []header
	xheaders []xheader
	meta     []metaKey
	ct       []ctKey
	resolver Resolver
}

// NewCompiler returns a compiler; r resolves iif/oif names (nil: those
// matches are refused).
func NewCompiler(r Resolver) *Compiler { return NewCompilerWith(NewTypes(), r) }

// NewCompilerWith is NewCompiler over the datatype table types, which a
// caller shares with its printer (NewTypes reads /etc/protocols).
func NewCompilerWith(types *Types, r Resolver) *Compiler {
	return &Compiler{types: types, headers: headers(), xheaders: xheaders(), meta: metaKeys(), ct: ctKeys(), resolver: r}
}

// Types returns the compiler's datatype table.
func (c *Compiler) Types() *Types { return c.types }

// state is the compilation of one rule.
type state struct {
	c      *Compiler
	sets   Sets
	family string
	l      *lexer
	out    *Rule
	nfp    uint8 // network protocol already matched
	l4     uint8 // transport protocol already matched
	ether  bool  // the input device's type is known to be Ethernet
	// the message types an icmp or icmpv6 header (typeHdr) is known to
	// have, from a match on its type; nil when none is known
	typeHdr  string
	typeSeen []uint8
	// the statement just compiled and the options it takes ("synproxy
	// (mss N, ...)"), for the error on a word after it that is neither
	// one of them nor a statement
	options string
}

// Compile compiles rule text for a table of family ("ip", "inet", ...).
func (c *Compiler) Compile(family, text string) (*Rule, error) {
	return c.CompileWithSets(family, text, nil)
}

// CompileWithSets compiles rule text as Compile does, checking the
// named sets it uses with sets (nil: none is checked): that they exist,
// and the type of their keys.
func (c *Compiler) CompileWithSets(family, text string, sets Sets) (*Rule, error) {
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	s := &state{c: c, sets: sets, family: family, l: &lexer{toks: toks}, out: &Rule{}}
	if family == "ip" {
		s.nfp = 2
	} else if family == "ip6" {
		s.nfp = 10
	}
	for !s.l.done() {
		start := s.l.pos
		if err := s.statement(); err != nil {
			return nil, fmt.Errorf("rule %q: at %q: %w", text, strings.Join(toks[start:min(start+3, len(toks))], " "), err)
		}
	}
	s.out.Exprs = mergePayloads(s.out.Exprs)
	return s.out, nil
}

// mergePayloads merges two header fields compared one after the other
// with == into one load and one comparison where nft does ("tcp sport
// 1000 tcp dport 22" loads the 4 bytes of both ports): adjacent fields of
// one header, together at most 4 bytes (the kernel's fast path), or of
// the link layer, or one of them longer than 4 bytes, and at most 16.
func mergePayloads(xs []expr.Expr) []expr.Expr {
	for i := 0; i+3 < len(xs); {
		p1, ok1 := xs[i].(*expr.Payload)
		c1, ok2 := xs[i+1].(*expr.Cmp)
		p2, ok3 := xs[i+2].(*expr.Payload)
		c2, ok4 := xs[i+3].(*expr.Cmp)
		if !ok1 || !ok2 || !ok3 || !ok4 || !mergeable(p1, c1, p2, c2) {
			i++
			continue
		}
		if p2.Offset < p1.Offset {
			p1, c1, p2, c2 = p2, c2, p1, c1
		}
		merged := []expr.Expr{
			&expr.Payload{DestRegister: p1.DestRegister, Base: p1.Base, Offset: p1.Offset, Len: p1.Len + p2.Len},
			&expr.Cmp{SourceRegister: c1.SourceRegister, Op: expr.CmpEq, Data: append(slices.Clone(c1.Data), c2.Data...)},
		}
		xs = slices.Replace(xs, i, i+4, merged...)
	}
	return xs
}

func mergeable(p1 *expr.Payload, c1 *expr.Cmp, p2 *expr.Payload, c2 *expr.Cmp) bool {
	if p1.DestRegister != expr.Reg1 || p2.DestRegister != expr.Reg1 || p1.Base != p2.Base || p1.SourceRegister != 0 || p2.SourceRegister != 0 ||
		c1.SourceRegister != expr.Reg1 || c2.SourceRegister != expr.Reg1 || c1.Op != expr.CmpEq || c2.Op != expr.CmpEq ||
		uint32(len(c1.Data)) != p1.Len || uint32(len(c2.Data)) != p2.Len {
		return false
	}
	if p1.Offset+p1.Len != p2.Offset && p2.Offset+p2.Len != p1.Offset {
		return false
	}
	total := p1.Len + p2.Len
	return total <= 16 && (total <= 4 || p1.Base == expr.PayloadLL || p1.Len > 4 || p2.Len > 4)
}

func (s *state) emit(x ...expr.Expr) { s.out.Exprs = append(s.out.Exprs, x...) }

func (s *state) statement() error {
	l := s.l
	t := l.next()
	opts := s.options
	s.options = ""
	switch t {
	case "ip", "ip6", "tcp", "udp", "sctp", "dccp", "icmp", "icmpv6", "th", "ether":
		if (t == "tcp" || t == "ip") && l.accept("option") {
			name := l.next()
			if t == "tcp" && strings.HasPrefix(name, "@") {
				return s.tcpRaw(name)
			}
			p := t + " option " + name
			if h := s.c.findXheader(p, false); h != nil {
				p = h.prefix // "tcp option mss": maxseg
			}
			if w := l.peek(); w == "exists" || w == "missing" {
				return s.exthdrPresence(p)
			}
			if p == "tcp option maxseg" && l.accept("size") {
				return s.tcpOption()
			}
			return s.exthdrField(p)
		}
		return s.payloadMatch(t)
	case "exthdr":
		return s.exthdrPresence("exthdr " + l.next())
	case "frag", "hbh", "dst", "mh", "rt":
		return s.exthdrField(t)
	case "numgen", "jhash", "symhash":
		x, err := s.hashSource(t)
		if err != nil {
			return err
		}
		typ := s.c.types.ByName("integer")
		return s.relational(typ, func(uint32) expr.Expr { return x }, typ.Len)
	case "meta":
		return s.metaMatch(l.next())
	case "iif", "oif", "iifname", "oifname", "iifgroup", "oifgroup":
		return s.metaMatch(t)
	case "ct":
		return s.ctMatch(l.next())
	case "counter", "quota":
		if l.accept("name") {
			return s.objref(t + " name")
		}
		if t == "quota" {
			return s.quota()
		}
		cn := &expr.Counter{}
		if l.accept("packets") {
			v, err := strconv.ParseUint(l.next(), 10, 64)
			if err != nil {
				return err
			}
			cn.Packets = v
			if err := l.expect("bytes"); err != nil {
				return err
			}
			if cn.Bytes, err = strconv.ParseUint(l.next(), 10, 64); err != nil {
				return err
			}
		}
		s.emit(cn)
	case "fib":
		return s.fib()
	case "socket":
		return s.socketMatch()
	case "osf":
		return s.osfMatch()
	case "tproxy":
		return s.tproxy()
	case "log":
		return s.log()
	case "limit":
		if l.accept("name") {
			return s.objref("limit name")
		}
		return s.limit()
	case "synproxy":
		if l.accept("name") {
			return s.objref("synproxy name")
		}
		return s.synproxy()
	case "queue":
		return s.queue()
	case "dup":
		return s.dup()
	case "fwd":
		return s.fwd()
	case "flow":
		return s.flow()
	case "accept", "drop", "return", "continue", "jump", "goto":
		v := t
		if t == "jump" || t == "goto" {
			v += " " + l.next()
		}
		vd, err := expr.ParseVerdict(v)
		if err != nil {
			return err
		}
		s.emit(&expr.Immediate{DestRegister: expr.RegVerdict, Verdict: &vd})
	case "reject":
		return s.reject()
	case "masquerade", "redirect":
		return s.masqRedir(t)
	case "snat", "dnat":
		return s.nat(t)
	case "add", "update", "delete":
		return s.dynset(t)
	case "notrack":
		s.emit(&expr.Notrack{})
	case "comment":
		s.out.Comment = unquote(l.next())
	default:
		if opts != "" {
			return fmt.Errorf("unknown statement %q, nor an option of the %s before it", t, opts)
		}
		return fmt.Errorf("unknown statement %q", t)
	}
	return nil
}

// needNfproto adds the meta nfproto dependency in families that carry
// both IPv4 and IPv6.
//
// In bridge and netdev tables, where every packet's nfproto is the
// table's, it is the packet's ethertype instead, as nft lays it out:
// "meta protocol" before a network header, and before icmp or icmpv6 in
// a bridge the Ethernet header's type (icmp says true).
func (s *state) needNfproto(p uint8, icmp bool) {
	if s.nfp == p || p == 0 {
		return
	}
	switch s.family {
	case "inet":
		s.emit(&expr.Meta{Key: expr.MetaNfproto, DestRegister: expr.Reg1},
			&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{p}})
	case "bridge", "netdev":
		et := etherTypeOf(p)
		if s.family == "bridge" && icmp {
			s.emit(&expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadLL, Offset: 12, Len: 2},
				&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: et})
		} else {
			s.emit(&expr.Meta{Key: expr.MetaProtocol, DestRegister: expr.Reg1},
				&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: et})
		}
	}
	s.nfp = p
}

// etherTypeOf is the ethertype of nfproto p (2 or 10), in network order.
func etherTypeOf(p uint8) []byte {
	if p == 10 {
		return []byte{0x86, 0xdd}
	}
	return []byte{0x08, 0x00}
}

// nfprotoOfEtherType is etherTypeOf's inverse: 0 for another type.
func nfprotoOfEtherType(b []byte) uint8 {
	switch {
	case bytes.Equal(b, []byte{0x08, 0x00}):
		return 2
	case bytes.Equal(b, []byte{0x86, 0xdd}):
		return 10
	}
	return 0
}

func (s *state) needL4(p uint8) {
	if s.l4 == p {
		return
	}
	s.emit(&expr.Meta{Key: expr.MetaL4proto, DestRegister: expr.Reg1},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{p}})
	s.l4 = p
}

// shiftedMatch compiles "ip dscp cs1", "!= ef", "{ cs1, ef }": the
// field's byte masked, compared with values shifted into place.
func (s *state) shiftedMatch(h *header, f *hfield, typ *Type) error {
	mask := f.fieldMask()
	put := func(v string) ([]byte, error) {
		b, err := typ.Parse(v)
		if err != nil {
			return nil, err
		}
		if b[0] > mask>>f.shift {
			return nil, fmt.Errorf("%s %s: %s is wider than the field", h.name, f.name, v)
		}
		return []byte{b[0] << f.shift}, nil
	}
	s.emit(&expr.Payload{DestRegister: expr.Reg1, Base: h.base, Offset: f.offset, Len: 1},
		&expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: 1, Mask: []byte{mask}, Xor: []byte{0}})
	op := expr.CmpEq
	if s.l.accept("!=") {
		op = expr.CmpNeq
	} else {
		s.l.accept("==")
	}
	if s.l.peek() == "{" {
		set, err := s.anonSet(typ)
		if err != nil {
			return err
		}
		for i := range set.Elements {
			e := &set.Elements[i]
			if e.KeyEnd != nil {
				return fmt.Errorf("%s %s: ranges in a set are not supported", h.name, f.name)
			}
			if e.Key, err = put(typ.Format(e.Key)); err != nil {
				return err
			}
		}
		s.out.Sets = append(s.out.Sets, set)
		lk := &expr.Lookup{Set: "__set%d", SetID: uint32(len(s.out.Sets)), SourceRegister: expr.Reg1}
		if op == expr.CmpNeq {
			lk.Flags = expr.LookupInvert
		}
		s.emit(lk)
		return nil
	}
	b, err := put(s.l.next())
	if err != nil {
		return err
	}
	s.emit(&expr.Cmp{SourceRegister: expr.Reg1, Op: op, Data: b})
	return nil
}

// tcpMaxseg is the TCP option nlsh reads and writes: the MSS (kind 2),
// its 2-byte size at offset 2.
var tcpMaxseg = expr.Exthdr{Type: 2, Offset: 2, Len: 2, Op: expr.ExthdrTCPOpt}

// tcpOption compiles "tcp option maxseg size [op] N" and "tcp option
// maxseg size set rt mtu" / "set N" (MSS clamping), as nft lays them out,
// the lexer after "size".
func (s *state) tcpOption() error {
	typ := s.c.types.ByName("integer16")
	if !s.l.accept("set") {
		return s.relational(typ, func(uint32) expr.Expr {
			x := tcpMaxseg
			x.DestRegister = expr.Reg1
			return &x
		}, 2)
	}
	w := tcpMaxseg
	w.SourceRegister = expr.Reg1
	if s.l.accept("rt") {
		if s.l.next() != "mtu" {
			return fmt.Errorf("tcp option maxseg size set rt: only rt mtu")
		}
		s.emit(&expr.Rt{DestRegister: expr.Reg1, Key: expr.RtTCPMSS},
			hton(expr.Reg1, 2), &w)
		return nil
	}
	v, err := typ.Parse(s.l.next())
	if err != nil {
		return err
	}
	s.emit(&expr.Immediate{DestRegister: expr.Reg1, Data: v}, &w)
	return nil
}

// member is one selector of a concatenation ("ip saddr . tcp dport"):
// its datatype and its load into a register.
type member struct {
	typ  *Type
	load func(reg uint32) expr.Expr
}

// payloadField reads the field of header proto, emitting the header's
// dependencies.
func (s *state) payloadField(proto string) (*header, *hfield, error) {
	var h *header
	for i := range s.c.headers {
		if s.c.headers[i].name == proto {
			h = &s.c.headers[i]
		}
	}
	if h == nil {
		return nil, nil, fmt.Errorf("unknown header %q", proto)
	}
	fname := s.l.next()
	var f *hfield
	for i := range h.fields {
		if h.fields[i].name == fname {
			f = &h.fields[i]
		}
	}
	if f == nil {
		return nil, nil, fmt.Errorf("unknown field %s %s", proto, fname)
	}
	s.needNfproto(h.nfp, h.l4 != 0)
	if h.l4 != 0 {
		s.needL4(h.l4)
	}
	if h.base == expr.PayloadLL && s.family != "bridge" && !s.ether {
		// outside a bridge the link-layer header is Ethernet's only on
		// an Ethernet device: "meta iiftype ether", which nft adds
		s.emit(&expr.Meta{Key: expr.MetaIiftype, DestRegister: expr.Reg1},
			&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{arphrdEther, 0}})
		s.ether = true
	}
	return h, f, nil
}

// arphrdEther is ARPHRD_ETHER, the device type meta iiftype loads (a u16
// in host order).
const arphrdEther = 1

func (s *state) payloadMatch(proto string) error {
	h, f, err := s.payloadField(proto)
	if err != nil {
		return err
	}
	if s.l.accept("set") {
		return s.payloadSet(h, f)
	}
	typ := s.c.types.ByName(f.typ)
	load := func(off, n uint32) expr.Expr {
		return &expr.Payload{DestRegister: expr.Reg1, Base: h.base, Offset: off, Len: n}
	}
	if f.types != nil {
		if err := s.needType(h, f); err != nil {
			return err
		}
	}
	if f.shift != 0 {
		return s.shiftedMatch(h, f, typ)
	}
	if s.l.peek() == "." && !f.bits {
		return s.concat(member{typ, func(reg uint32) expr.Expr {
			return &expr.Payload{DestRegister: reg, Base: h.base, Offset: f.offset, Len: f.len}
		}})
	}
	if f.bits {
		// As nft: "tcp flags syn" is (field & value) != 0, "! syn"
		// (field & value) == 0, "== syn" and "!= syn" compare the whole
		// field; "syn,ack" as the printer writes several flags
		// (tokenized apart at the commas)
		if s.l.accept("&") {
			return s.flagMask(typ, func(n uint32) expr.Expr { return load(f.offset, n) }, int(f.len))
		}
		none := s.l.accept("!")
		exact, isExact := cmpOps[s.l.peek()]
		if isExact && (exact == expr.CmpEq || exact == expr.CmpNeq) && !none {
			s.l.next()
		} else {
			isExact = false
		}
		t := oneElement(s.l) // a set of one element is the element, as in relational
		if t == "" && s.l.peek() == "{" && !none {
			// "tcp flags { syn, ack }", "!= { fin, rst }": the whole
			// field looked up
			if isExact && exact != expr.CmpNeq {
				isExact = false
			}
			set, err := s.anonSet(typ)
			if err != nil {
				return err
			}
			s.out.Sets = append(s.out.Sets, set)
			lk := &expr.Lookup{Set: "__set%d", SetID: uint32(len(s.out.Sets)), SourceRegister: expr.Reg1}
			if isExact {
				lk.Flags = expr.LookupInvert
			}
			s.emit(load(f.offset, f.len), lk)
			return nil
		}
		if t == "" {
			t = s.l.next()
		}
		for s.l.peek() == "," {
			s.l.next()
			t += "," + s.l.next()
		}
		v, err := typ.Parse(t)
		if err != nil {
			return err
		}
		if s.l.accept("/") {
			// "tcp flags syn / syn,ack": the flags of the mask, those of
			// the value set, the others clear ("!= syn / syn,ack": not so)
			if none || (isExact && exact != expr.CmpNeq) {
				return fmt.Errorf("%s %s ... %s /: give the flags that are set and the mask, with no operator or !=", proto, f.name, t)
			}
			op := expr.CmpEq
			if isExact {
				op = expr.CmpNeq
			}
			m := s.l.next()
			for s.l.peek() == "," {
				s.l.next()
				m += "," + s.l.next()
			}
			mask, err := typ.Parse(m)
			if err != nil {
				return err
			}
			if isZero(mask) {
				return fmt.Errorf("%s %s %s / %s: the mask names no flag", proto, f.name, t, m)
			}
			for i := range v {
				if v[i]&^mask[i] != 0 {
					return fmt.Errorf("%s %s %s / %s: the value has flags the mask leaves out", proto, f.name, t, m)
				}
			}
			s.emit(load(f.offset, f.len),
				&expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: f.len, Mask: mask, Xor: make([]byte, len(mask))},
				&expr.Cmp{SourceRegister: expr.Reg1, Op: op, Data: v})
			return nil
		}
		if isExact {
			s.emit(load(f.offset, f.len), &expr.Cmp{SourceRegister: expr.Reg1, Op: exact, Data: v})
			return nil
		}
		cop := expr.CmpNeq
		if none {
			cop = expr.CmpEq
		}
		s.emit(load(f.offset, f.len),
			&expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: f.len, Mask: v, Xor: make([]byte, len(v))},
			&expr.Cmp{SourceRegister: expr.Reg1, Op: cop, Data: make([]byte, len(v))})
		return nil
	}
	start := len(s.out.Exprs)
	err = s.relational(typ, func(n uint32) expr.Expr { return load(f.offset, n) }, int(f.len))
	if err == nil && f.name == "type" && typeField(h) == f {
		s.typeHdr, s.typeSeen = h.name, s.matchedTypes(start)
	}
	if err == nil && h.base == expr.PayloadNetwork && typ.Name == "inet_proto" && len(s.out.Exprs) == start+2 {
		// "ip protocol tcp", "ip6 nexthdr ipv6-icmp": as nft, the match
		// is the dependency of what follows on that protocol's header
		if c, ok := s.out.Exprs[start+1].(*expr.Cmp); ok && c.Op == expr.CmpEq {
			s.l4 = c.Data[0]
		}
	}
	return err
}

// typeField returns the message type field of a header whose other
// fields exist in some types only (icmp, icmpv6); nil for other headers.
func typeField(h *header) *hfield {
	var t *hfield
	typed := false
	for i := range h.fields {
		if h.fields[i].name == "type" {
			t = &h.fields[i]
		}
		typed = typed || h.fields[i].types != nil
	}
	if !typed {
		return nil
	}
	return t
}

// matchedTypes returns the message types the type match compiled from
// s.out.Exprs[start] on allows: its value, or the values of its set; nil
// when it is no such match (!=, a range).
func (s *state) matchedTypes(start int) []uint8 {
	xs := s.out.Exprs[start:]
	if len(xs) != 2 {
		return nil
	}
	switch x := xs[1].(type) {
	case *expr.Cmp:
		if x.Op == expr.CmpEq && len(x.Data) == 1 {
			return []uint8{x.Data[0]}
		}
	case *expr.Lookup:
		if x.Flags != 0 || x.IsMap || x.SetID == 0 || int(x.SetID) > len(s.out.Sets) {
			return nil
		}
		return setTypes(s.out.Sets[x.SetID-1])
	}
	return nil
}

// setTypes returns the one-byte values of a set of message types; nil
// when it has ranges.
func setTypes(set *AnonSet) []uint8 {
	if set == nil || set.Interval || set.VerdictMap {
		return nil
	}
	var out []uint8
	for _, e := range set.Elements {
		if len(e.Key) != 1 || e.KeyEnd != nil {
			return nil
		}
		out = append(out, e.Key[0])
	}
	return out
}

// needType compiles the dependency of a field that exists in some
// message types only (icmp id: echo reply and request), as nft does: a
// match of the header's type against those types, a set or a single
// value, unless the rule has matched its type already. A type match
// that allows other types is an error, as in nft.
func (s *state) needType(h *header, f *hfield) error {
	tf := typeField(h)
	typ := s.c.types.ByName(tf.typ)
	if s.typeHdr == h.name && len(s.typeSeen) > 0 {
		for _, t := range s.typeSeen {
			if !slices.Contains(f.types, t) {
				want := make([]string, len(f.types))
				for i, w := range f.types {
					want[i] = typ.Format([]byte{w})
				}
				return fmt.Errorf("%s %s is a field of %s type %s only, and the rule matches %s type %s",
					h.name, f.name, h.name, strings.Join(want, ", "), h.name, typ.Format([]byte{t}))
			}
		}
		return nil
	}
	load := &expr.Payload{DestRegister: expr.Reg1, Base: h.base, Offset: tf.offset, Len: tf.len}
	if len(f.types) == 1 {
		s.emit(load, &expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{f.types[0]}})
	} else {
		set := &AnonSet{Key: KeyType{typ}}
		for _, t := range f.types {
			set.Elements = append(set.Elements, Element{Key: []byte{t}})
		}
		s.out.Sets = append(s.out.Sets, set)
		s.emit(load, &expr.Lookup{Set: "__set%d", SetID: uint32(len(s.out.Sets)), SourceRegister: expr.Reg1})
	}
	s.typeHdr, s.typeSeen = h.name, slices.Clone(f.types)
	return nil
}

// hostOrdered reports whether the kernel would order values of typ wrong:
// numbers in host byte order, which it compares as big-endian bytes.
func hostOrdered(typ *Type) bool {
	return typ.Order == HostEndian && typ.Len > 1 && typ.ID != TypeIfName && typ.ID != TypeString
}

// setLookup emits load and lk, a lookup in the rule's anonymous set. An
// interval set orders its keys as the kernel compares them: of a
// host-order type, nft keeps them in network order and turns the loaded
// value so too (a byteorder before the lookup).
func (s *state) setLookup(load expr.Expr, typ *Type, set *AnonSet, lk *expr.Lookup) {
	s.emit(load)
	if set.Interval && hostOrdered(typ) {
		for i := range set.Elements {
			e := &set.Elements[i]
			e.Key, e.KeyEnd = SwapOrder(e.Key), SwapOrder(e.KeyEnd)
		}
		s.emit(hton(lk.SourceRegister, typ.Len))
	}
	s.emit(lk)
}

// SwapOrder returns a copy of b in the other byte order (nil stays nil):
// a host-order value as the kernel orders it, and back.
func SwapOrder(b []byte) []byte {
	if b == nil {
		return nil
	}
	b = slices.Clone(b)
	slices.Reverse(b)
	return b
}

// hton is nft's byteorder turning the n-byte value in reg to network
// order.
func hton(reg uint32, n int) *expr.Byteorder {
	return &expr.Byteorder{SourceRegister: reg, DestRegister: reg, Op: expr.ByteorderHton, Len: uint32(n), Size: uint32(n)}
}

// opName spells a comparison operator.
func opName(op uint32) string {
	for n, v := range cmpOps {
		if v == op {
			return n
		}
	}
	return "?"
}

var cmpOps = map[string]uint32{"==": expr.CmpEq, "!=": expr.CmpNeq, "<": expr.CmpLt, "<=": expr.CmpLte, ">": expr.CmpGt, ">=": expr.CmpGte}

// relational compiles "[op] value" after a load: a value, a prefix, a
// range, a wildcard name or an anonymous set.
func (s *state) relational(typ *Type, load func(n uint32) expr.Expr, flen int) error {
	l := s.l
	reg := expr.Reg1
	if l.accept("&") {
		if typ.Bits {
			return s.flagMask(typ, load, flen)
		}
		// "meta mark & 0xff == 0x10": the bits of the mask compared
		mask, err := typ.Parse(l.next())
		if err != nil {
			return err
		}
		o := l.next()
		if o != "==" && o != "!=" {
			return fmt.Errorf("& %s: want == or != after the mask, got %q", typ.Format(mask), o)
		}
		v, err := typ.Parse(l.next())
		if err != nil {
			return err
		}
		for i := range v {
			if v[i]&^mask[i] != 0 {
				return fmt.Errorf("& %s %s %s: the value has bits the mask leaves out", typ.Format(mask), o, typ.Format(v))
			}
		}
		s.emit(load(uint32(flen)),
			&expr.Bitwise{SourceRegister: reg, DestRegister: reg, Len: uint32(flen), Mask: mask, Xor: make([]byte, len(mask))},
			&expr.Cmp{SourceRegister: reg, Op: cmpOps[o], Data: v})
		return nil
	}
	op := expr.CmpEq
	explicit := false // an operator given ("==" compares a flag type whole)
	noneOf := false   // "!": none of a flag type's flags
	if o, ok := cmpOps[l.peek()]; ok {
		op, explicit = o, true
		l.next()
	} else if typ.Bits && l.accept("!") {
		noneOf = true
	}
	if l.peek() == "vmap" {
		l.next()
		if l.peek() == "{" {
			set, err := s.anonVmap(typ)
			if err != nil {
				return err
			}
			s.out.Sets = append(s.out.Sets, set)
			s.setLookup(load(uint32(flen)), typ, set, &expr.Lookup{Set: "__map%d", SetID: uint32(len(s.out.Sets)), SourceRegister: reg,
				DestRegister: expr.RegVerdict, IsMap: true})
			return nil
		}
		name := l.next()
		if !strings.HasPrefix(name, "@") {
			return fmt.Errorf("vmap needs a named map, got %q", name)
		}
		if err := s.checkMap(name[1:], KeyType{typ}, nil); err != nil {
			return err
		}
		s.emit(load(uint32(flen)), &expr.Lookup{Set: name[1:], SourceRegister: reg, DestRegister: expr.RegVerdict, IsMap: true})
		return nil
	}
	if strings.HasPrefix(l.peek(), "@") {
		lk := &expr.Lookup{Set: l.next()[1:], SourceRegister: reg}
		if err := s.checkSet(lk.Set, KeyType{typ}, false); err != nil {
			return err
		}
		if op == expr.CmpNeq {
			lk.Flags = expr.LookupInvert
		}
		s.emit(load(uint32(flen)), lk)
		return nil
	}
	// nft reads a set of one element as the element itself ("tcp dport
	// { 22 }" is "tcp dport 22", "!= { 22 }" is "!= 22"), and so lists
	// it: so does nlsh, so that the rule is nft's.
	single := ""
	if !noneOf && (op == expr.CmpEq || op == expr.CmpNeq) {
		single = oneElement(l)
	}
	if l.peek() == "{" {
		set, err := s.anonSet(typ)
		if err != nil {
			return err
		}
		s.out.Sets = append(s.out.Sets, set)
		lk := &expr.Lookup{Set: "__set%d", SetID: uint32(len(s.out.Sets)), SourceRegister: reg}
		if op == expr.CmpNeq {
			lk.Flags = expr.LookupInvert
		}
		s.setLookup(load(uint32(flen)), typ, set, lk)
		return nil
	}
	v := single
	if v == "" {
		v = l.next()
		for typ.Bits && l.peek() == "," {
			l.next()
			v += "," + l.next()
		}
	}
	// wildcard interface name: compare the prefix only
	if typ.ID == TypeIfName && strings.HasSuffix(unquote(v), "*") {
		p := strings.TrimSuffix(unquote(v), "*")
		if len(p) >= 16 { // as Parse: a name has at most 15 bytes before its NUL
			return fmt.Errorf("interface name %q too long", p)
		}
		if strings.IndexByte(p, 0) >= 0 {
			return fmt.Errorf("interface name %q holds a NUL", p)
		}
		s.emit(load(uint32(flen)), &expr.Cmp{SourceRegister: reg, Op: op, Data: []byte(p)})
		return nil
	}
	if typ.ID == TypeIfIndex {
		if s.c.resolver == nil {
			return fmt.Errorf("no interface resolver for %s", v)
		}
		idx, err := s.c.resolver.IfIndex(unquote(v))
		if err != nil {
			return err
		}
		s.emit(load(uint32(flen)), &expr.Cmp{SourceRegister: reg, Op: op, Data: typ.put(uint64(idx))})
		return nil
	}
	ordered := op != expr.CmpEq && op != expr.CmpNeq
	if typ.Bits && typ.ID != 15 {
		if ordered {
			return fmt.Errorf("%s is a set of flags: it has no order (want == or !=)", typ.Name)
		}
		b, err := typ.Parse(v)
		if err != nil {
			return err
		}
		if l.accept("/") {
			// "ct state new / established,new": the flags of the mask,
			// those of the value set, the others clear ("!=": not so)
			if noneOf || (explicit && op != expr.CmpNeq) {
				return fmt.Errorf("%s %s /: give the flags that are set and the mask, with no operator or !=", typ.Name, v)
			}
			mt := flagWords(l)
			mask, err := typ.Parse(mt)
			if err != nil {
				return err
			}
			if isZero(mask) {
				return fmt.Errorf("%s %s / %s: the mask names no flag", typ.Name, v, mt)
			}
			for i := range b {
				if b[i]&^mask[i] != 0 {
					return fmt.Errorf("%s %s / %s: the value has flags the mask leaves out", typ.Name, v, mt)
				}
			}
			s.emit(load(uint32(flen)),
				&expr.Bitwise{SourceRegister: reg, DestRegister: reg, Len: uint32(len(mask)), Mask: mask, Xor: make([]byte, len(mask))},
				&expr.Cmp{SourceRegister: reg, Op: op, Data: b})
			return nil
		}
		if explicit {
			// "ct state == established", "!= established": as nft, the
			// whole value
			s.emit(load(uint32(flen)), &expr.Cmp{SourceRegister: reg, Op: op, Data: b})
			return nil
		}
		cop := expr.CmpNeq // any of the flags
		if noneOf {
			cop = expr.CmpEq
		}
		s.emit(load(uint32(flen)),
			&expr.Bitwise{SourceRegister: reg, DestRegister: reg, Len: uint32(len(b)), Mask: b, Xor: make([]byte, len(b))},
			&expr.Cmp{SourceRegister: reg, Op: cop, Data: make([]byte, len(b))})
		return nil
	}
	if i := strings.IndexByte(v, '/'); i > 0 && (typ.ID == TypeIPAddr || typ.ID == TypeIP6Addr) {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return err
		}
		a := p.Masked().Addr().AsSlice()
		bits := p.Bits()
		if bits == 0 {
			// It would load nothing (the kernel refuses a zero-length
			// payload) and print as a bare address (found by FuzzCompile).
			return fmt.Errorf("prefix %s matches every address: leave the match out", v)
		}
		if bits%8 == 0 {
			s.emit(load(uint32(bits/8)), &expr.Cmp{SourceRegister: reg, Op: op, Data: a[:bits/8]})
			return nil
		}
		s.emit(load(uint32(flen)),
			&expr.Bitwise{SourceRegister: reg, DestRegister: reg, Len: uint32(flen), Mask: prefixMask(len(a), bits), Xor: make([]byte, len(a))},
			&expr.Cmp{SourceRegister: reg, Op: op, Data: a})
		return nil
	}
	// The kernel orders register bytes as a big-endian number: a value in
	// host order is turned first (nft's byteorder), and so are the bounds.
	hostOrder := hostOrdered(typ)
	loadOrdered := func() {
		s.emit(load(uint32(flen)))
		if hostOrder {
			s.emit(hton(reg, typ.Len))
		}
	}
	order := func(b []byte) []byte {
		if hostOrder {
			return SwapOrder(b)
		}
		return b
	}
	if lo, hi, ok := splitRange(v, typ); ok {
		if ordered {
			return fmt.Errorf("%s %s: a range takes == or !=", opName(op), v)
		}
		a, err := typ.Parse(lo)
		if err != nil {
			return err
		}
		b, err := typ.Parse(hi)
		if err != nil {
			return err
		}
		loadOrdered()
		if op == expr.CmpNeq {
			s.emit(&expr.Range{SourceRegister: reg, Op: expr.CmpNeq, From: order(a), To: order(b)})
			return nil
		}
		s.emit(&expr.Cmp{SourceRegister: reg, Op: expr.CmpGte, Data: order(a)},
			&expr.Cmp{SourceRegister: reg, Op: expr.CmpLte, Data: order(b)})
		return nil
	}
	b, err := typ.Parse(v)
	if err != nil {
		return err
	}
	if ordered {
		loadOrdered()
		s.emit(&expr.Cmp{SourceRegister: reg, Op: op, Data: order(b)})
		return nil
	}
	s.emit(load(uint32(flen)), &expr.Cmp{SourceRegister: reg, Op: op, Data: b})
	return nil
}

// splitRange splits "a-b" for types whose values contain no '-'.
func splitRange(v string, typ *Type) (string, string, bool) {
	if typ.ID == TypeIfName || typ.ID == TypeString {
		return "", "", false
	}
	if strings.HasPrefix(v, "\"") {
		// quoted values: "17:00"-"18:30"
		lo, hi, ok := strings.Cut(v, `"-"`)
		if !ok || !strings.HasSuffix(hi, `"`) || strings.Contains(hi, `"-"`) {
			return "", "", false
		}
		return lo + `"`, `"` + hi, true
	}
	if typ.Symbols != nil || typ.ID == TypeUID || typ.ID == TypeGID || typ.ID == TypeInetService {
		// a name ("systemd-network", "http-alt") is no range
		if _, err := typ.symbol(v); err == nil {
			return "", "", false
		}
	}
	i := strings.IndexByte(v, '-')
	if i <= 0 || i == len(v)-1 {
		return "", "", false
	}
	return v[:i], v[i+1:], true
}

func prefixMask(n, bits int) []byte {
	m := make([]byte, n)
	for i := 0; i < bits; i++ {
		m[i/8] |= 0x80 >> (i % 8)
	}
	return m
}

// anonSet reads "{ a, b-c, d/n }".
func (s *state) anonSet(typ *Type) (*AnonSet, error) {
	l := s.l
	if err := l.expect("{"); err != nil {
		return nil, err
	}
	set := &AnonSet{Key: KeyType{typ}}
	apart := true // at the start, or after a comma
	for {
		v := l.next()
		if v == "" {
			return nil, fmt.Errorf("unterminated set")
		}
		if v == "}" {
			break
		}
		if err := elementSep(v, len(set.Elements), &apart); err != nil || v == "," {
			if err != nil {
				return nil, err
			}
			continue
		}
		if typ.ID == TypeTCPFlag {
			// an element of several flags: "syn | ack", as nft prints it
			for strings.HasPrefix(l.peek(), "|") || strings.HasSuffix(v, "|") {
				if l.peek() == "" {
					return nil, fmt.Errorf("unterminated set")
				}
				v += l.next()
			}
			v = strings.ReplaceAll(v, "|", ",")
		}
		e, interval, err := ParseElement(typ, v)
		if err != nil {
			return nil, err
		}
		if typ.Bits && typ.ID != TypeTCPFlag && bits.OnesCount64(typ.Uint(e.Key)) > 1 {
			// one flag per element ("{ established, new }"): several in
			// one would print as a list of elements
			return nil, fmt.Errorf("set element %s holds several %s flags: give them as elements of their own", v, typ.Name)
		}
		set.Interval = set.Interval || interval
		set.Elements = append(set.Elements, e)
	}
	if len(set.Elements) == 0 {
		return nil, fmt.Errorf("empty set")
	}
	return set, nil
}

// flagMask compiles what follows "&" of a flag type, as nft reads it:
// "& (fin|syn|rst|ack) == syn", "& (syn|ack) != syn|ack", "& ack == ack",
// "& (syn|rst) == 0" (none of them), "!= 0" (any of them): the field's
// bits of the mask compared with the value, which has no others.
func (s *state) flagMask(typ *Type, load func(n uint32) expr.Expr, flen int) error {
	l := s.l
	mt := flagWords(l)
	mask, err := typ.Parse(mt)
	if err != nil {
		return err
	}
	if isZero(mask) {
		return fmt.Errorf("%s & %s: the mask names no flag", typ.Name, mt)
	}
	o := l.next()
	op, ok := cmpOps[o]
	if !ok || (op != expr.CmpEq && op != expr.CmpNeq) {
		return fmt.Errorf("%s & %s: want == or != after the mask, got %q", typ.Name, mt, o)
	}
	if l.peek() == "{" {
		// "& (syn | ack) == { syn, ack }": the field's bits of the mask
		// looked up
		set, err := s.anonSet(typ)
		if err != nil {
			return err
		}
		for _, e := range set.Elements {
			for i := range e.Key {
				if e.Key[i]&^mask[i] != 0 {
					return fmt.Errorf("%s & %s %s { %s }: the element has flags the mask leaves out", typ.Name, mt, o, typ.Format(e.Key))
				}
			}
		}
		s.out.Sets = append(s.out.Sets, set)
		lk := &expr.Lookup{Set: "__set%d", SetID: uint32(len(s.out.Sets)), SourceRegister: expr.Reg1}
		if op == expr.CmpNeq {
			lk.Flags = expr.LookupInvert
		}
		s.emit(load(uint32(flen)),
			&expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: uint32(flen), Mask: mask, Xor: make([]byte, len(mask))},
			lk)
		return nil
	}
	vt := flagWords(l)
	v := make([]byte, len(mask))
	if vt != "0" {
		if v, err = typ.Parse(vt); err != nil {
			return err
		}
	}
	for i := range v {
		if v[i]&^mask[i] != 0 {
			return fmt.Errorf("%s & %s %s %s: the value has flags the mask leaves out", typ.Name, mt, o, vt)
		}
	}
	s.emit(load(uint32(flen)),
		&expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: uint32(flen), Mask: mask, Xor: make([]byte, len(mask))},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: op, Data: v})
	return nil
}

// flagWords reads flags as nft's "&" form writes them ("syn",
// "syn|ack", "(syn|ack)", "( syn | ack )", "syn,ack") and returns them
// as the list Parse reads ("syn,ack"); "" when there are none.
func flagWords(l *lexer) string {
	var b strings.Builder
	open := false // the last word wants another: "(", "|", ","
	for first := true; ; first = false {
		t := l.peek()
		if t == "" || (!first && !open && t != "," && t != ")" && !strings.HasPrefix(t, "|") && !strings.HasPrefix(t, ")")) {
			break
		}
		l.next()
		b.WriteString(t)
		open = t == "," || strings.HasSuffix(t, "|") || strings.HasSuffix(t, "(")
	}
	w := strings.NewReplacer("(", "", ")", "", "|", ",").Replace(b.String())
	return w
}

// oneElement reads a set of one element ("{ 22 }", "{ 22, }") and
// returns the element; "" (nothing read) when l is not at one (or at
// one anonSet refuses: "{ , 22 }").
func oneElement(l *lexer) string {
	if l.peek() != "{" {
		return ""
	}
	elem := ""
	for n := 1; ; n++ {
		switch t := l.peekAt(n); t {
		case "":
			return ""
		case ",":
			if elem == "" {
				return ""
			}
		case "}":
			if elem == "" {
				return ""
			}
			for range n + 1 {
				l.next()
			}
			return elem
		default:
			if elem != "" {
				return "" // a second element
			}
			elem = t
		}
	}
}

// elementSep checks the commas between the elements of a set or map
// read so far (n of them) as nft does: v, the next token, is a comma
// (not before the first element; more than one in a row is one, and one
// may end the set) or, after a comma, an element. apart says whether a
// comma came since the last element.
func elementSep(v string, n int, apart *bool) error {
	switch {
	case v == "," && n == 0:
		return fmt.Errorf("',' before the first element of a set")
	case v == ",":
		*apart = true
	case !*apart:
		return fmt.Errorf("set element %s: want a comma before it", v)
	default:
		*apart = false
	}
	return nil
}

// anonVmap reads "{ a : accept, b-c : jump x, ... }".
func (s *state) anonVmap(typ *Type) (*AnonSet, error) {
	l := s.l
	if err := l.expect("{"); err != nil {
		return nil, err
	}
	set := &AnonSet{Key: KeyType{typ}, VerdictMap: true}
	apart := true
	for {
		v := l.next()
		switch v {
		case "":
			return nil, fmt.Errorf("unterminated map")
		case "}":
			if len(set.Elements) == 0 {
				return nil, fmt.Errorf("empty map")
			}
			return set, nil
		}
		if err := elementSep(v, len(set.Elements), &apart); err != nil {
			return nil, err
		} else if v == "," {
			continue
		}
		e, interval, err := ParseElement(typ, v)
		if err != nil {
			return nil, err
		}
		if err := l.expect(":"); err != nil {
			return nil, err
		}
		vs := l.next()
		if vs == "jump" || vs == "goto" {
			vs += " " + l.next()
		}
		vd, err := expr.ParseVerdict(vs)
		if err != nil {
			return nil, err
		}
		e.Verdict = &vd
		set.Interval = set.Interval || interval
		set.Elements = append(set.Elements, e)
	}
}

// ParseElement reads one set element of typ: a value, "a-b" or a prefix.
// interval reports whether it is a range.
func ParseElement(typ *Type, v string) (Element, bool, error) {
	if i := strings.IndexByte(v, '/'); i > 0 && (typ.ID == TypeIPAddr || typ.ID == TypeIP6Addr) {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return Element{}, false, err
		}
		a := p.Masked().Addr().AsSlice()
		end := bytes.Clone(a)
		for i := p.Bits(); i < len(a)*8; i++ {
			end[i/8] |= 0x80 >> (i % 8)
		}
		return Element{Key: a, KeyEnd: end}, true, nil
	}
	if lo, hi, ok := splitRange(v, typ); ok {
		a, err := typ.Parse(lo)
		if err != nil {
			return Element{}, false, err
		}
		b, err := typ.Parse(hi)
		if err != nil {
			return Element{}, false, err
		}
		if reversed := len(a) > 8 && bytes.Compare(a, b) > 0 || len(a) <= 8 && typ.Uint(a) > typ.Uint(b); reversed {
			return Element{}, false, fmt.Errorf("range %s: its end comes before its start (nft: negative size)", v)
		}
		return Element{Key: a, KeyEnd: b}, true, nil
	}
	b, err := typ.Parse(v)
	return Element{Key: b}, false, err
}

func (s *state) metaMatch(key string) error {
	if key == "ipsec" || key == "secpath" {
		return s.ipsecMatch(key)
	}
	if key == "secmark" && s.l.accept("set") {
		return s.objref("meta secmark set")
	}
	for _, m := range s.c.meta {
		if m.name != key {
			continue
		}
		typ := s.c.types.ByName(m.typ)
		if s.l.accept("set") {
			settable := m.key == expr.MetaMark || m.key == expr.MetaNftrace || m.key == expr.MetaPriority
			return s.set(typ, settable, &expr.Meta{Key: m.key, SourceRegister: expr.Reg1}, "meta "+key)
		}
		if s.l.peek() == "." {
			mk := m.key
			return s.concat(member{typ, func(reg uint32) expr.Expr { return &expr.Meta{Key: mk, DestRegister: reg} }})
		}
		start := len(s.out.Exprs)
		err := s.relational(typ, func(uint32) expr.Expr {
			return &expr.Meta{Key: m.key, DestRegister: expr.Reg1}
		}, typ.Len)
		if err == nil && m.key == expr.MetaL4proto && len(s.out.Exprs) == start+2 {
			if c, ok := s.out.Exprs[start+1].(*expr.Cmp); ok && c.Op == expr.CmpEq {
				s.l4 = c.Data[0]
			}
		}
		return err
	}
	return fmt.Errorf("unknown meta key %q", key)
}

func (s *state) ctMatch(key string) error {
	switch key {
	case "helper", "timeout", "expectation":
		// "ct helper set "ftp-21"": the connection's helper (timeout
		// policy, expectation) is the named object of the table
		if !s.l.accept("set") {
			return fmt.Errorf("ct %s: nlsh reads only ct %s set NAME (an object of the table)", key, key)
		}
		return s.objref("ct " + key + " set")
	}
	if key == "count" {
		// "ct count 10", "ct count over 10"
		cl := &expr.Connlimit{}
		if s.l.accept("over") {
			cl.Flags = expr.ConnlimitInvert
		}
		n, err := strconv.ParseUint(s.l.next(), 10, 32)
		if err != nil {
			return fmt.Errorf("ct count: want a number of connections")
		}
		cl.Count = uint32(n)
		s.emit(cl)
		return nil
	}
	if dir := slices.Index(ctDirs, key); dir >= 0 {
		name := s.l.next()
		if name == "ip" || name == "ip6" {
			name += " " + s.l.next()
		}
		for _, k := range ctTupleKeys() {
			if k.name == name {
				typ := s.c.types.ByName(k.typ)
				return s.relational(typ, func(uint32) expr.Expr {
					c := &expr.Ct{Key: k.key, DestRegister: expr.Reg1}
					c.SetDirection(uint8(dir))
					return c
				}, typ.Len)
			}
		}
		return fmt.Errorf("unknown ct %s key %q (ip saddr, ip daddr, ip6 saddr, ip6 daddr, proto-src, proto-dst)", key, name)
	}
	for _, k := range s.c.ct {
		if k.name == key {
			typ := s.c.types.ByName(k.typ)
			if s.l.accept("set") {
				return s.set(typ, k.key == expr.CtMark, &expr.Ct{Key: k.key, SourceRegister: expr.Reg1}, "ct "+key)
			}
			return s.relational(typ, func(uint32) expr.Expr {
				return &expr.Ct{Key: k.key, DestRegister: expr.Reg1}
			}, typ.Len)
		}
	}
	return fmt.Errorf("unknown ct key %q", key)
}

// concat compiles a concatenation whose first member is first, at ". "
// after it: "ip saddr . tcp dport @set", "... { a . b, c . d }". The
// members' dependencies come first, then their loads into consecutive
// 32-bit registers (the first is register 1), then the lookup, as nft
// lays them out.
func (s *state) concat(first member) error {
	ms := []member{first}
	for s.l.accept(".") {
		m, err := s.concatMember()
		if err != nil {
			return err
		}
		ms = append(ms, m)
	}
	key := make(KeyType, len(ms))
	for i, m := range ms {
		key[i] = m.typ
	}
	inv := s.l.accept("!=")
	var lk *expr.Lookup
	switch {
	case !inv && s.l.accept("vmap"):
		// "ip daddr . meta l4proto . th dport vmap @services",
		// "... vmap { 10.0.0.1 . 22 : accept }"
		if name := s.l.next(); strings.HasPrefix(name, "@") {
			lk = &expr.Lookup{Set: name[1:], SourceRegister: expr.Reg1, DestRegister: expr.RegVerdict, IsMap: true}
			if err := s.checkMap(lk.Set, key, nil); err != nil {
				return err
			}
			break
		} else if name != "{" {
			return fmt.Errorf("vmap needs a named map or { key : verdict, ... }, got %q", name)
		}
		s.l.pos--
		set, err := s.anonConcatSet(key, true)
		if err != nil {
			return err
		}
		s.out.Sets = append(s.out.Sets, set)
		lk = &expr.Lookup{Set: "__map%d", SetID: uint32(len(s.out.Sets)), SourceRegister: expr.Reg1, DestRegister: expr.RegVerdict, IsMap: true}
	case strings.HasPrefix(s.l.peek(), "@"):
		lk = &expr.Lookup{Set: s.l.next()[1:], SourceRegister: expr.Reg1}
		if err := s.checkSet(lk.Set, key, false); err != nil {
			return err
		}
	case s.l.peek() == "{":
		set, err := s.anonConcatSet(key, false)
		if err != nil {
			return err
		}
		s.out.Sets = append(s.out.Sets, set)
		lk = &expr.Lookup{Set: "__set%d", SetID: uint32(len(s.out.Sets)), SourceRegister: expr.Reg1}
	default:
		return fmt.Errorf("a concatenation (%s) is matched against a set: want @name or { ... }", key)
	}
	if inv {
		lk.Flags = expr.LookupInvert
	}
	s.loadConcat(ms, 0)
	s.emit(lk)
	return nil
}

// reg32First is NFT_REG32_00, the first 32-bit register (register 1's
// first word).
const reg32First = 8

// concatMembers reads the members of a concatenation, "a . b . c" (one
// or more).
func (s *state) concatMembers() ([]member, error) {
	var ms []member
	for {
		m, err := s.concatMember()
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
		if !s.l.accept(".") {
			return ms, nil
		}
	}
}

// loadConcat loads the members of a concatenation one after the other
// into the 32-bit registers from word0 on (0: register 1's first word),
// each in as many words as its bytes take, the first named by its
// 128-bit register, as nft lays them out; it returns the words used.
func (s *state) loadConcat(ms []member, word0 uint32) (words uint32) {
	for i, m := range ms {
		reg := reg32First + word0 + words
		if i == 0 {
			reg = expr.Reg1 + word0/4
		}
		s.emit(m.load(reg))
		words += uint32(m.typ.Len+3) / 4
	}
	return words
}

// concatMember reads the member after a ". ": a header field or a meta
// key.
func (s *state) concatMember() (member, error) {
	t := s.l.next()
	switch t {
	case "ip", "ip6", "tcp", "udp", "sctp", "dccp", "th", "ether":
		h, f, err := s.payloadField(t)
		if err != nil {
			return member{}, err
		}
		if f.bits || f.shift != 0 {
			return member{}, fmt.Errorf("%s %s in a concatenation", t, f.name)
		}
		return member{s.c.types.ByName(f.typ), func(reg uint32) expr.Expr {
			return &expr.Payload{DestRegister: reg, Base: h.base, Offset: f.offset, Len: f.len}
		}}, nil
	case "meta":
		t = s.l.next()
	}
	for _, m := range s.c.meta {
		if m.name == t {
			mk := m.key
			return member{s.c.types.ByName(m.typ), func(reg uint32) expr.Expr { return &expr.Meta{Key: mk, DestRegister: reg} }}, nil
		}
	}
	return member{}, fmt.Errorf("%q in a concatenation: want a header field or a meta key", t)
}

// anonConcatSet reads "{ a . b, c . d }" of key, or with verdicts a
// verdict map's "{ a . b : accept, c . d : jump x }".
func (s *state) anonConcatSet(key KeyType, verdicts bool) (*AnonSet, error) {
	if err := s.l.expect("{"); err != nil {
		return nil, err
	}
	set := &AnonSet{Key: key, VerdictMap: verdicts}
	for {
		var parts []string
		for {
			v := s.l.next()
			if v == "" {
				return nil, fmt.Errorf("unterminated set")
			}
			if v == "}" || v == "," || (verdicts && v == ":") {
				if len(parts) > 0 {
					b, end, err := key.ParseConcat(strings.Join(parts, " "))
					if err != nil {
						return nil, err
					}
					e := Element{Key: b, KeyEnd: end}
					set.Interval = set.Interval || end != nil
					if verdicts {
						if v != ":" {
							return nil, fmt.Errorf("map element %s: want \": verdict\"", strings.Join(parts, " "))
						}
						vs := s.l.next()
						if vs == "jump" || vs == "goto" {
							vs += " " + s.l.next()
						}
						vd, err := expr.ParseVerdict(vs)
						if err != nil {
							return nil, err
						}
						e.Verdict = &vd
						if v = s.l.next(); v != "," && v != "}" {
							return nil, fmt.Errorf("map element %s: want , or } after its verdict, got %q", strings.Join(parts, " "), v)
						}
					}
					set.Elements = append(set.Elements, e)
				} else if v == ":" {
					return nil, fmt.Errorf("map element with no key")
				}
				if v == "}" {
					if len(set.Elements) == 0 {
						return nil, fmt.Errorf("empty set")
					}
					return set, nil
				}
				break
			}
			parts = append(parts, v)
		}
	}
}

// set compiles "... set VALUE" into target (a meta or ct set from
// register 1): VALUE is a constant of typ or a "meta KEY" / "ct KEY" of
// the same type. settable says the key is one nft sets (the mark).
func (s *state) set(typ *Type, settable bool, target expr.Expr, what string) error {
	if !settable {
		return fmt.Errorf("%s cannot be set (meta mark, nftrace and priority, ct mark can)", what)
	}
	switch src := s.l.next(); src {
	case "meta", "ct":
		key := s.l.next()
		var load expr.Expr
		if src == "meta" {
			for _, m := range s.c.meta {
				if m.name == key && m.typ == typ.Name {
					load = &expr.Meta{Key: m.key, DestRegister: expr.Reg1}
				}
			}
		} else {
			for _, k := range s.c.ct {
				if k.name == key && k.typ == typ.Name {
					load = &expr.Ct{Key: k.key, DestRegister: expr.Reg1}
				}
			}
		}
		if load != nil {
			// "ct mark set meta mark & 0xffff0000": a bit operation
			// on the register between load and set, as nft puts it
			s.emit(load)
			if typ.ID == TypeMark {
				b, err := s.markOp(typ)
				if err != nil {
					return fmt.Errorf("%s set %s %s: %w", what, src, key, err)
				}
				if b != nil {
					s.emit(b)
				}
			}
			s.emit(target)
			return nil
		}
		return fmt.Errorf("%s set %s %s: not a %s", what, src, key, typ.Name)
	case "":
		return fmt.Errorf("%s set: no value", what)
	default:
		v, err := typ.Parse(src)
		if err != nil {
			return err
		}
		s.emit(&expr.Immediate{DestRegister: expr.Reg1, Data: v}, target)
	}
	return nil
}

// fib compiles "fib saddr . iif oif missing", "fib daddr type local".
func (s *state) fib() error {
	f := &expr.Fib{DestRegister: expr.Reg1}
	for {
		w := s.l.next()
		i := slices.IndexFunc(fibFlags, func(x struct {
			name string
			bit  uint32
		}) bool {
			return x.name == w
		})
		if i < 0 {
			return fmt.Errorf("fib: unknown key %q (saddr, daddr, mark, iif, oif)", w)
		}
		f.Flags |= fibFlags[i].bit
		if !s.l.accept(".") {
			break
		}
	}
	if f.Flags&3 == 0 || f.Flags&3 == 3 {
		return fmt.Errorf("fib: want one of saddr and daddr")
	}
	res := s.l.next()
	for _, r := range fibResults {
		if r.name != res {
			continue
		}
		f.Result = r.v
		if r.v == 1 && (s.l.peek() == "missing" || s.l.peek() == "exists") {
			f.Flags |= fibPresent
			v := byte(0)
			if s.l.next() == "exists" {
				v = 1
			}
			s.emit(f, &expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{v, 0, 0, 0}})
			return nil
		}
		typ := s.c.types.ByName(r.typ)
		return s.relational(typ, func(uint32) expr.Expr { return f }, typ.Len)
	}
	return fmt.Errorf("fib: unknown result %q (oif, oifname, type)", res)
}

var logLevels = []string{"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit"}

// logPrefixMax is the longest prefix the kernel takes (NF_LOG_PREFIXLEN
// less its NUL).
const logPrefixMax = 127

// log compiles "log [prefix "p"] [level L] [flags F ...]" (the kernel
// log) and "log [prefix "p"] group N [snaplen N] [queue-threshold N]"
// (nflog), in any order, as nft does. Unlike nft, which keeps the last
// of a repeated option and drops a snaplen or queue threshold without a
// group, it refuses those: the rule would not read as written.
func (s *state) log() error {
	lg := &expr.Log{}
	var (
		prefix               string
		group, snaplen, qthr uint64
		seen                 = map[string]bool{}
		hasLevel             bool
		level                uint32
		flags                uint32
	)
	num := func(what string, max uint64) (uint64, error) {
		t := s.l.next()
		v, err := strconv.ParseUint(t, 10, 64)
		if err != nil || v > max {
			return 0, fmt.Errorf("log %s: want a number from 0 to %d, got %q", what, max, t)
		}
		return v, nil
	}
	for {
		opt := s.l.peek()
		switch opt {
		case "prefix", "level", "group", "snaplen", "queue-threshold", "flags":
		default:
			if seen["group"] && (seen["level"] || seen["flags"]) {
				return fmt.Errorf("log: group (nflog) takes no level or flags (the kernel log's)")
			}
			if !seen["group"] && (seen["snaplen"] || seen["queue-threshold"]) {
				return fmt.Errorf("log: snaplen and queue-threshold need a group (nflog)")
			}
			if seen["prefix"] {
				lg.SetPrefix(prefix)
			}
			if seen["group"] {
				lg.SetGroup(uint16(group))
			}
			if seen["snaplen"] {
				lg.SetSnaplen(uint32(snaplen))
			}
			lg.QThreshold = uint16(qthr)
			if hasLevel {
				lg.SetLevel(level)
			}
			lg.Flags = flags
			s.emit(lg)
			return nil
		}
		s.l.next()
		if seen[opt] && opt != "flags" {
			return fmt.Errorf("log: %s given twice", opt)
		}
		seen[opt] = true
		var err error
		switch opt {
		case "prefix":
			t := s.l.next()
			if !strings.HasPrefix(t, `"`) {
				return fmt.Errorf("log prefix: want a quoted string, got %q", t)
			}
			prefix = unquote(t)
			if len(prefix) > logPrefixMax {
				return fmt.Errorf("log prefix: %d bytes, at most %d", len(prefix), logPrefixMax)
			}
			if strings.IndexByte(prefix, 0) >= 0 {
				return fmt.Errorf("log prefix %q holds a NUL", prefix)
			}
		case "level":
			lv := s.l.next()
			i := slices.Index(logLevels, lv)
			if i < 0 {
				return fmt.Errorf("unknown log level %q (%s)", lv, strings.Join(logLevels, ", "))
			}
			hasLevel, level = true, uint32(i)
		case "group":
			group, err = num("group", 0xffff)
		case "snaplen":
			snaplen, err = num("snaplen", 0xffffffff)
		case "queue-threshold":
			qthr, err = num("queue-threshold", 0xffff)
		case "flags":
			var f uint32
			f, err = s.logFlags()
			flags |= f
		}
		if err != nil {
			return err
		}
	}
}

// logFlags reads what follows "log flags": "tcp sequence,options", "ip
// options", "skuid", "ether" or "all".
func (s *state) logFlags() (uint32, error) {
	switch w := s.l.next(); w {
	case "tcp":
		var f uint32
		for {
			switch o := s.l.next(); o {
			case "sequence":
				f |= expr.LogTCPSeq
			case "options":
				f |= expr.LogTCPOpt
			default:
				return 0, fmt.Errorf("log flags tcp: unknown flag %q (sequence, options)", o)
			}
			if !s.l.accept(",") {
				return f, nil
			}
		}
	case "ip":
		if o := s.l.next(); o != "options" {
			return 0, fmt.Errorf("log flags ip: unknown flag %q (options)", o)
		}
		return expr.LogIPOpt, nil
	case "skuid":
		return expr.LogUID, nil
	case "ether":
		return expr.LogMACDecode, nil
	case "all":
		return expr.LogFlagsAll, nil
	default:
		return 0, fmt.Errorf("unknown log flag %q (tcp sequence,options, ip options, skuid, ether, all)", w)
	}
}

var rateUnits = map[string]uint64{"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}

// byteUnits are nft's units of a byte rate or quota, each 1024 times the
// one before; nft 1.0.6 knows no larger one.
var byteUnits = [...]string{"bytes", "kbytes", "mbytes"}

// parseBytes reads "N unit" (unit one of byteUnits) as a number of bytes.
func parseBytes(n, unit string) (uint64, error) {
	v, err := strconv.ParseUint(n, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad number of bytes %q", n)
	}
	i := slices.Index(byteUnits[:], unit)
	if i < 0 {
		return 0, fmt.Errorf("unknown unit %q (bytes, kbytes, mbytes)", unit)
	}
	for ; i > 0; i-- {
		if v > math.MaxUint64/1024 {
			return 0, fmt.Errorf("%s %s is too large", n, unit)
		}
		v *= 1024
	}
	return v, nil
}

// limit compiles "limit rate [over] N/unit [burst N packets]" and "limit
// rate [over] N bytes/unit [burst N bytes]" (bytes, kbytes or mbytes).
// nft sends a byte limit's burst as 0 when none is given, a packet
// limit's as 5.
func (s *state) limit() error {
	if err := s.l.expect("rate"); err != nil {
		return err
	}
	lm := &expr.Limit{Burst: 5, Type: expr.LimitPackets}
	if s.l.accept("over") {
		lm.Flags = expr.LimitInvert
	}
	// "10/second", "10 /second", "10 / second", "10 mbytes/second",
	// "10 mbytes / second": gather the words up to the time unit
	r := s.l.next()
	for i := 0; i < 3 && (!strings.Contains(r, "/") || strings.HasSuffix(r, "/")); i++ {
		t := s.l.peek()
		if t == "" || (!isRateWord(t) && !strings.HasSuffix(r, "/")) {
			break
		}
		r += " " + s.l.next()
	}
	if !strings.Contains(r, "/") {
		return fmt.Errorf("bad rate %q: want N/unit or N bytes/unit", r)
	}
	amount, u, _ := strings.Cut(r, "/")
	u = strings.TrimSpace(u)
	var ok bool
	if lm.Unit, ok = rateUnits[u]; !ok {
		return fmt.Errorf("bad rate unit %q (second, minute, hour, day, week)", u)
	}
	words := strings.Fields(amount)
	var err error
	switch len(words) {
	case 1:
		if lm.Rate, err = strconv.ParseUint(words[0], 10, 64); err != nil {
			return fmt.Errorf("bad rate %q", r)
		}
	case 2:
		lm.Type, lm.Burst = expr.LimitBytes, 0
		if lm.Rate, err = parseBytes(words[0], words[1]); err != nil {
			return fmt.Errorf("limit rate: %w", err)
		}
	default:
		return fmt.Errorf("bad rate %q: want N/unit or N bytes/unit", r)
	}
	if lm.Rate == 0 {
		return fmt.Errorf("limit rate %s: the kernel refuses a rate of 0", r)
	}
	if s.l.accept("burst") {
		n, unit := s.l.next(), s.l.next()
		if lm.Type == expr.LimitPackets {
			if unit != "packets" {
				return fmt.Errorf("limit burst: a packet rate's burst is in packets, got %q", unit)
			}
			b, err := strconv.ParseUint(n, 10, 32)
			if err != nil || b == 0 {
				return fmt.Errorf("limit burst: want a number of packets from 1, got %q", n)
			}
			lm.Burst = uint32(b)
		} else {
			if unit == "packets" {
				return fmt.Errorf("limit burst: a byte rate's burst is in bytes, kbytes or mbytes")
			}
			b, err := parseBytes(n, unit)
			if err != nil {
				return fmt.Errorf("limit burst: %w", err)
			}
			if b > math.MaxUint32 {
				return fmt.Errorf("limit burst %s %s: at most 4294967295 bytes", n, unit)
			}
			lm.Burst = uint32(b)
		}
	}
	s.emit(lm)
	return nil
}

// isRateWord reports whether t continues a rate: a byte unit, "/",
// "/unit" or "unit/unit".
func isRateWord(t string) bool {
	if strings.Contains(t, "/") {
		return true
	}
	u, _, _ := strings.Cut(t, "/")
	return slices.Contains(byteUnits[:], u)
}

// quota compiles "quota [over|until] N unit [used N unit]".
func (s *state) quota() error {
	q := &expr.Quota{}
	if s.l.accept("over") {
		q.Flags = expr.QuotaInvert
	} else {
		s.l.accept("until")
	}
	n := s.l.next()
	unit := s.l.peek()
	if unit == "" || unit == "}" {
		return fmt.Errorf("quota %s: no unit (bytes, kbytes, mbytes)", n)
	}
	s.l.next()
	var err error
	if q.Bytes, err = parseBytes(n, unit); err != nil {
		return fmt.Errorf("quota: %w", err)
	}
	if q.Bytes > math.MaxInt64 {
		return fmt.Errorf("quota %s %s: at most %d bytes", n, unit, int64(math.MaxInt64))
	}
	if s.l.accept("used") {
		un, uu := s.l.next(), s.l.next()
		if q.Consumed, err = parseBytes(un, uu); err != nil {
			return fmt.Errorf("quota used: %w", err)
		}
		if q.Consumed > q.Bytes {
			return fmt.Errorf("quota %s %s used %s %s: more used than the quota", n, unit, un, uu)
		}
	}
	s.emit(q)
	return nil
}

var icmpCodes = map[string]uint8{"net-unreachable": 0, "host-unreachable": 1, "prot-unreachable": 2, "port-unreachable": 3, "net-prohibited": 9, "host-prohibited": 10, "admin-prohibited": 13}
var icmpv6Codes = map[string]uint8{"no-route": 0, "admin-prohibited": 1, "addr-unreachable": 3, "port-unreachable": 4, "policy-fail": 5, "reject-route": 6}
var icmpxCodes = map[string]uint8{"no-route": 0, "port-unreachable": 1, "host-unreachable": 2, "admin-prohibited": 3}

func (s *state) reject() error {
	rj := &expr.Reject{}
	if !s.l.accept("with") {
		switch s.family {
		case "ip":
			rj.Type, rj.Code = expr.RejectICMPUnreach, 3
		case "ip6":
			rj.Type, rj.Code = expr.RejectICMPUnreach, 4
		default:
			rj.Type, rj.Code = expr.RejectICMPXUnreach, expr.ICMPXPortUnreach
		}
		s.emit(rj)
		return nil
	}
	kind := s.l.next()
	var codes map[string]uint8
	switch kind {
	case "tcp":
		if err := s.l.expect("reset"); err != nil {
			return err
		}
		s.needL4(6)
		rj.Type = expr.RejectTCPRst
		s.emit(rj)
		return nil
	case "icmp":
		codes, rj.Type = icmpCodes, expr.RejectICMPUnreach
		s.needNfproto(2, false)
	case "icmpv6":
		codes, rj.Type = icmpv6Codes, expr.RejectICMPUnreach
		s.needNfproto(10, false)
	case "icmpx":
		codes, rj.Type = icmpxCodes, expr.RejectICMPXUnreach
	default:
		return fmt.Errorf("unknown reject type %q", kind)
	}
	c := s.l.next()
	code, ok := codes[c]
	if !ok {
		return fmt.Errorf("unknown %s code %q", kind, c)
	}
	rj.Code = code
	s.emit(rj)
	return nil
}

// ports reads ":p" or ":p-q" into registers from reg on and returns how
// many it used.
func (s *state) ports(spec string, reg uint32) (min, max uint32, err error) {
	lo, hi, isRange := strings.Cut(spec, "-")
	t := s.c.types.ByName("inet_service")
	a, err := t.Parse(lo)
	if err != nil {
		return 0, 0, err
	}
	s.emit(&expr.Immediate{DestRegister: reg, Data: a})
	if !isRange {
		return reg, 0, nil
	}
	b, err := t.Parse(hi)
	if err != nil {
		return 0, 0, err
	}
	s.emit(&expr.Immediate{DestRegister: reg + 1, Data: b})
	return reg, reg + 1, nil
}

// natFlagNames are the NF_NAT_RANGE_* flags nft names, in the order it
// prints them.
var natFlagNames = [...]struct {
	name string
	bit  uint32
}{{"random", expr.NATRangeProtoRandom}, {"fully-random", expr.NATRangeProtoRandomFull}, {"persistent", expr.NATRangePersistent}}

// natFlag returns the bit of a NAT flag's name, 0 if w names none.
func natFlag(w string) uint32 {
	for _, f := range natFlagNames {
		if f.name == w {
			return f.bit
		}
	}
	return 0
}

// natFlags reads the flags after a NAT statement, "random",
// "fully-random,persistent", none at all. nft takes a repeated flag, and
// of flags apart ("random persistent") keeps the last only: they are
// refused, so that a rule never loses a flag its text shows.
func (s *state) natFlags(kind string) (uint32, error) {
	var flags uint32
	if natFlag(s.l.peek()) == 0 {
		return 0, nil
	}
	for {
		w := s.l.next()
		bit := natFlag(w)
		if bit == 0 {
			return 0, fmt.Errorf("%s: unknown flag %q (random, fully-random, persistent)", kind, w)
		}
		flags |= bit
		if !s.l.accept(",") {
			break
		}
	}
	if natFlag(s.l.peek()) != 0 {
		return 0, fmt.Errorf("%s: give its flags separated by commas, as in \"random,persistent\" (nft keeps only the last of flags apart)", kind)
	}
	return flags, nil
}

func (s *state) masqRedir(kind string) error {
	var pmin, pmax, flags uint32
	if s.l.accept("to") {
		spec := s.l.next()
		if !strings.HasPrefix(spec, ":") {
			return fmt.Errorf("expected :port, got %q", spec)
		}
		var err error
		if pmin, pmax, err = s.ports(spec[1:], expr.Reg1); err != nil {
			return err
		}
		flags |= expr.NATRangeProtoSpecified
	}
	f, err := s.natFlags(kind)
	if err != nil {
		return err
	}
	flags |= f
	if kind == "masquerade" {
		s.emit(&expr.Masq{Flags: flags, RegProtoMin: pmin, RegProtoMax: pmax})
	} else {
		s.emit(&expr.Redir{Flags: flags, RegProtoMin: pmin, RegProtoMax: pmax})
	}
	return nil
}

// natAddrs splits a NAT target, "a", "a-b", "a/n", "[a]", "[a]-[b]",
// each optionally followed by ":ports" (IPv6 addresses in brackets
// then), or ":ports" alone, into its first and last address (invalid
// when absent) and its ports ("" when none). "::" is an address, IPv6's
// any.
func natAddrs(spec string) (lo, hi netip.Addr, ports string, err error) {
	bad := fmt.Errorf("bad address %q", spec)
	addrs := spec
	switch {
	case strings.HasPrefix(spec, ":") && !strings.HasPrefix(spec, "::"):
		if len(spec) == 1 {
			return lo, hi, "", bad
		}
		return lo, hi, spec[1:], nil
	case strings.HasPrefix(spec, "["):
		i := strings.IndexByte(spec, ']')
		if i < 0 {
			return lo, hi, "", bad
		}
		addrs = spec[1:i]
		rest := spec[i+1:]
		if strings.HasPrefix(rest, "-[") {
			j := strings.IndexByte(rest, ']')
			if j < 0 {
				return lo, hi, "", bad
			}
			addrs += "-" + rest[2:j]
			rest = rest[j+1:]
		}
		if rest != "" {
			if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
				return lo, hi, "", bad
			}
			ports = rest[1:]
		}
	case strings.Contains(spec, "/"):
		// "a/n[:ports]" (as nft prints a prefix with ports, IPv6's too)
		i := strings.IndexByte(spec, '/')
		if j := strings.IndexByte(spec[i:], ':'); j >= 0 {
			addrs, ports = spec[:i+j], spec[i+j+1:]
			if ports == "" {
				return lo, hi, "", bad
			}
		}
		p, err := netip.ParsePrefix(addrs)
		if err != nil {
			return lo, hi, "", fmt.Errorf("bad prefix %q: %w", addrs, err)
		}
		lo = p.Masked().Addr()
		b := lo.AsSlice()
		for k := p.Bits(); k < len(b)*8; k++ {
			b[k/8] |= 0x80 >> (k % 8)
		}
		hi, _ = netip.AddrFromSlice(b)
		return lo, hi, ports, nil
	case strings.Count(spec, ":") == 1:
		i := strings.IndexByte(spec, ':')
		addrs, ports = spec[:i], spec[i+1:]
		if ports == "" {
			return lo, hi, "", bad
		}
	}
	a, b, isRange := strings.Cut(addrs, "-")
	if lo, err = netip.ParseAddr(a); err != nil || lo.Zone() != "" {
		return lo, hi, "", bad
	}
	if isRange {
		if hi, err = netip.ParseAddr(b); err != nil || hi.Zone() != "" || hi.Is4() != lo.Is4() {
			return lo, hi, "", bad
		}
		if hi.Less(lo) {
			return lo, hi, "", fmt.Errorf("address range %s: the last address comes before the first", addrs)
		}
	}
	return lo, hi, ports, nil
}

// nat compiles "snat|dnat [ip|ip6] [prefix] to TARGET [flags]": the
// target's addresses and ports into registers from 1 on, as nft lays
// them out. In an inet table an address needs its family word, as nft
// wants it.
func (s *state) nat(kind string) error {
	n := &expr.NAT{Type: expr.NATSnat}
	if kind == "dnat" {
		n.Type = expr.NATDnat
	}
	fam := ""
	if s.l.peek() == "ip" || s.l.peek() == "ip6" {
		fam = s.l.next()
	}
	netmap := s.l.accept("prefix")
	mapPorts := false
	if !netmap && fam != "" && s.l.accept("addr") {
		// "dnat ip addr . port to KEY map ...": a map to addresses and ports
		if s.l.next() != "." || s.l.next() != "port" {
			return fmt.Errorf("%s %s addr: want addr . port", kind, fam)
		}
		mapPorts = true
	}
	if err := s.l.expect("to"); err != nil {
		return err
	}
	if mapPorts || (!netmap && natMapKeyWord(s.l.peek())) {
		return s.natMap(n, kind, fam, mapPorts)
	}
	lo, hi, ports, err := natAddrs(s.l.next())
	if err != nil {
		return err
	}
	switch s.family {
	case "ip":
		n.Family = 2
	case "ip6":
		n.Family = 10
	default:
		n.Family = 1 // NFPROTO_INET: ports only
	}
	if lo.IsValid() {
		want := "ip"
		if lo.Is6() {
			want = "ip6"
		}
		switch {
		case fam != "" && fam != want:
			return fmt.Errorf("%s %s to %s: an address of the other family", kind, fam, lo)
		case s.family == "inet" && fam == "":
			return fmt.Errorf("%s to %s: in an inet table say %s %s to ...", kind, lo, kind, want)
		case (s.family == "ip" && want != "ip") || (s.family == "ip6" && want != "ip6"):
			return fmt.Errorf("%s to %s: not an address of an %s table", kind, lo, s.family)
		case s.family != "ip" && s.family != "ip6" && s.family != "inet":
			return fmt.Errorf("%s: only in ip, ip6 and inet tables", kind)
		}
		n.Family = 2
		if lo.Is6() {
			n.Family = 10
		}
	} else if fam != "" {
		return fmt.Errorf("%s %s to: want an address", kind, fam)
	}
	if netmap && !hi.IsValid() {
		return fmt.Errorf("%s prefix to: want a prefix (a/n) or a range", kind)
	}
	reg := uint32(expr.Reg1)
	if lo.IsValid() {
		s.emit(&expr.Immediate{DestRegister: reg, Data: lo.AsSlice()})
		n.RegAddrMin = reg
		reg++
		if hi.IsValid() {
			s.emit(&expr.Immediate{DestRegister: reg, Data: hi.AsSlice()})
			n.RegAddrMax = reg
			reg++
		}
	}
	if ports != "" {
		pmin, pmax, err := s.ports(ports, reg)
		if err != nil {
			return err
		}
		n.RegProtoMin, n.RegProtoMax = pmin, pmax
		n.Flags |= expr.NATRangeProtoSpecified
	}
	f, err := s.natFlags(kind)
	if err != nil {
		return err
	}
	if netmap {
		if f != 0 {
			// nft reads "prefix to ... random" as random alone
			return fmt.Errorf("%s prefix to: takes no flags (nft drops the prefix for them)", kind)
		}
		f = expr.NATRangeNetmap
	}
	n.Flags |= f
	s.emit(n)
	return nil
}
