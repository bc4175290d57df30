package codec

import (
	"fmt"
	"strconv"
)

// Kind says how an attribute's payload is laid out on the wire and which Go
// type its decoded value has in a Tree:
//
//	KindU8 ... KindU64, KindUint, KindBe16 ... KindBe64   uint64
//	KindS8 ... KindS64, KindSint                          int64
//	KindString                                            string
//	KindBinary                                            []byte
//	KindFlag                                              bool (always true)
//	KindAddr                                              netip.Addr
//	KindHWAddr                                            net.HardwareAddr
//	KindNested, KindStruct                                *Tree
//	KindNestedArray                                       []*Tree
//
// An attribute whose type the schema does not know, or whose payload does
// not fit its kind (a u32 of 3 bytes, a string with a NUL inside, a
// selected nest whose selector names no known schema), decodes to a Raw
// value holding the payload unchanged.
type Kind uint8

// Attribute kinds.
const (
	KindInvalid Kind = iota
	KindU8
	KindU16
	KindU32
	KindU64
	KindS8
	KindS16
	KindS32
	KindS64
	// KindUint is NLA_UINT: 4 or 8 bytes on the wire (1 and 2 are read
	// too); written as 4 bytes when the value fits, else 8.
	KindUint
	// KindSint is NLA_SINT, the signed counterpart of KindUint.
	KindSint
	KindBe16 // u16 in network byte order
	KindBe32
	KindBe64
	// KindString is a string; decoding drops one trailing NUL, encoding
	// appends one and rejects strings that contain NUL. In a Struct it is
	// a NUL-padded char array of Size bytes.
	KindString
	KindBinary
	KindFlag   // NLA_FLAG: present or absent, no payload
	KindAddr   // a 4-byte IPv4 or 16-byte IPv6 address
	KindHWAddr // a link-layer address of any length, printed aa:bb:cc
	// KindNested is a nest of attributes described by Attr.Nested or
	// chosen by Attr.Select.
	KindNested
	// KindNestedArray is a nest whose children are entries of one schema
	// (Attr.Nested), such as IFLA_VF_INFO_LIST or an nftables expression
	// list; each child's own type is an index or a constant.
	KindNestedArray
	// KindStruct is a fixed C struct described by Attr.Struct.
	KindStruct
	kindCount
)

var kindNames = [kindCount]string{
	KindInvalid: "invalid", KindU8: "u8", KindU16: "u16", KindU32: "u32", KindU64: "u64",
	KindS8: "s8", KindS16: "s16", KindS32: "s32", KindS64: "s64", KindUint: "uint",
	KindSint: "sint", KindBe16: "be16", KindBe32: "be32", KindBe64: "be64",
	KindString: "string", KindBinary: "binary", KindFlag: "flag", KindAddr: "addr",
	KindHWAddr: "hwaddr", KindNested: "nested", KindNestedArray: "nested-array",
	KindStruct: "struct",
}

// String returns the kind's short name, such as "u16" or "nested".
func (k Kind) String() string {
	if k < kindCount {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// size is the fixed payload size of an integer kind, 0 for the others.
func (k Kind) size() int {
	switch k {
	case KindU8, KindS8:
		return 1
	case KindU16, KindS16, KindBe16:
		return 2
	case KindU32, KindS32, KindBe32:
		return 4
	case KindU64, KindS64, KindBe64:
		return 8
	}
	return 0
}

func (k Kind) signed() bool {
	switch k {
	case KindS8, KindS16, KindS32, KindS64, KindSint:
		return true
	}
	return false
}

func (k Kind) integer() bool { return k.size() != 0 || k == KindUint || k == KindSint }

// Attr describes one attribute of a Schema, or one field of a Struct.
// A family declares its attributes as a table of Attr rows; adding an
// attribute is adding a row.
type Attr struct {
	// Name is the user-facing name, spelled as `ip -j` / `nft -j` spell
	// it where they have the field ("mtu", "ifname", "linkinfo").
	Name string
	// Const is the kernel's name ("IFLA_MTU"), used in error paths.
	Const string
	// Type is the attribute type number (unused for Struct fields).
	Type uint16
	Kind Kind
	// Nested is the schema of a KindNested attribute, or of each entry of
	// a KindNestedArray.
	Nested *Schema
	// Select chooses the schema of a KindNested attribute by the value of
	// a sibling attribute; used instead of Nested.
	Select *Select
	// Struct describes the payload of a KindStruct attribute.
	Struct *Struct
	// Header is a fixed struct that starts the payload of a KindNested
	// attribute, before its attributes (from the struct's 4-byte aligned
	// end): VETH_INFO_PEER holds a struct ifinfomsg, then link attributes.
	// It decodes to a first field named after the struct (Header.Name)
	// whose value is a *Tree; encoding takes it under the same name and
	// writes zeros if it is absent.
	Header *Struct
	// Enum names values of an integer attribute (operstate 6 -> "UP").
	Enum map[uint64]string
	// Flags names the bits of an integer attribute (1 -> "UP").
	Flags map[uint64]string
	// Multi marks an attribute that may repeat in one nest. Encoding from
	// a map takes a list of values for it.
	Multi bool
	// Plain writes a nest without NLA_F_NESTED, for kernel attributes
	// whose policy is not NLA_NESTED.
	Plain bool
	// EntryType is the type written for each entry of a KindNestedArray
	// that does not carry its own (Tree.Type); with Indexed, entry i (from
	// 0) gets EntryType+i.
	EntryType uint16
	Indexed   bool
	// Offset and Size place a field inside a Struct. Size is needed for
	// KindString, KindBinary, KindAddr and KindHWAddr fields; integer
	// kinds have their own size.
	Offset int
	Size   int
}

// label is the name used in an attribute path: Const, else Name, else the
// type number.
func (a *Attr) label() string {
	switch {
	case a.Const != "":
		return a.Const
	case a.Name != "":
		return a.Name
	}
	return strconv.Itoa(int(a.Type))
}

// Select chooses a nested schema by the value of a sibling attribute in the
// same nest, which may come before or after the selected attribute on the
// wire (IFLA_INFO_KIND "vxlan" chooses the schema of IFLA_INFO_DATA).
type Select struct {
	// By is the Name of the sibling attribute.
	By string
	// Cases maps the sibling's value to a schema: a string as it is, an
	// integer in decimal ("2").
	Cases map[string]*Schema
	// Lookup, when set, is used instead of Cases: it returns the schema
	// of a key, or nil. It lets a table of many cases build each one on
	// first use rather than all of them at start-up.
	Lookup func(key string) *Schema
}

// schemaFor returns the schema the sibling's value key selects, or nil.
func (s *Select) schemaFor(key string) *Schema {
	if s.Lookup != nil {
		return s.Lookup(key)
	}
	return s.Cases[key]
}

// Schema is an immutable table of the attributes that may appear in one
// nest (or at the top level of a message), with lookups by type and name.
// Build it with NewSchema; do not modify Attrs afterwards, with one
// exception: schemas that nest each other in a loop (a veth peer holds link
// attributes) are closed at init by setting a row's Nested to the outer
// schema once both exist, before any use.
type Schema struct {
	Name  string
	Attrs []Attr

	byType  []int32 // index into Attrs + 1, by type; 0 means unknown
	byName  map[string]int
	selBy   []uint16 // types of siblings that select a nested schema
	selects bool
}

// NewSchema builds a schema from its attribute rows. It panics on a
// declaration error (a duplicate type or name, a nested attribute without a
// schema, a selector naming no sibling), since schemas are program text
// built once at init.
func NewSchema(name string, attrs ...Attr) *Schema {
	s := &Schema{Name: name, Attrs: attrs, byName: make(map[string]int, len(attrs))}
	maxType := 0
	for i := range attrs {
		a := &attrs[i]
		if a.Type&^attrTypeMask != 0 {
			panic(fmt.Sprintf("codec: schema %s: attribute %q: type %#x has flag bits", name, a.Name, a.Type))
		}
		maxType = max(maxType, int(a.Type))
		if err := checkAttr(a); err != nil {
			panic(fmt.Sprintf("codec: schema %s: attribute %q: %v", name, a.Name, err))
		}
		if _, dup := s.byName[a.Name]; dup || a.Name == "" || isRawName(a.Name) {
			panic(fmt.Sprintf("codec: schema %s: bad or duplicate attribute name %q", name, a.Name))
		}
		s.byName[a.Name] = i
	}
	s.byType = make([]int32, maxType+1)
	for i := range attrs {
		if s.byType[attrs[i].Type] != 0 {
			panic(fmt.Sprintf("codec: schema %s: duplicate attribute type %d", name, attrs[i].Type))
		}
		s.byType[attrs[i].Type] = int32(i + 1)
	}
	for i := range attrs {
		sel := attrs[i].Select
		if sel == nil {
			continue
		}
		j, ok := s.byName[sel.By]
		if !ok || !(attrs[j].Kind == KindString || attrs[j].Kind.integer()) {
			panic(fmt.Sprintf("codec: schema %s: attribute %q selects by %q, which is no string or integer sibling", name, attrs[i].Name, sel.By))
		}
		s.selects = true
		s.selBy = append(s.selBy, attrs[j].Type)
	}
	return s
}

func checkAttr(a *Attr) error {
	if a.Kind == KindInvalid || a.Kind >= kindCount {
		return fmt.Errorf("invalid kind %d", a.Kind)
	}
	switch a.Kind {
	case KindNested:
		if (a.Nested == nil) == (a.Select == nil) {
			return fmt.Errorf("a nested attribute needs exactly one of Nested and Select")
		}
		if a.Header != nil && a.Nested.ByName(a.Header.Name) != nil {
			return fmt.Errorf("header %q has the name of an attribute of %s", a.Header.Name, a.Nested.Name)
		}
	case KindNestedArray:
		if a.Header != nil {
			return fmt.Errorf("a nested array takes no Header")
		}
		if a.Nested == nil || a.Select != nil {
			return fmt.Errorf("a nested array needs Nested (and no Select)")
		}
	case KindStruct:
		if a.Struct == nil {
			return fmt.Errorf("a struct attribute needs Struct")
		}
	default:
		if a.Nested != nil || a.Select != nil || a.Struct != nil || a.Header != nil {
			return fmt.Errorf("kind %s takes no Nested, Select, Struct or Header", a.Kind)
		}
	}
	if (a.Enum != nil || a.Flags != nil) && !a.Kind.integer() {
		return fmt.Errorf("Enum and Flags need an integer kind, not %s", a.Kind)
	}
	return nil
}

// ByType returns the attribute of type t (flag bits ignored), or nil.
// A nil schema knows no attribute.
func (s *Schema) ByType(t uint16) *Attr {
	t &= attrTypeMask
	if s == nil || int(t) >= len(s.byType) || s.byType[t] == 0 {
		return nil
	}
	return &s.Attrs[s.byType[t]-1]
}

// ByName returns the attribute called name, or nil.
func (s *Schema) ByName(name string) *Attr {
	if s == nil {
		return nil
	}
	i, ok := s.byName[name]
	if !ok {
		return nil
	}
	return &s.Attrs[i]
}

// Struct describes a fixed-layout C struct: a message's family header
// (struct ifinfomsg) or a struct-valued attribute (IFLA_STATS64). Bytes not
// covered by a field are padding: ignored when decoding, zero when
// encoding.
type Struct struct {
	Name   string
	Size   int
	Fields []Attr

	byName map[string]int
}

// NewStruct builds a struct description. Fields use Name, Kind, Offset,
// Size (for strings, binaries and addresses), Enum and Flags. It panics on
// a declaration error such as a field outside the struct.
func NewStruct(name string, size int, fields ...Attr) *Struct {
	st := &Struct{Name: name, Size: size, Fields: fields, byName: make(map[string]int, len(fields))}
	for i := range fields {
		f := &fields[i]
		n, err := structFieldSize(f)
		if err == nil && (f.Offset < 0 || f.Offset+n > size) {
			err = fmt.Errorf("bytes %d..%d outside a struct of %d", f.Offset, f.Offset+n, size)
		}
		if _, dup := st.byName[f.Name]; err == nil && (dup || f.Name == "") {
			err = fmt.Errorf("bad or duplicate name")
		}
		if err != nil {
			panic(fmt.Sprintf("codec: struct %s: field %q: %v", name, f.Name, err))
		}
		st.byName[f.Name] = i
	}
	return st
}

func structFieldSize(f *Attr) (int, error) {
	if n := f.Kind.size(); n != 0 {
		return n, nil
	}
	switch f.Kind {
	case KindString, KindBinary, KindHWAddr:
		if f.Size > 0 {
			return f.Size, nil
		}
	case KindAddr:
		if f.Size == 4 || f.Size == 16 {
			return f.Size, nil
		}
	}
	return 0, fmt.Errorf("kind %s with size %d cannot be a struct field", f.Kind, f.Size)
}

// ByName returns the field called name, or nil.
func (st *Struct) ByName(name string) *Attr {
	i, ok := st.byName[name]
	if !ok {
		return nil
	}
	return &st.Fields[i]
}

// Verb says which family of NLM_F_* modifier flags a message type uses.
type Verb uint8

// Verbs of message types.
const (
	VerbOther Verb = iota
	VerbGet        // NLM_F_ROOT, MATCH, ATOMIC (DUMP)
	VerbNew        // NLM_F_REPLACE, EXCL, CREATE, APPEND
	VerbDel        // NLM_F_NONREC, BULK
)

// MessageSchema describes one message type of a protocol: its name, its
// fixed family header and its attributes.
type MessageSchema struct {
	Name   string // "RTM_NEWLINK"
	Type   uint16
	Verb   Verb
	Header *Struct // family header (struct ifinfomsg); nil if none
	Attrs  *Schema // nil if the message carries no attributes
}

// Protocol is the table of a netlink protocol's message types, enough to
// decode and print any message of it (for --trace). A nil *Protocol still
// prints the NLMSG_* control messages and the header of any other.
type Protocol struct {
	Name string
	msgs map[uint16]*MessageSchema
}

// NewProtocol builds a protocol table. It panics on a duplicate type.
func NewProtocol(name string, msgs ...*MessageSchema) *Protocol {
	p := &Protocol{Name: name, msgs: make(map[uint16]*MessageSchema, len(msgs))}
	for _, m := range msgs {
		if _, dup := p.msgs[m.Type]; dup {
			panic(fmt.Sprintf("codec: protocol %s: duplicate message type %d", name, m.Type))
		}
		p.msgs[m.Type] = m
	}
	return p
}

// Message returns the schema of message type typ, or nil.
func (p *Protocol) Message(typ uint16) *MessageSchema {
	if p == nil {
		return nil
	}
	return p.msgs[typ]
}

// TypeName names a message type: NLMSG_ERROR and the other control types,
// the protocol's own names, else "type 0x1234".
func (p *Protocol) TypeName(typ uint16) string {
	switch typ {
	case TypeNoop:
		return "NLMSG_NOOP"
	case TypeError:
		return "NLMSG_ERROR"
	case TypeDone:
		return "NLMSG_DONE"
	case TypeOverrun:
		return "NLMSG_OVERRUN"
	}
	if m := p.Message(typ); m != nil {
		return m.Name
	}
	return fmt.Sprintf("type %#04x", typ)
}

type flagName struct {
	f    Flag
	name string
}

var (
	commonFlagNames = []flagName{
		{Request, "REQUEST"}, {Multi, "MULTI"}, {Acknowledge, "ACK"}, {Echo, "ECHO"},
		{DumpIntr, "DUMP_INTR"}, {DumpFiltered, "DUMP_FILTERED"},
	}
	ackFlagNames = []flagName{{Capped, "CAPPED"}, {AckTLVs, "ACK_TLVS"}}
	getFlagNames = []flagName{{Root, "ROOT"}, {Match, "MATCH"}, {Atomic, "ATOMIC"}}
	newFlagNames = []flagName{{Replace, "REPLACE"}, {Excl, "EXCL"}, {Create, "CREATE"}, {Append, "APPEND"}}
	delFlagNames = []flagName{{NonRec, "NONREC"}, {Bulk, "BULK"}}
)

// FormatFlags names the header flags of a message of type typ, such as
// "REQUEST|ACK|CREATE|EXCL"; bits it cannot name are printed in hex.
func (p *Protocol) FormatFlags(typ uint16, flags uint16) string {
	verb := VerbOther
	if m := p.Message(typ); m != nil {
		verb = m.Verb
	}
	var b []byte
	add := func(s string) {
		if len(b) > 0 {
			b = append(b, '|')
		}
		b = append(b, s...)
	}
	names := func(list []flagName) {
		for _, f := range list {
			if flags&f.f != 0 {
				add(f.name)
				flags &^= f.f
			}
		}
	}
	names(commonFlagNames)
	switch {
	case typ == TypeError:
		names(ackFlagNames)
	case verb == VerbGet:
		if flags&Dump == Dump {
			add("DUMP")
			flags &^= Dump
		}
		names(getFlagNames)
	case verb == VerbNew:
		names(newFlagNames)
	case verb == VerbDel:
		names(delFlagNames)
	}
	if flags != 0 {
		add(fmt.Sprintf("%#x", flags))
	}
	if len(b) == 0 {
		return "0"
	}
	return string(b)
}
