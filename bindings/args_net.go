package bindings

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
)

// Prefix returns field name as an address with prefix length
// ("10.0.0.2/24", "2001:db8::1/64"); host bits are kept. A bare address,
// a prefix length past the family's width or junk raises.
func (a *Args) Prefix(name string, req Req) netip.Prefix {
	if a.absent(name, req) {
		return netip.Prefix{}
	}
	s := a.String(name, req)
	if s == "" {
		if a.Has(name) {
			a.Fail(name, "want an address with prefix such as \"10.0.0.2/24\", got \"\"")
		}
		return netip.Prefix{}
	}
	p, err := ParsePrefix(s)
	if err != nil {
		a.Fail(name, "%v", err)
	}
	return p
}

// ParsePrefix parses "ADDR/LEN", with messages fit for a user.
func ParsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p, nil // what parsePrefix ends in for a good prefix
	}
	return parsePrefix(s)
}

// parsePrefix is ParsePrefix without its shortcut.
func parsePrefix(s string) (netip.Prefix, error) {
	addr, bits, ok := strings.Cut(s, "/")
	if !ok {
		return netip.Prefix{}, fmt.Errorf("want an address with prefix such as \"10.0.0.2/24\", got %q", s)
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address", addr)
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("bad prefix length %q in %q (an IPv%d prefix is 0 to %d)", bits, s, map[bool]int{true: 4, false: 6}[ip.Is4()], ip.BitLen())
	}
	return p, nil
}

// Addr returns field name as an IP address ("10.0.0.1", "fe80::1").
func (a *Args) Addr(name string, req Req) netip.Addr {
	if a.absent(name, req) {
		return netip.Addr{}
	}
	s := a.String(name, req)
	if s == "" {
		if a.Has(name) {
			a.Fail(name, "want an IP address, got \"\"")
		}
		return netip.Addr{}
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		a.Fail(name, "%q is not an IP address", s)
	}
	return ip
}

// MAC returns field name as a hardware address ("02:00:00:00:00:01").
func (a *Args) MAC(name string, req Req) net.HardwareAddr {
	if a.absent(name, req) {
		return nil
	}
	s := a.String(name, req)
	if s == "" {
		if a.Has(name) {
			a.Fail(name, "want a MAC address, got \"\"")
		}
		return nil
	}
	hw, err := net.ParseMAC(s)
	if err != nil {
		a.Fail(name, "%q is not a MAC address", s)
	}
	return hw
}

// Ifname returns field name checked as an interface name: 1 to 15 bytes,
// no '/', ':', '%', whitespace or NUL (see CheckIfname), not "." or "..".
func (a *Args) Ifname(name string, req Req) string {
	if a.absent(name, req) {
		return ""
	}
	s := a.String(name, req)
	if s == "" && !a.Has(name) {
		return ""
	}
	if err := CheckIfname(s); err != nil {
		a.Fail(name, "%v", err)
	}
	return s
}

// CheckIfname checks an interface name the way the kernel does.
func CheckIfname(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("interface name is empty")
	case len(s) > 15:
		return fmt.Errorf("interface name %q is longer than 15 bytes", s)
	case s == "." || s == "..":
		return fmt.Errorf("%q is not a valid interface name", s)
	}
	if i := codec.IfnameBadByte(s); i >= 0 {
		return fmt.Errorf("interface name %q: %s", s, codec.IfnameBadByteReason(s, i))
	}
	return nil
}
