package rtnl

import (
	"fmt"
	"net/netip"
	"strings"
)

// Address families as rtnetlink numbers them (AF_INET, AF_INET6 on Linux).
// They are spelled out here rather than taken from x/sys/unix so that the
// encoders build and test on every OS.
const (
	ipFamilyUnspec uint8 = 0
	ipFamily4      uint8 = 2
	ipFamily6      uint8 = 10
)

// Family names as `ip -j` prints them.
const (
	FamilyInet  = "inet"
	FamilyInet6 = "inet6"
)

// badArg builds the family's *ArgError for a field; value "" leaves the
// value out of the message.
func badArg(field, value, why string, a ...any) *ArgError {
	e := &ArgError{Field: field, Reason: fmt.Sprintf(why, a...)}
	if value != "" {
		e.Value = value
	}
	return e
}

// ipFamilyNumber turns "inet"/"inet6"/"" (also "4", "6", "ipv4", "ipv6")
// into the rtnetlink family number.
func ipFamilyNumber(s string) (uint8, bool) {
	switch strings.ToLower(s) {
	case "":
		return ipFamilyUnspec, true
	case FamilyInet, "4", "ipv4", "ip":
		return ipFamily4, true
	case FamilyInet6, "6", "ipv6", "ip6":
		return ipFamily6, true
	}
	return 0, false
}

// ipFamilyName is the `ip -j` name of a family number.
func ipFamilyName(f uint8) string {
	switch f {
	case ipFamily4:
		return FamilyInet
	case ipFamily6:
		return FamilyInet6
	}
	return fmt.Sprintf("family(%d)", f)
}

// ipAddrFamily is the family number of an address, or 0 for the zero Addr.
func ipAddrFamily(a netip.Addr) uint8 {
	switch {
	case !a.IsValid():
		return ipFamilyUnspec
	case a.Unmap().Is4():
		return ipFamily4
	}
	return ipFamily6
}

// ParsePrefix reads an IP prefix the way ip reads one: "10.0.0.0/8",
// "2001:db8::/32", a bare address meaning a host prefix (/32 or /128), and
// "default" (also "all", "any") meaning the zero-length prefix of family,
// which must then be given ("inet" or "inet6"). Host bits set under the
// mask are an error, as they would silently be dropped by the kernel for
// routes. field names the argument in errors.
func ParsePrefix(field, s, family string) (netip.Prefix, error) {
	// The common case at once: a prefix netip reads (no spaces, no
	// leading zeros in the length) whose address needs no unmapping and
	// with no host bits set is what the checks below end in.
	if p, err := netip.ParsePrefix(s); err == nil && !p.Addr().Is4In6() && p.Masked() == p {
		return p, nil
	}
	return parsePrefix(field, s, family)
}

// parsePrefix is ParsePrefix without its shortcut.
func parsePrefix(field, s, family string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "default", "all", "any":
		f, ok := ipFamilyNumber(family)
		switch {
		case !ok:
			return netip.Prefix{}, badArg("family", family, "want inet or inet6")
		case f == ipFamily4:
			return netip.PrefixFrom(netip.IPv4Unspecified(), 0), nil
		case f == ipFamily6:
			return netip.PrefixFrom(netip.IPv6Unspecified(), 0), nil
		}
		return netip.Prefix{}, badArg(field, s, "the family of %q is ambiguous; give family inet or inet6", s)
	}
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, badArg(field, s, "not an IP address or prefix")
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := ipParseCIDR(field, s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Masked() != p {
		return netip.Prefix{}, badArg(field, s, "host bits set under the /%d mask (did you mean %s?)", p.Bits(), p.Masked())
	}
	return p, nil
}

// ParseAddrPrefix reads an interface address with its prefix length, as
// `ip addr add` takes it: "10.0.0.2/24" (host bits are the point here), or
// a bare address meaning /32 or /128.
func ParseAddrPrefix(field, s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, badArg(field, s, "not an IP address")
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return ipParseCIDR(field, s)
}

// ipParseCIDR parses "addr/len" and names what is wrong: the address, or a
// length out of range for the family (prefix 33 for IPv4).
func ipParseCIDR(field, s string) (netip.Prefix, error) {
	as, ls, _ := strings.Cut(s, "/")
	a, err := netip.ParseAddr(as)
	if err != nil {
		return netip.Prefix{}, badArg(field, s, "%q is not an IP address", as)
	}
	a = a.Unmap()
	n := 0
	if ls == "" || len(ls) > 3 {
		return netip.Prefix{}, badArg(field, s, "bad prefix length %q", ls)
	}
	for _, c := range ls {
		if c < '0' || c > '9' {
			return netip.Prefix{}, badArg(field, s, "bad prefix length %q", ls)
		}
		n = n*10 + int(c-'0')
	}
	if n > a.BitLen() {
		return netip.Prefix{}, badArg(field, s, "prefix length %d exceeds %d for %s", n, a.BitLen(), ipFamilyName(ipAddrFamily(a)))
	}
	return netip.PrefixFrom(a, n), nil
}

// ipCheckPrefix validates a prefix given as a netip.Prefix value.
func ipCheckPrefix(field string, p netip.Prefix) error {
	if !p.IsValid() {
		return badArg(field, p.String(), "invalid prefix")
	}
	if p.Addr().Is4In6() {
		return badArg(field, p.String(), "IPv4-mapped IPv6 prefix; give the IPv4 form")
	}
	return nil
}

// ipSameFamily checks that an optional address agrees with the family of
// the object (say, a v4 gateway with a v6 dst).
func ipSameFamily(field string, a netip.Addr, fam uint8, of netip.Prefix) error {
	if !a.IsValid() || fam == ipFamilyUnspec {
		return nil
	}
	if got := ipAddrFamily(a); got != fam {
		return badArg(field, a.String(), "is %s but %s is %s", ipFamilyName(got), of, ipFamilyName(fam))
	}
	return nil
}
