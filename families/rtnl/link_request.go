package rtnl

import (
	"fmt"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
)

// LinkRef names a link: by Index when it is not 0, else by Name.
type LinkRef struct {
	Index int
	Name  string
}

// ByName refers to the link called name.
func ByName(name string) LinkRef { return LinkRef{Name: name} }

// ByIndex refers to the link with ifindex i.
func ByIndex(i int) LinkRef { return LinkRef{Index: i} }

// IsZero reports whether r names no link.
func (r LinkRef) IsZero() bool { return r.Index == 0 && r.Name == "" }

func (r LinkRef) String() string {
	if r.Name != "" {
		return r.Name
	}
	return fmt.Sprintf("ifindex %d", r.Index)
}

func (r LinkRef) check(field string) error {
	if r.Index < 0 {
		return argErr(field, r.Index, "negative interface index")
	}
	if r.Index == 0 && r.Name != "" {
		return checkIfname(field, r.Name)
	}
	return nil
}

// LinkSpec describes a link to create (ip link add). Zero fields are left
// to the kernel's defaults.
type LinkSpec struct {
	Name string // ifname, required
	Kind string // info_kind: "veth", "bridge", "vxlan", or any kind by name
	// Data are the kind's options by their ip -j names (see KindOptions).
	Data Options
	// RawData is written as IFLA_INFO_DATA unchanged, for kinds without a
	// table (or after the options Data encodes).
	RawData []byte
	// Parent is the lower device (IFLA_LINK) of a vlan, macvlan, ipvlan.
	Parent LinkRef
	// Master enslaves the new link (bridge port, bond slave, VRF member).
	Master  LinkRef
	MTU     int    // 0: default
	Address string // MAC, "" for a random one
	TxQLen  int    // 0: default
	Alias   string // set right after creation (the kernel ignores it on create)
	Group   uint32
	Up      bool
	// NetNS creates the link straight inside that namespace (nil: the
	// client's own). A veth peer has its own NetNS.
	NetNS *netns.Target
	// Peer is the other end of a veth pair: its name, namespace, address,
	// MTU... (Kind, Data and Peer of the peer are ignored.)
	Peer *LinkSpec
	// Unknown attributes are appended unchanged (raw requests, attributes
	// of newer kernels).
	Unknown []RawAttr
}

// LinkChange is what Set changes (ip link set); nil / zero fields are left
// as they are.
type LinkChange struct {
	Name     *string // rename
	Up       *bool   // up (true) or down (false)
	MTU      *int
	Address  string // MAC
	Master   *LinkRef
	NoMaster bool // leave the current master
	TxQLen   *int
	Alias    *string // "" clears the alias
	Group    *uint32
	// NetNS moves the link into that namespace.
	NetNS *netns.Target
	// Kind and Data change kind options (the kind's changelink).
	Kind string
	Data Options
	// PortKind and Port change the options the link has as a port of its
	// master (ip link set DEV type bridge_slave ...): PortKind is the
	// master's kind ("bridge", "bond", see PortOptions), Port the options
	// by the names ip -j prints under info_slave_data.
	PortKind string
	Port     Options
	// Unknown attributes are written unchanged (see Link.Unknown).
	Unknown []RawAttr
}

// ChangeFrom returns the change that writes l's settable state back as it
// is: name, up/down, MTU, address, master, txqlen, alias, group, and the
// attributes nlsh did not know (Link.Unknown), so a link read from a newer
// kernel keeps them across a list → set round trip.
func ChangeFrom(l *Link) LinkChange {
	up := l.IsUp()
	mtu, txq := int(l.MTU), int(l.TxQLen)
	name, alias, group := l.Name, l.Alias, l.Group
	ch := LinkChange{Name: &name, Up: &up, MTU: &mtu, TxQLen: &txq, Alias: &alias, Group: &group,
		Unknown: append([]RawAttr(nil), l.Unknown...)}
	if len(l.Address) > 0 {
		ch.Address = l.Address.String()
	}
	if l.Master != 0 {
		ch.Master = &LinkRef{Index: l.Master}
	} else {
		ch.NoMaster = true
	}
	return ch
}

// checkIfname applies the kernel's dev_valid_name rules.
func checkIfname(field, name string) error {
	switch {
	case name == "":
		return argErr(field, nil, "empty interface name")
	case len(name) > 15:
		return argErr(field, name, fmt.Sprintf("interface names are at most 15 bytes, this is %d", len(name)))
	case name == "." || name == "..":
		return argErr(field, name, "not a valid interface name")
	}
	if i := codec.IfnameBadByte(name); i >= 0 {
		return argErr(field, name, codec.IfnameBadByteReason(name, i))
	}
	return nil
}

func checkMTU(field string, mtu int) error {
	if mtu <= 0 || mtu > 0x7fffffff {
		return argErr(field, mtu, "MTU must be a positive number of bytes")
	}
	return nil
}

func checkTxQLen(field string, n int) error {
	if n < 0 || n > 0xffffffff {
		return argErr(field, n, "txqlen must be 0 or more packets")
	}
	return nil
}

// parseMAC checks a device address: a link-layer address that is not
// multicast and not all zeros.
func parseMAC(field, s string) (HWAddr, error) {
	hw, err := ParseHWAddr(s)
	if err != nil {
		return nil, argErr(field, s, "not a MAC address (want aa:bb:cc:dd:ee:ff)")
	}
	if len(hw) == 6 {
		if hw[0]&1 != 0 {
			return nil, argErr(field, s, "a multicast address cannot be a device address")
		}
		if string(hw) == "\x00\x00\x00\x00\x00\x00" {
			return nil, argErr(field, s, "the all-zero address cannot be a device address")
		}
	}
	return hw, nil
}

func checkAlias(field, s string) error {
	if len(s) > 255 {
		return argErr(field, nil, fmt.Sprintf("alias of %d bytes, at most 255", len(s)))
	}
	return nil
}

// validate checks everything about s that can be checked without the
// kernel. prefix is "" or "peer." for a veth peer.
func (s *LinkSpec) validate(prefix string, peer bool) error {
	if err := checkIfname(prefix+"ifname", s.Name); err != nil {
		return err
	}
	if s.MTU < 0 || s.MTU > 0x7fffffff {
		return argErr(prefix+"mtu", s.MTU, "MTU must be a positive number of bytes")
	}
	if err := checkTxQLen(prefix+"txqlen", s.TxQLen); err != nil {
		return err
	}
	if s.Address != "" {
		if _, err := parseMAC(prefix+"address", s.Address); err != nil {
			return err
		}
	}
	if err := checkAlias(prefix+"ifalias", s.Alias); err != nil {
		return err
	}
	if s.Alias != "" && (peer || s.NetNS != nil) {
		// The kernel ignores IFLA_IFALIAS when creating; AddLink sets it
		// afterwards, which it can only do in the client's namespace.
		return argErr(prefix+"ifalias", s.Alias, "set the alias of a link in another namespace after creating it")
	}
	if err := s.Parent.check(prefix + "link"); err != nil {
		return err
	}
	if err := s.Master.check(prefix + "master"); err != nil {
		return err
	}
	if peer {
		if s.Up && s.NetNS != nil {
			return argErr(prefix+"up", nil, "a peer in another namespace is set up from there, after creating it")
		}
		return nil
	}
	if s.Kind == "" {
		return argErr("kind", nil, "a new link needs a kind (veth, bridge, vxlan, ...)")
	}
	if strings.ContainsRune(s.Kind, 0) {
		return argErr("kind", s.Kind, "contains NUL")
	}
	k := kinds.get(s.Kind)
	if k == nil && len(s.Data) > 0 {
		return argErr("info_data", nil, fmt.Sprintf("nlsh has no option table for kind %q: pass the attributes as raw info data", s.Kind))
	}
	if s.Peer != nil {
		if k == nil || k.peerType == 0 {
			return argErr("peer", nil, fmt.Sprintf("kind %s has no peer", s.Kind))
		}
		if err := s.Peer.validate("peer.", true); err != nil {
			return err
		}
	}
	return nil
}

// validate checks a change without the kernel.
func (ch *LinkChange) validate() error {
	if ch.Name != nil {
		if err := checkIfname("ifname", *ch.Name); err != nil {
			return err
		}
	}
	if ch.MTU != nil {
		if err := checkMTU("mtu", *ch.MTU); err != nil {
			return err
		}
	}
	if ch.TxQLen != nil {
		if err := checkTxQLen("txqlen", *ch.TxQLen); err != nil {
			return err
		}
	}
	if ch.Address != "" {
		if _, err := parseMAC("address", ch.Address); err != nil {
			return err
		}
	}
	if ch.Alias != nil {
		if err := checkAlias("ifalias", *ch.Alias); err != nil {
			return err
		}
	}
	if ch.Master != nil {
		if ch.NoMaster {
			return argErr("nomaster", nil, "conflicts with master")
		}
		if ch.Master.IsZero() {
			return argErr("master", nil, "names no link (use NoMaster to leave the master)")
		}
		if err := ch.Master.check("master"); err != nil {
			return err
		}
	}
	if len(ch.Data) > 0 {
		if ch.Kind == "" {
			return argErr("kind", nil, "changing info_data needs the link's kind")
		}
		if kinds.get(ch.Kind) == nil {
			return argErr("info_data", nil, fmt.Sprintf("nlsh has no option table for kind %q", ch.Kind))
		}
	}
	if len(ch.Port) > 0 {
		if ch.PortKind == "" {
			return argErr("port", nil, "changing port options needs the master's kind (the link is no port)")
		}
		if slaveKinds.get(ch.PortKind) == nil {
			return argErr("port", nil, fmt.Sprintf("nlsh has no port option table for master kind %q", ch.PortKind))
		}
	}
	return nil
}
