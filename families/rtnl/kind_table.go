package rtnl

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// Options are the kind-specific settings of a link (IFLA_INFO_DATA), by
// the names `ip -j -d link show` prints under "info_data": "id", "port",
// "mode", "stp_state", ... Values are Go integers, strings (enum names
// such as "bridge" or "802.1ad", addresses), netip.Addr, or bool for the
// options ip prints as true/false. Attributes nlsh does not know are kept
// as "attr_N": codec.Raw and are written back unchanged.
type Options map[string]any

// kindOption is one row of a kind's option table: the user-facing name,
// the attribute it is written as, its wire kind, and how it is checked.
type kindOption struct {
	Name  string // as ip -j prints it under info_data
	Const string // the kernel's name, for error paths
	Type  uint16
	Kind  codec.Kind
	Enum  map[uint64]string
	// Min and Max bound an integer value when Max is not 0.
	Min, Max uint64
	// Bool marks a u8 0/1 that ip -j prints as false/true.
	Bool bool
	// ReadOnly marks a value only the kernel reports; a request with it
	// is refused before sending.
	ReadOnly bool
	// V6 names the option to use when an address value is IPv6 (for
	// "remote", "remote6").
	V6 string
	// AliasOf makes this row another spelling of that option, written as
	// its attribute. Multicast says the address of this spelling must be
	// (1) or must not be (-1) multicast; decoding picks the spelling
	// whose rule the value meets, as ip does for "remote" and "group".
	AliasOf   string
	Multicast int8
	// Dev marks an interface index; a name given instead is resolved in
	// the request's namespace before sending.
	Dev bool
	// Format is how ip -j prints the value when that is not the plain
	// number (see optFormat).
	Format optFormat
	// Struct lays out a KindStruct option, a C struct such as vxlan's
	// port_range: it reads as a table of the struct's fields (ip -j's
	// object) and is given as one.
	Struct *codec.Struct
	// BitOf makes this row bit Bit of option BitOf, a struct of
	// "optval" and "optmask" (struct br_boolopt_multi) listed only
	// through its bits (fmtOmit): the mask says which bits the kernel
	// reports and which bits a request sets. The bit reads as 0 or 1,
	// or false or true with Bool, and is given as either.
	BitOf string
	Bit   uint8
	// Flags names the bits of a fmtFlagList option, in ip's order.
	Flags []flagName
}

// flagName names one bit of a fmtFlagList option.
type flagName struct {
	Bit  uint64
	Name string
}

// optFormat names a way ip -j prints an option's value.
type optFormat uint8

const (
	fmtPlain optFormat = iota
	// fmtHex: an integer as C's "%#x" ("0x8001", "0" for zero); a
	// request may give the number or such a string.
	fmtHex
	// fmtCenti: a timer in hundredths of a second, printed in seconds.
	fmtCenti
	// fmtBridgeID: struct ifla_bridge_id (priority, MAC) as ip prints
	// it: "8000.a:fe:76:f8:c0:ac" (MAC bytes unpadded).
	fmtBridgeID
	// fmtHWAddr: a link-layer address as "aa:bb:cc:dd:ee:ff".
	fmtHWAddr
	// fmtOmit: never listed (padding).
	fmtOmit
	// fmtFlagList: a struct of "flags" and "mask" (struct
	// ifla_vlan_flags) as the list of the names (kindOption.Flags) of
	// the bits set in both, as ip prints it; given as such a list, it
	// sets exactly those of the named bits.
	fmtFlagList
	// fmtKeyToo: an Enum value is listed also as a key of its own set
	// to true, which is how ip prints it (ipvlan's flags: "private":
	// true); the option keeps its name, which is how it is set.
	fmtKeyToo
)

// format turns a decoded value into ip -j's spelling.
func (f optFormat) format(v any) any {
	switch f {
	case fmtHex:
		if u, ok := v.(uint64); ok {
			if u == 0 {
				return "0"
			}
			return "0x" + strconv.FormatUint(u, 16)
		}
	case fmtCenti:
		if u, ok := v.(uint64); ok {
			return float64(u) / 100
		}
	case fmtBridgeID:
		if b, ok := v.([]byte); ok && len(b) == 8 {
			// ip prints the MAC bytes of a bridge id unpadded.
			return fmt.Sprintf("%02x%02x.%x:%x:%x:%x:%x:%x", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7])
		}
	case fmtHWAddr:
		if hw, ok := v.(net.HardwareAddr); ok {
			return hw.String()
		}
	}
	return v
}

// linkKind is the table of one link kind: its name (IFLA_INFO_KIND), its
// options (IFLA_INFO_DATA), and whether its info data carries a peer link
// (veth's VETH_INFO_PEER).
type linkKind struct {
	name    string
	options []kindOption
	// peerType is the info-data attribute holding a peer's ifinfomsg and
	// attributes; 0 for kinds without a peer.
	peerType uint16
	// data is the attribute schema built from options, used to encode
	// requests and to decode what the kernel reports; built on first use
	// (see schema), so a run pays only for the kinds it meets.
	data     *codec.Schema
	dataOnce sync.Once
	// field is where the options go in a request, for error paths:
	// "info_data" for a kind, "port" for a port (slave) kind.
	field string
}

// newKind builds a kind from its option rows.
func newKind(name string, peerType uint16, opts ...kindOption) *linkKind {
	return &linkKind{name: name, options: opts, peerType: peerType, field: "info_data"}
}

// schema returns the kind's attribute schema, built from its option rows
// the first time. A row that does not make a schema panics there, as
// NewSchema does; TestKindSchemas builds every kind's, so none reaches a
// user.
func (k *linkKind) schema() *codec.Schema {
	k.dataOnce.Do(func() {
		var attrs []codec.Attr
		for _, o := range k.options {
			if o.AliasOf != "" || o.BitOf != "" {
				continue
			}
			attrs = append(attrs, codec.Attr{Name: o.Name, Const: o.Const, Type: o.Type, Kind: o.Kind, Enum: o.Enum, Struct: o.Struct})
		}
		if k.peerType != 0 {
			attrs = append(attrs, codec.Attr{Name: "peer", Const: "VETH_INFO_PEER", Type: k.peerType, Kind: codec.KindBinary})
		}
		k.data = codec.NewSchema(k.name, attrs...)
	})
	return k.data
}

// option returns the row called name, or nil.
func (k *linkKind) option(name string) *kindOption {
	for i := range k.options {
		if k.options[i].Name == name {
			return &k.options[i]
		}
	}
	return nil
}

// optionNames lists the settable options, for error messages.
func (k *linkKind) optionNames() string {
	var ns []string
	for _, o := range k.options {
		if !o.ReadOnly {
			ns = append(ns, o.Name)
		}
	}
	sort.Strings(ns)
	if len(ns) == 0 {
		return "none"
	}
	return strings.Join(ns, ", ")
}

// kindEntry is one row of a kind table: a kind's name and the function
// that returns its rows, built once on first use.
type kindEntry struct {
	name string
	kind func() *linkKind
}

// kindTable is a table of kinds by name. A run builds only the rows of the
// kinds it meets.
type kindTable []kindEntry

// get returns the kind called name, or nil.
func (t kindTable) get(name string) *linkKind {
	for _, e := range t {
		if e.name == name {
			return e.kind()
		}
	}
	return nil
}

// names lists the table's kind names, sorted.
func (t kindTable) names() []string {
	ns := make([]string, len(t))
	for i, e := range t {
		ns[i] = e.name
	}
	slices.Sort(ns)
	return ns
}

// settable lists the settable options of the kind called name, sorted;
// nil for a kind not in the table.
func (t kindTable) settable(name string) []string {
	k := t.get(name)
	if k == nil {
		return nil
	}
	var ns []string
	for _, o := range k.options {
		if !o.ReadOnly {
			ns = append(ns, o.Name)
		}
	}
	slices.Sort(ns)
	return ns
}

// kinds is the table of link kinds nlsh knows by name. Adding a kind is a
// new kind_NAME.go file declaring its rows and one entry here. It is never
// modified.
var kinds = kindTable{
	{"veth", vethKind}, {"bridge", bridgeKind}, {"vlan", vlanKind},
	{"macvlan", macvlanKind}, {"macvtap", macvtapKind}, {"ipvlan", ipvlanKind},
	{"ipvtap", ipvtapKind}, {"vxlan", vxlanKind}, {"bond", bondKind},
	{"dummy", dummyKind}, {"vrf", vrfKind}, {"ifb", ifbKind},
}

// Kinds lists the link kinds whose options nlsh knows, sorted. Any other
// kind the kernel has can still be created with raw info data.
func Kinds() []string { return kinds.names() }

// KindOptions lists the settable options of a known kind, sorted.
func KindOptions(kind string) []string { return kinds.settable(kind) }

// encodeData checks opts against the kind's table and appends the info
// data attributes to e. Errors are *ArgError naming "info_data.NAME".
func (k *linkKind) encodeData(e *codec.Encoder, opts Options) error {
	if len(opts) == 0 {
		return nil
	}
	norm := make(map[string]any, len(opts))
	bits := map[string]*[2]uint64{} // by parent option: value, mask
	for name, v := range opts {
		if _, raw := rawAttrType(name); raw {
			norm[name] = v
			continue
		}
		o := k.option(name)
		if o == nil {
			return argErr(k.field+"."+name, v, fmt.Sprintf("unknown option of kind %s (settable: %s)", k.name, k.optionNames()))
		}
		if o.ReadOnly {
			return argErr(k.field+"."+name, v, "is reported by the kernel and cannot be set")
		}
		if o.BitOf != "" {
			on, ok := optBit(v)
			if !ok {
				return argErr(k.field+"."+name, v, "takes 0 or 1 (or false or true)")
			}
			b := bits[o.BitOf]
			if b == nil {
				b = new([2]uint64)
				bits[o.BitOf] = b
			}
			b[1] |= 1 << o.Bit
			if on {
				b[0] |= 1 << o.Bit
			}
			continue
		}
		target := o
		if o.AliasOf != "" {
			target = k.option(o.AliasOf)
		}
		if target.Format == fmtFlagList {
			fv, err := flagStruct(target.Flags, v)
			if err != nil {
				return argErr(k.field+"."+name, v, err.Error())
			}
			v = fv
		}
		if str, ok := v.(string); ok && target.Format == fmtHex {
			u, err := strconv.ParseUint(str, 0, 64)
			if err != nil {
				return argErr(k.field+"."+name, v, "not a number")
			}
			v = u
		}
		if b, ok := v.(bool); ok && target.Kind != codec.KindFlag {
			if !target.Bool {
				return argErr(k.field+"."+name, v, "takes a number, not true/false")
			}
			v = uint8(0)
			if b {
				v = uint8(1)
			}
		}
		if target.Kind == codec.KindAddr {
			a, err := optAddr(v)
			if err != nil {
				return argErr(k.field+"."+name, v, err.Error())
			}
			if o.Multicast > 0 && !a.IsMulticast() {
				return argErr(k.field+"."+name, v, "must be a multicast address")
			}
			if o.Multicast < 0 && a.IsMulticast() {
				return argErr(k.field+"."+name, v, "must not be a multicast address (use \"group\")")
			}
			if a.Is6() && !a.Is4In6() && target.V6 != "" {
				target = k.option(target.V6)
			} else if (a.Is4() || a.Is4In6()) && strings.HasSuffix(target.Name, "6") {
				return argErr(k.field+"."+name, v, "takes an IPv6 address")
			}
			v = a
		}
		if _, dup := norm[target.Name]; dup {
			return argErr(k.field+"."+name, v, "given twice (under another spelling)")
		}
		norm[target.Name] = v
	}
	for parent, b := range bits {
		if _, dup := norm[parent]; dup {
			return argErr(k.field+"."+parent, norm[parent], "given together with its bits")
		}
		norm[parent] = map[string]any{"optval": b[0], "optmask": b[1]}
	}
	b, err := k.schema().EncodeMap(norm)
	if err != nil {
		return argErr(k.field, nil, err.Error())
	}
	// Check ranges on the canonical values, as the kernel will read them.
	t, err := k.schema().Decode(b)
	if err != nil {
		return argErr(k.field, nil, err.Error())
	}
	for _, f := range t.Fields {
		o := k.option(f.Name)
		u, ok := f.Value.(uint64)
		if o == nil || !ok || o.Max == 0 {
			continue
		}
		if u < o.Min || u > o.Max {
			return argErr(k.field+"."+f.Name, u, fmt.Sprintf("out of range %d..%d", o.Min, o.Max))
		}
	}
	e.Raw(b)
	return nil
}

// flagList lists the names of the bits set in both "flags" and "mask"
// of t, in the order of names; a set bit names do not name is listed as
// its number ("0x40").
func flagList(names []flagName, t *codec.Tree) []string {
	f, _ := t.Get("flags")
	m, _ := t.Get("mask")
	fu, _ := f.(uint64)
	mu, _ := m.(uint64)
	set := fu & mu
	out := []string{}
	for _, n := range names {
		if set&n.Bit != 0 {
			out = append(out, n.Name)
			set &^= n.Bit
		}
	}
	for b := uint64(1); set != 0; b <<= 1 {
		if set&b != 0 {
			out = append(out, "0x"+strconv.FormatUint(b, 16))
			set &^= b
		}
	}
	return out
}

// flagStruct turns a list of flag names (as flagList gives them, any
// case, a bit with no name as its number) into the struct that sets
// exactly those bits of the named ones and of the numbered ones.
func flagStruct(names []flagName, v any) (map[string]any, error) {
	list, ok := v.([]any)
	if !ok {
		if s, isStr := v.([]string); isStr {
			for _, x := range s {
				list = append(list, x)
			}
		} else {
			return nil, fmt.Errorf("want a list of flag names, not %T", v)
		}
	}
	var flags, mask uint64
	for _, n := range names {
		mask |= n.Bit
	}
	for _, x := range list {
		s, _ := x.(string)
		if u, err := strconv.ParseUint(s, 0, 32); err == nil && strings.HasPrefix(s, "0x") && u != 0 && u&(u-1) == 0 {
			flags, mask = flags|u, mask|u // a bit flagList printed by number
			continue
		}
		i := slices.IndexFunc(names, func(n flagName) bool { return strings.EqualFold(n.Name, s) })
		if i < 0 {
			known := make([]string, len(names))
			for j, n := range names {
				known[j] = n.Name
			}
			return nil, fmt.Errorf("unknown flag %v (flags: %s)", x, strings.Join(known, ", "))
		}
		flags |= names[i].Bit
	}
	return map[string]any{"flags": flags, "mask": mask}, nil
}

// optBit reads a bit option's value: true, false, 0 or 1.
func optBit(v any) (on, ok bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case int, int64, uint64, uint8, float64:
		switch fmt.Sprint(v) {
		case "0":
			return false, true
		case "1":
			return true, true
		}
	}
	return false, false
}

func optAddr(v any) (netip.Addr, error) {
	switch v := v.(type) {
	case netip.Addr:
		if v.IsValid() {
			return v, nil
		}
	case string:
		a, err := netip.ParseAddr(v)
		if err == nil {
			return a, nil
		}
		return netip.Addr{}, fmt.Errorf("bad IP address %q", v)
	}
	return netip.Addr{}, fmt.Errorf("want an IP address, not %T", v)
}

// decodeData turns the kernel's info data into Options spelled as ip -j
// spells them. Attributes not in the table are kept as "attr_N" raw
// values.
func (k *linkKind) decodeData(b []byte) (Options, error) {
	t, err := k.schema().Decode(b)
	if err != nil {
		return nil, err
	}
	opts := make(Options, len(t.Fields))
	for _, f := range t.Fields {
		if f.Attr == nil {
			opts[f.Name] = f.Value
			continue
		}
		o := k.option(f.Name)
		name, v := f.Name, f.Value
		if o != nil {
			k.decodeBits(opts, o, v)
		}
		if o != nil && o.Format == fmtOmit {
			continue
		}
		if o != nil {
			if t, ok := v.(*codec.Tree); ok && o.Struct != nil {
				if o.Format == fmtFlagList {
					v = flagList(o.Flags, t)
				} else {
					v = t.Map()
				}
			}
			// A flag the kernel reports as a u8 (vxlan's ttl_inherit).
			if r, ok := v.(codec.Raw); ok && o.Kind == codec.KindFlag && len(r) == 1 {
				v = r[0] != 0
			}
			if u, ok := v.(uint64); ok {
				switch {
				case o.Enum != nil && o.Enum[u] != "":
					v = o.Enum[u]
				case o.Bool:
					v = u != 0
				}
			}
			v = o.Format.format(v)
			if s, ok := v.(string); ok && o.Format == fmtKeyToo {
				opts[s] = true
			}
			if a, ok := v.(netip.Addr); ok {
				name = k.spelling(o, a)
			}
		}
		opts[name] = v
	}
	return opts, nil
}

// decodeBits lists in opts the bits of option o (the rows that are
// BitOf it) that the mask of its value v, an optval/optmask struct,
// holds.
func (k *linkKind) decodeBits(opts Options, o *kindOption, v any) {
	t, ok := v.(*codec.Tree)
	if !ok {
		return
	}
	x, _ := t.Get("optval")
	m, _ := t.Get("optmask")
	val, _ := x.(uint64)
	mask, _ := m.(uint64)
	for i := range k.options {
		b := &k.options[i]
		if b.BitOf != o.Name || mask>>b.Bit&1 == 0 {
			continue
		}
		on := val>>b.Bit&1 == 1
		switch {
		case b.Bool:
			opts[b.Name] = on
		case on:
			opts[b.Name] = uint64(1)
		default:
			opts[b.Name] = uint64(0)
		}
	}
}

// spelling picks, among o and the rows that are aliases of it, the name
// whose multicast rule the address meets.
func (k *linkKind) spelling(o *kindOption, a netip.Addr) string {
	for _, alt := range k.options {
		if alt.AliasOf != o.Name {
			continue
		}
		if (alt.Multicast > 0 && a.IsMulticast()) || (alt.Multicast < 0 && !a.IsMulticast()) {
			return alt.Name
		}
	}
	return o.Name
}

// rawAttrType reads an "attr_N" option name.
func rawAttrType(name string) (uint16, bool) {
	var n uint16
	if !strings.HasPrefix(name, "attr_") || len(name) == len("attr_") {
		return 0, false
	}
	for _, c := range name[len("attr_"):] {
		if c < '0' || c > '9' || n > 0x3fff/10 {
			return 0, false
		}
		n = n*10 + uint16(c-'0')
	}
	return n, true
}
