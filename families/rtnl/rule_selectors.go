package rtnl

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/nlsh/nlsh/core/codec"
)

// The rule selectors of the transport layer and the socket's owner:
// FRA_L3MDEV, FRA_UID_RANGE, FRA_IP_PROTO, FRA_SPORT_RANGE and
// FRA_DPORT_RANGE.
const (
	fraL3mdev     uint16 = 19
	fraUIDRange   uint16 = 20
	fraIPProto    uint16 = 22
	fraSportRange uint16 = 23
	fraDportRange uint16 = 24
)

// ipProtocols names IP protocol numbers as ip prints them (from Debian's
// /etc/protocols); others print as the number.
var ipProtocols = []ipEnumEntry{
	{1, "icmp"}, {2, "igmp"}, {4, "ipencap"}, {6, "tcp"}, {17, "udp"}, {33, "dccp"},
	{41, "ipv6"}, {47, "gre"}, {50, "esp"}, {51, "ah"}, {58, "ipv6-icmp"},
	{132, "sctp"}, {136, "udplite"},
}

// encodeRuleSelectors checks r's transport and owner selectors and
// appends their attributes to e.
func encodeRuleSelectors(e *codec.Encoder, r *Rule) error {
	if r.IPProto != "" {
		v, err := ipEnumValue("ipproto", r.IPProto, ipProtocols, 255)
		if err != nil {
			return err
		}
		e.Uint8(fraIPProto, uint8(v))
	}
	for _, p := range []struct {
		name            string
		typ             uint16
		one, start, end uint16
	}{
		{"sport", fraSportRange, r.Sport, r.SportStart, r.SportEnd},
		{"dport", fraDportRange, r.Dport, r.DportStart, r.DportEnd},
	} {
		start, end := p.start, p.end
		switch {
		case p.one != 0 && (start != 0 || end != 0):
			return badArg(p.name, strconv.Itoa(int(p.one)), "give %s or %s_start and %s_end, not both", p.name, p.name, p.name)
		case p.one != 0:
			start, end = p.one, p.one
		case start == 0 && end == 0:
			continue
		case start == 0 || end == 0:
			return badArg(p.name+"_start", fmt.Sprintf("%d-%d", start, end), "a port range needs %s_start and %s_end", p.name, p.name)
		}
		if start > end || end == 0xffff {
			return badArg(p.name, fmt.Sprintf("%d-%d", start, end), "want ports 1 to 65534, the first no larger than the last")
		}
		var b [4]byte
		binary.NativeEndian.PutUint16(b[0:], start)
		binary.NativeEndian.PutUint16(b[2:], end)
		e.Bytes(p.typ, b[:])
	}
	switch {
	case (r.UIDStart == nil) != (r.UIDEnd == nil):
		return badArg("uid_start", "", "a uid range needs uid_start and uid_end")
	case r.UIDStart != nil:
		if *r.UIDStart > *r.UIDEnd {
			return badArg("uid_start", fmt.Sprintf("%d-%d", *r.UIDStart, *r.UIDEnd), "the first uid is larger than the last")
		}
		var b [8]byte
		binary.NativeEndian.PutUint32(b[0:], *r.UIDStart)
		binary.NativeEndian.PutUint32(b[4:], *r.UIDEnd)
		e.Bytes(fraUIDRange, b[:])
	}
	if r.L3mdev {
		e.Uint8(fraL3mdev, 1)
	}
	return nil
}

// decodeRuleSelector reads into r the selector attribute d is at, if it
// is one. A malformed one is left out.
func decodeRuleSelector(d *codec.Decoder, r *Rule) {
	b := d.Bytes()
	switch d.Type() {
	case fraIPProto:
		if len(b) == 1 {
			r.IPProto = ipEnumName(uint32(b[0]), ipProtocols)
		}
	case fraSportRange, fraDportRange:
		if len(b) != 4 {
			return
		}
		start, end := binary.NativeEndian.Uint16(b[0:]), binary.NativeEndian.Uint16(b[2:])
		one, s, e := &r.Sport, &r.SportStart, &r.SportEnd
		if d.Type() == fraDportRange {
			one, s, e = &r.Dport, &r.DportStart, &r.DportEnd
		}
		if start == end {
			*one = start
		} else {
			*s, *e = start, end
		}
	case fraUIDRange:
		if len(b) == 8 {
			start, end := binary.NativeEndian.Uint32(b[0:]), binary.NativeEndian.Uint32(b[4:])
			r.UIDStart, r.UIDEnd = &start, &end
		}
	case fraL3mdev:
		r.L3mdev = len(b) == 1 && b[0] != 0
	}
}

// Selects reports whether a delete of r matches rule y, as the kernel
// matches one (rule_find): every field r sets equals y's. It tells which
// rule a delete removes, so that putting it back restores that one.
func (r *Rule) Selects(y *Rule) bool {
	same := func(set bool, eq bool) bool { return !set || eq }
	proto := func(s string) uint32 {
		v, _ := ipEnumValue("ipproto", s, ipProtocols, 255)
		return v
	}
	uidEq := r.UIDStart == nil || (y.UIDStart != nil && *r.UIDStart == *y.UIDStart && *r.UIDEnd == *y.UIDEnd)
	return same(r.Priority != 0, y.Priority == r.Priority) && same(r.Family != "", y.Family == r.Family) &&
		same(r.Src.IsValid(), y.Src == r.Src) && same(r.Dst.IsValid(), y.Dst == r.Dst) &&
		same(r.Iif != "", y.Iif == r.Iif) && same(r.Oif != "", y.Oif == r.Oif) &&
		same(r.Fwmark != 0, y.Fwmark == r.Fwmark) && same(r.Fwmask != 0, y.Fwmask == r.Fwmask) &&
		same(r.TableName != "", y.TableName == r.TableName) && same(r.Table != 0, y.Table == r.Table) &&
		same(r.IPProto != "", proto(y.IPProto) == proto(r.IPProto)) &&
		same(r.Sport != 0 || r.SportStart != 0, y.Sport == r.Sport && y.SportStart == r.SportStart && y.SportEnd == r.SportEnd) &&
		same(r.Dport != 0 || r.DportStart != 0, y.Dport == r.Dport && y.DportStart == r.DportStart && y.DportEnd == r.DportEnd) &&
		uidEq && same(r.L3mdev, y.L3mdev)
}
