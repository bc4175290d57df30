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
			if o.AliasOf != "" {
				continue
			}
			attrs = append(attrs, codec.Attr{Name: o.Name, Const: o.Const, Type: o.Type, Kind: o.Kind, Enum: o.Enum})
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
		target := o
		if o.AliasOf != "" {
			target = k.option(o.AliasOf)
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
		if o != nil && o.Format == fmtOmit {
			continue
		}
		if o != nil {
			if u, ok := v.(uint64); ok {
				switch {
				case o.Enum != nil && o.Enum[u] != "":
					v = o.Enum[u]
				case o.Bool:
					v = u != 0
				}
			}
			v = o.Format.format(v)
			if a, ok := v.(netip.Addr); ok {
				name = k.spelling(o, a)
			}
		}
		opts[name] = v
	}
	return opts, nil
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
