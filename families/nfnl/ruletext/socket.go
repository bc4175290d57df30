package ruletext

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// socketKeys are the socket properties nft matches, with their datatypes
// ("socket cgroupv2", which names a cgroup by its path, is not here).
func socketKeys() []struct {
	name string
	key  uint32
	typ  string
} {
	return []struct {
		name string
		key  uint32
		typ  string
	}{{"transparent", expr.SocketTransparent, "integer8"}, {"mark", expr.SocketMark, "mark"}, {"wildcard", expr.SocketWildcard, "integer8"}}
}

// socketMatch compiles "socket transparent 1", "socket mark 0x00000001",
// "socket wildcard 0".
func (s *state) socketMatch() error {
	k := s.l.next()
	for _, sk := range socketKeys() {
		if sk.name != k {
			continue
		}
		typ := s.c.types.ByName(sk.typ)
		start := len(s.out.Exprs)
		if err := s.relational(typ, func(uint32) expr.Expr {
			return &expr.Socket{Key: sk.key, DestRegister: expr.Reg1}
		}, typ.Len); err != nil {
			return err
		}
		if sk.typ == "integer8" && !oneBit(s.out.Exprs[start:]) {
			return fmt.Errorf("socket %s is one bit: 0 or 1", k)
		}
		return nil
	}
	if k == "cgroupv2" {
		return fmt.Errorf("socket cgroupv2: not supported (nft names the cgroup by its path)")
	}
	return fmt.Errorf("unknown socket key %q (transparent, mark, wildcard)", k)
}

// oneBit reports whether the values compared in xs (a comparison, a
// range) are 0 or 1.
func oneBit(xs []expr.Expr) bool {
	for _, x := range xs {
		switch x := x.(type) {
		case *expr.Cmp:
			if len(x.Data) != 1 || x.Data[0] > 1 {
				return false
			}
		case *expr.Range:
			if len(x.From) != 1 || x.From[0] > 1 || len(x.To) != 1 || x.To[0] > 1 {
				return false
			}
		case *expr.Socket:
		default:
			return false // a set: nft would take no value over 1 either
		}
	}
	return true
}

// osfMatch compiles "osf [ttl loose|skip] name|version STRING" (or a set
// of strings).
func (s *state) osfMatch() error {
	o := &expr.Osf{DestRegister: expr.Reg1}
	if s.l.accept("ttl") {
		switch t := s.l.next(); t {
		case "loose":
			o.TTL = expr.OsfTTLLoose
		case "skip":
			o.TTL = expr.OsfTTLSkip
		default:
			return fmt.Errorf("osf ttl: want loose or skip, got %q", t)
		}
	}
	switch t := s.l.next(); t {
	case "name":
	case "version":
		o.Flags = expr.OsfVersion
	default:
		return fmt.Errorf("osf: want name or version, got %q", t)
	}
	typ := s.c.types.ByName("osf_name")
	return s.relational(typ, func(uint32) expr.Expr { x := *o; return &x }, typ.Len)
}

// osfText names an osf load as nft prints it; false for one nft would
// not print.
func osfText(x *expr.Osf) (string, bool) {
	w := "osf "
	switch x.TTL {
	case expr.OsfTTLGlobal:
	case expr.OsfTTLLoose:
		w += "ttl loose "
	case expr.OsfTTLSkip:
		w += "ttl skip "
	default:
		return "", false
	}
	switch x.Flags {
	case 0:
		return w + "name", true
	case expr.OsfVersion:
		return w + "version", true
	}
	return "", false
}

// tproxy compiles "tproxy [ip|ip6] to ADDR[:PORT]" or "to :PORT", after
// a match of tcp or udp, as nft lays it out: the address into register
// 1, the port into the next.
func (s *state) tproxy() error {
	if s.l4 != 6 && s.l4 != 17 {
		return fmt.Errorf("tproxy: match tcp or udp first (\"meta l4proto tcp\")")
	}
	tfam, ok := tableNfproto(s.family)
	if !ok {
		return fmt.Errorf("tproxy: only in ip, ip6 and inet tables")
	}
	fam := tfam
	switch {
	case s.l.accept("ip"):
		fam = 2
	case s.l.accept("ip6"):
		fam = 10
	}
	if tfam != 0 && fam != tfam {
		return fmt.Errorf("tproxy: not an address of an %s table", s.family)
	}
	if err := s.l.expect("to"); err != nil {
		return fmt.Errorf("tproxy: %w", err)
	}
	spec := s.l.next()
	var addr netip.Addr
	port := ""
	switch {
	case strings.HasPrefix(spec, ":") && !strings.HasPrefix(spec, "::"):
		port = spec[1:]
	case strings.HasPrefix(spec, "["):
		end := strings.Index(spec, "]")
		if end < 0 || (end+1 < len(spec) && spec[end+1] != ':') {
			return fmt.Errorf("tproxy: bad address %q", spec)
		}
		var err error
		if addr, err = netip.ParseAddr(spec[1:end]); err != nil || !addr.Is6() || addr.Zone() != "" {
			return fmt.Errorf("tproxy: bad address %q", spec)
		}
		if end+1 < len(spec) {
			port = spec[end+2:]
		}
	default:
		a, p, hasPort := strings.Cut(spec, ":")
		if strings.Count(spec, ":") > 1 {
			a, p, hasPort = spec, "", false // an IPv6 address with no port
		}
		var err error
		if addr, err = netip.ParseAddr(a); err != nil || addr.Zone() != "" {
			return fmt.Errorf("tproxy: bad address %q", spec)
		}
		if hasPort {
			port = p
		}
	}
	t := &expr.Tproxy{Family: fam}
	reg := expr.Reg1
	if addr.IsValid() {
		switch {
		case fam == 0:
			return fmt.Errorf("tproxy to %s: in an inet table say tproxy ip to or tproxy ip6 to", spec)
		case (fam == 2) != addr.Is4():
			return fmt.Errorf("tproxy: %s is not an address of %s", addr, familyName(uint8(fam)))
		}
		s.emit(&expr.Immediate{DestRegister: reg, Data: addr.AsSlice()})
		t.AddrRegister = reg
		reg++
	}
	if port != "" || !addr.IsValid() {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil {
			return fmt.Errorf("tproxy: bad port %q", port)
		}
		b := make([]byte, 2)
		binary.BigEndian.PutUint16(b, uint16(n))
		s.emit(&expr.Immediate{DestRegister: reg, Data: b})
		t.PortRegister = reg
	}
	s.emit(t)
	return nil
}

func familyName(nfp uint8) string {
	if nfp == 10 {
		return "ip6"
	}
	return "ip"
}

// tproxyText prints a tproxy after the n immediates before it, as tproxy
// compiles them.
func (s *pstate) tproxyText(x *expr.Tproxy, n int) (string, bool) {
	if s.l4 != 6 && s.l4 != 17 {
		return "", false
	}
	tfam, ok := tableNfproto(s.family)
	if !ok {
		return "", false
	}
	w := "tproxy "
	switch {
	case tfam == 0 && (x.Family == 2 || x.Family == 10):
		w += familyName(uint8(x.Family)) + " "
	case tfam == 0 && x.Family == 0:
	case tfam != x.Family:
		return "", false
	}
	w += "to "
	reg := expr.Reg1
	k := 0
	if x.AddrRegister != 0 {
		if x.AddrRegister != reg || x.Family == 0 {
			return "", false
		}
		a, ok := addrText(s.immFrom(k, reg), x.Family)
		if !ok {
			return "", false
		}
		if x.Family == 10 { // as nft prints it, with a port or not
			a = "[" + a + "]"
		}
		w += a
		reg++
		k++
	}
	if x.PortRegister != 0 {
		b := s.immFrom(k, reg)
		if x.PortRegister != reg || len(b) != 2 {
			return "", false
		}
		w += ":" + strconv.Itoa(int(binary.BigEndian.Uint16(b)))
		k++
	}
	if k == 0 || k != n {
		return "", false
	}
	return w, true
}

// tableNfproto is the NFPROTO of an ip or ip6 table, 0 of an inet one;
// false for other families.
func tableNfproto(family string) (uint32, bool) {
	switch family {
	case "ip":
		return 2, true
	case "ip6":
		return 10, true
	case "inet":
		return 0, true
	}
	return 0, false
}
