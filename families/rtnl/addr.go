package rtnl

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/nlsh/nlsh/core/codec"
)

// Address attributes (IFA_*) and the size of struct ifaddrmsg.
const (
	ifaAddress    uint16 = 1
	ifaLocal      uint16 = 2
	ifaLabel      uint16 = 3
	ifaBroadcast  uint16 = 4
	ifaAnycast    uint16 = 5
	ifaCacheinfo  uint16 = 6
	ifaMulticast  uint16 = 7
	ifaFlags      uint16 = 8
	ifaRtPriority uint16 = 9
	ifaProto      uint16 = 11
	ifaddrmsgLen         = 8

	ifaFPermanent uint32 = 0x80
	ifaFSecondary uint32 = 0x01
	// LifetimeForever is the lifetime of an address that never expires
	// (INFINITY_LIFE_TIME), as `ip -j` prints 4294967295.
	LifetimeForever uint32 = 0xffffffff
)

// ifaFlagNames are the IFA_F_* bits as `ip -j addr` prints them (each as a
// boolean key). IFA_F_PERMANENT is never printed: ip prints "dynamic" when
// it is absent, and so do we. IFA_F_SECONDARY is "temporary" for inet6.
var ifaFlagNames = []ipFlagName{
	{0x01, "secondary"}, {0x02, "nodad"}, {0x04, "optimistic"}, {0x08, "dadfailed"},
	{0x10, "home"}, {0x20, "deprecated"}, {0x40, "tentative"}, {0x80, "permanent"},
	{0x100, "mngtmpaddr"}, {0x200, "noprefixroute"}, {0x400, "autojoin"}, {0x800, "stable-privacy"},
}

// Address is one IPv4 or IPv6 interface address. Fields carry the names
// `ip -j addr show` uses inside addr_info (json tags), plus ifindex/dev.
//
// For adding, give Dev (or Ifindex), Local and Prefixlen; the other fields
// are optional. Prefixlen 0 means a host prefix (/32, /128).
type Address struct {
	Family  string `json:"family"` // "inet" or "inet6"; inferred from Local when empty
	Ifindex int    `json:"ifindex"`
	Dev     string `json:"dev,omitempty"`
	// Local is the interface's own address (IFA_LOCAL).
	Local netip.Addr `json:"local"`
	// Address is the peer of a point-to-point address (IFA_ADDRESS where
	// it differs from IFA_LOCAL); the zero Addr when there is none.
	Address   netip.Addr `json:"address,omitzero"`
	Prefixlen int        `json:"prefixlen"`
	// Broadcast is the IPv4 broadcast address. BroadcastAuto computes it
	// from the prefix on add, as `ip addr add ... brd +` does.
	Broadcast     netip.Addr `json:"broadcast,omitzero"`
	BroadcastAuto bool       `json:"-"`
	Anycast       netip.Addr `json:"anycast,omitzero"`
	// Scope is "global" (the default), "site", "link", "host" or a number.
	Scope string `json:"scope"`
	// Label is the IPv4 label ("eth0:1"); it must start with the device name.
	Label string `json:"label,omitempty"`
	// Lifetimes in seconds; 0 on add means forever (LifetimeForever).
	// A valid lifetime alone also sets the preferred one to it.
	ValidLifetime     uint32 `json:"valid_life_time"`
	PreferredLifetime uint32 `json:"preferred_life_time"`
	// Flags are ip's names: "nodad", "noprefixroute", "home",
	// "mngtmpaddr", "autojoin", "optimistic" when adding; listing also
	// shows kernel-set ones ("dynamic", "secondary"/"temporary",
	// "tentative", "deprecated", "dadfailed", "stable-privacy").
	Flags []string `json:"flags,omitempty"`
	// Metric is the priority of the prefix route (IFA_RT_PRIORITY).
	Metric uint32 `json:"metric,omitempty"`
}

// Prefix is Local with Prefixlen.
func (a *Address) Prefix() netip.Prefix { return netip.PrefixFrom(a.Local, a.Prefixlen) }

// HasFlag reports whether Flags holds name.
func (a *Address) HasFlag(name string) bool {
	for _, f := range a.Flags {
		if f == name {
			return true
		}
	}
	return false
}

// object describes the address for errors: "10.0.0.2/24 dev eth0".
func (a *Address) object() string {
	s := a.Prefix().String()
	if a.Address.IsValid() {
		s = a.Local.String() + " peer " + netip.PrefixFrom(a.Address, a.Prefixlen).String()
	}
	switch {
	case a.Dev != "":
		s += " dev " + a.Dev
	case a.Ifindex != 0:
		s += fmt.Sprintf(" ifindex %d", a.Ifindex)
	}
	return s
}

// Key is what deletes exactly the address a: its device, local address,
// peer, prefix length and label, and nothing that would fail to match
// what the kernel keeps (flags, scope, lifetimes and the rest).
func (a *Address) Key() Address {
	return Address{Family: a.Family, Ifindex: a.Ifindex, Dev: a.Dev, Local: a.Local, Address: a.Address,
		Prefixlen: a.Prefixlen, Label: a.Label}
}

// normalize checks an address given for add/del/replace and fills the
// derived fields (family, prefix length). It sends nothing.
func (a *Address) normalize(op string) (fam uint8, err error) {
	if !a.Local.IsValid() {
		return 0, badArg("local", "", "address missing")
	}
	a.Local = a.Local.Unmap()
	fam = ipAddrFamily(a.Local)
	if want, ok := ipFamilyNumber(a.Family); !ok {
		return 0, badArg("family", a.Family, "want inet or inet6")
	} else if want != ipFamilyUnspec && want != fam {
		return 0, badArg("local", a.Local.String(), "is not %s", a.Family)
	}
	a.Family = ipFamilyName(fam)
	bits := a.Local.BitLen()
	if a.Prefixlen == 0 {
		a.Prefixlen = bits
	}
	if a.Prefixlen < 0 || a.Prefixlen > bits {
		return 0, badArg("prefixlen", fmt.Sprint(a.Prefixlen), "must be 1..%d for %s", bits, a.Family)
	}
	for _, x := range []struct {
		f string
		v *netip.Addr
	}{{"address", &a.Address}, {"broadcast", &a.Broadcast}, {"anycast", &a.Anycast}} {
		*x.v = x.v.Unmap()
		if err := ipSameFamily(x.f, *x.v, fam, a.Prefix()); err != nil {
			return 0, err
		}
	}
	if fam == ipFamily6 && (a.Broadcast.IsValid() || a.BroadcastAuto) {
		return 0, badArg("broadcast", a.Broadcast.String(), "IPv6 has no broadcast")
	}
	if a.Broadcast.IsValid() && a.BroadcastAuto {
		return 0, badArg("broadcast", a.Broadcast.String(), "give an address or auto (+), not both")
	}
	if a.Label != "" {
		if fam != ipFamily4 {
			return 0, badArg("label", a.Label, "labels are IPv4 only")
		}
		if len(a.Label) > 15 {
			return 0, badArg("label", a.Label, "longer than 15 bytes")
		}
		if a.Dev != "" && (len(a.Label) < len(a.Dev) || a.Label[:len(a.Dev)] != a.Dev) {
			return 0, badArg("label", a.Label, "must start with the device name %q", a.Dev)
		}
	}
	if _, err := ipFlagBits("flags", addrInputFlags(a.Flags), ifaFlagNames); err != nil {
		return 0, err
	}
	if a.Scope != "" {
		if _, err := ipEnumValue("scope", a.Scope, ipScopes, 255); err != nil {
			return 0, err
		}
	}
	if a.PreferredLifetime != 0 && a.ValidLifetime != 0 && a.PreferredLifetime > a.ValidLifetime {
		return 0, badArg("preferred_life_time", fmt.Sprint(a.PreferredLifetime), "exceeds valid_life_time %d", a.ValidLifetime)
	}
	return fam, nil
}

// autoBroadcast is the broadcast address of the prefix: host bits all one.
func autoBroadcast(p netip.Prefix) netip.Addr {
	b := p.Addr().As4()
	v := binary.BigEndian.Uint32(b[:])
	if p.Bits() < 32 {
		v |= ^uint32(0) >> p.Bits()
	}
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

// encodeAddr builds the RTM_NEWADDR / RTM_DELADDR payload for an address
// already normalized and with Ifindex resolved.
func encodeAddr(a *Address, fam uint8, forDel bool) ([]byte, error) {
	return appendAddr(make([]byte, 0, 96), a, fam, forDel)
}

// appendAddr is encodeAddr appending to dst.
func appendAddr(dst []byte, a *Address, fam uint8, forDel bool) ([]byte, error) {
	flags, err := ipFlagBits("flags", addrInputFlags(a.Flags), ifaFlagNames)
	if err != nil {
		return dst, err
	}
	scope := uint32(0)
	if a.Scope != "" {
		if scope, err = ipEnumValue("scope", a.Scope, ipScopes, 255); err != nil {
			return dst, err
		}
	}
	start := len(dst)
	b := append(dst, make([]byte, ifaddrmsgLen)...)
	h := b[start:]
	h[0], h[1], h[2], h[3] = fam, uint8(a.Prefixlen), uint8(flags), uint8(scope)
	binary.LittleEndian.PutUint32(h[4:8], uint32(a.Ifindex))
	e := codec.NewEncoder(b)
	e.Addr(ifaLocal, a.Local)
	if a.Address.IsValid() {
		e.Addr(ifaAddress, a.Address)
	} else {
		e.Addr(ifaAddress, a.Local)
	}
	if !forDel {
		switch {
		case a.BroadcastAuto && a.Prefixlen < 31:
			e.Addr(ifaBroadcast, autoBroadcast(a.Prefix()))
		case a.Broadcast.IsValid():
			e.Addr(ifaBroadcast, a.Broadcast)
		}
		if a.Anycast.IsValid() {
			e.Addr(ifaAnycast, a.Anycast)
		}
		if a.Label != "" {
			e.String(ifaLabel, a.Label)
		}
		if flags != 0 {
			e.Uint32(ifaFlags, flags)
		}
		if a.ValidLifetime != 0 || a.PreferredLifetime != 0 {
			valid, pref := a.ValidLifetime, a.PreferredLifetime
			if valid == 0 {
				valid = LifetimeForever
			}
			if pref == 0 {
				pref = valid
			}
			var ci [16]byte
			binary.LittleEndian.PutUint32(ci[0:4], pref)
			binary.LittleEndian.PutUint32(ci[4:8], valid)
			e.Bytes(ifaCacheinfo, ci[:])
		}
		if a.Metric != 0 {
			e.Uint32(ifaRtPriority, a.Metric)
		}
	} else if a.Label != "" {
		e.String(ifaLabel, a.Label)
	}
	out, err := e.Encode()
	if err != nil {
		return dst[:start], err
	}
	return out, nil
}

// DecodeAddr decodes an RTM_NEWADDR or RTM_DELADDR message (a dump reply or
// an event). Dev is left empty: the message carries only the ifindex.
func DecodeAddr(m codec.Message) (Address, error) {
	var a Address
	var d codec.Decoder
	err := decodeAddrInto(&a, m.Data, &d)
	return a, err
}

func decodeAddrInto(a *Address, b []byte, d *codec.Decoder) error {
	if len(b) < ifaddrmsgLen {
		return fmt.Errorf("ifaddrmsg: %d bytes, need %d: %w", len(b), ifaddrmsgLen, codec.ErrTruncated)
	}
	fam := b[0]
	a.Family = ipFamilyName(fam)
	a.Prefixlen = int(b[1])
	flags := uint32(b[2])
	a.Scope = ipEnumName(uint32(b[3]), ipScopes)
	a.Ifindex = int(int32(binary.LittleEndian.Uint32(b[4:8])))
	a.ValidLifetime, a.PreferredLifetime = LifetimeForever, LifetimeForever
	var addr netip.Addr
	d.Reset(b[ifaddrmsgLen:])
	for d.Next() {
		switch d.Type() {
		case ifaAddress:
			addr = d.Addr()
		case ifaLocal:
			a.Local = d.Addr()
		case ifaLabel:
			a.Label = d.String()
		case ifaBroadcast:
			a.Broadcast = d.Addr()
		case ifaAnycast:
			a.Anycast = d.Addr()
		case ifaFlags:
			flags = d.Uint32()
		case ifaRtPriority:
			a.Metric = d.Uint32()
		case ifaCacheinfo:
			if ci := d.Bytes(); len(ci) >= 8 {
				a.PreferredLifetime = binary.LittleEndian.Uint32(ci[0:4])
				a.ValidLifetime = binary.LittleEndian.Uint32(ci[4:8])
			}
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("address attributes: %w", err)
	}
	switch {
	case !a.Local.IsValid():
		a.Local = addr
	case addr.IsValid() && addr != a.Local:
		a.Address = addr
	}
	a.Flags = addrFlagNames(flags, fam)
	return nil
}

// addrFlagNames spells the flags as ip does: "dynamic" for a missing
// permanent bit, "temporary" for secondary on inet6.
func addrFlagNames(flags uint32, fam uint8) []string {
	out := ipFlagNames(flags&^ifaFPermanent, ifaFlagNames)
	if fam == ipFamily6 && flags&ifaFSecondary != 0 {
		for i, n := range out {
			if n == "secondary" {
				out[i] = "temporary"
			}
		}
	}
	if flags&ifaFPermanent == 0 {
		out = append(out, "dynamic")
	}
	return out
}

// addrInputFlags maps flags as listed back to settable names, so a listed
// Address can be added again: "dynamic" is implied by the lifetimes and
// "temporary" is inet6's name for "secondary".
func addrInputFlags(names []string) []string {
	var out []string
	for _, n := range names {
		switch n {
		case "dynamic":
		case "temporary":
			out = append(out, "secondary")
		default:
			out = append(out, n)
		}
	}
	return out
}
