package wireguard

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
)

const (
	afInet  = 2
	afInet6 = 10
)

// appendSockaddr appends ap as struct sockaddr_in or sockaddr_in6. A
// numeric zone of an IPv6 address is the scope id.
func appendSockaddr(b []byte, ap netip.AddrPort) ([]byte, error) {
	a := ap.Addr()
	if a.Is4() || a.Is4In6() {
		b = binary.LittleEndian.AppendUint16(b, afInet)
		b = binary.BigEndian.AppendUint16(b, ap.Port())
		v := a.Unmap().As4()
		b = append(b, v[:]...)
		return append(b, make([]byte, 8)...), nil
	}
	if !a.Is6() {
		return nil, fmt.Errorf("endpoint %v: not an IP address", ap)
	}
	var scope uint64
	if z := a.Zone(); z != "" {
		n, err := strconv.ParseUint(z, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("endpoint %v: zone must be a numeric scope id", ap)
		}
		scope = n
	}
	b = binary.LittleEndian.AppendUint16(b, afInet6)
	b = binary.BigEndian.AppendUint16(b, ap.Port())
	b = append(b, 0, 0, 0, 0) // flowinfo
	v := a.As16()
	b = append(b, v[:]...)
	return binary.LittleEndian.AppendUint32(b, uint32(scope)), nil
}

// parseSockaddr reads a struct sockaddr_in or sockaddr_in6.
func parseSockaddr(b []byte) (netip.AddrPort, error) {
	if len(b) < 2 {
		return netip.AddrPort{}, fmt.Errorf("endpoint: %d bytes", len(b))
	}
	switch binary.LittleEndian.Uint16(b) {
	case afInet:
		if len(b) < 8 {
			return netip.AddrPort{}, fmt.Errorf("endpoint: sockaddr_in of %d bytes", len(b))
		}
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), binary.BigEndian.Uint16(b[2:])), nil
	case afInet6:
		if len(b) < 28 {
			return netip.AddrPort{}, fmt.Errorf("endpoint: sockaddr_in6 of %d bytes", len(b))
		}
		a := netip.AddrFrom16([16]byte(b[8:24]))
		if scope := binary.LittleEndian.Uint32(b[24:]); scope != 0 {
			a = a.WithZone(strconv.FormatUint(uint64(scope), 10))
		}
		return netip.AddrPortFrom(a, binary.BigEndian.Uint16(b[2:])), nil
	}
	return netip.AddrPort{}, fmt.Errorf("endpoint: address family %d", binary.LittleEndian.Uint16(b))
}
