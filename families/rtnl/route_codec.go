package rtnl

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sort"
	"strconv"

	"github.com/nlsh/nlsh/core/codec"
)

// encodeRoute builds the rtmsg and attributes of an RTM_NEWROUTE or
// RTM_DELROUTE for a route normalized into q, with devices resolved.
func encodeRoute(r *Route, q routeReq) ([]byte, error) {
	return appendRoute(make([]byte, 0, 128), r, q)
}

// appendRoute is encodeRoute appending to dst, so that the requests of a
// batch share one buffer. On failure it returns dst unchanged.
func appendRoute(dst []byte, r *Route, q routeReq) ([]byte, error) {
	start := len(dst)
	b := append(dst, make([]byte, rtmsgLen)...)
	h := b[start:]
	h[0] = q.fam
	h[1] = uint8(r.Dst.Bits())
	if r.Src.IsValid() {
		h[2] = uint8(r.Src.Bits())
	}
	h[3] = r.Tos
	if q.table < 256 {
		h[4] = uint8(q.table)
	}
	h[5], h[6], h[7] = q.proto, q.scope, q.typ
	binary.LittleEndian.PutUint32(h[8:12], q.flags)
	e := codec.NewEncoder(b)
	e.Uint32(rtaTable, q.table)
	if r.Dst.Bits() > 0 {
		e.Addr(rtaDst, r.Dst.Addr())
	}
	if r.Src.IsValid() && r.Src.Bits() > 0 {
		e.Addr(rtaSrc, r.Src.Addr())
	}
	if r.Prefsrc.IsValid() {
		e.Addr(rtaPrefsrc, r.Prefsrc)
	}
	if r.Gateway.IsValid() {
		e.Addr(rtaGateway, r.Gateway)
	}
	if r.Via.IsValid() {
		e.Bytes(rtaVia, encodeVia(r.Via))
	}
	if r.Ifindex != 0 {
		e.Uint32(rtaOif, uint32(r.Ifindex))
	}
	if r.Metric != 0 {
		e.Uint32(rtaPriority, r.Metric)
	}
	if r.Pref != "" {
		v, err := ipEnumValue("pref", r.Pref, ipRoutePrefs, 255)
		if err != nil {
			return dst[:start], err
		}
		e.Uint8(rtaPref, uint8(v))
	}
	if r.Expires != 0 {
		e.Uint32(rtaExpires, r.Expires)
	}
	if len(r.Metrics) > 0 || r.Congctl != "" {
		// ip writes RTA_METRICS without NLA_F_NESTED; so do we. Metrics go
		// in RTAX order so the bytes do not depend on map order.
		e.BeginPlain(rtaMetrics)
		for _, m := range ipRouteMetricNames {
			if v, ok := r.Metrics[m.name]; ok {
				e.Uint32(uint16(m.v), v)
			}
		}
		if r.Congctl != "" {
			e.String(rtaxCCAlgo, r.Congctl)
		}
		e.End()
	}
	if len(r.Nexthops) > 0 {
		e.BeginPlain(rtaMultipath)
		for i := range r.Nexthops {
			nh, err := encodeNexthop(&r.Nexthops[i], i)
			if err != nil {
				return dst[:start], err
			}
			e.Raw(nh)
		}
		e.End()
	}
	if len(r.Unknown) > 0 {
		e.Raw(r.Unknown)
	}
	out, err := e.Encode()
	if err != nil {
		return dst[:start], err
	}
	return out, nil
}

// encodeVia is struct rtvia: a u16 address family, then the address.
func encodeVia(a netip.Addr) []byte {
	a = a.Unmap()
	fam := uint16(ipAddrFamily(a))
	out := binary.LittleEndian.AppendUint16(nil, fam)
	return append(out, a.AsSlice()...)
}

// encodeNexthop is one struct rtnexthop with its attributes.
func encodeNexthop(nh *Nexthop, i int) ([]byte, error) {
	flags, err := ipFlagBits(fmt.Sprintf("nexthops[%d].flags", i+1), nh.Flags, ipRouteFlags)
	if err != nil {
		return nil, err
	}
	w := nh.Weight
	if w == 0 {
		w = 1
	}
	b := make([]byte, rtnexthopLen, 32)
	b[2] = uint8(flags)
	b[3] = uint8(w - 1)
	binary.LittleEndian.PutUint32(b[4:8], uint32(nh.Ifindex))
	e := codec.NewEncoder(b)
	if nh.Gateway.IsValid() {
		e.Addr(rtaGateway, nh.Gateway)
	}
	if nh.Via.IsValid() {
		e.Bytes(rtaVia, encodeVia(nh.Via))
	}
	out, err := e.Encode()
	if err != nil {
		return nil, err
	}
	binary.LittleEndian.PutUint16(out[0:2], uint16(len(out)))
	return out, nil
}

// routeDecoder decodes route messages reusing its buffers, naming tables
// and devices from per-call caches so a large dump allocates little.
type routeDecoder struct {
	d      codec.Decoder
	tables *Tables
	names  map[uint32]string
	// The table named last: a dump's routes come table by table.
	lastTable uint32
	lastName  string
}

// DecodeRoute decodes an RTM_NEWROUTE or RTM_DELROUTE message (a dump
// reply, a Get answer or an event). Tables are named with the built-in
// names only, and Dev is left empty: the message carries the ifindex.
func DecodeRoute(m codec.Message) (Route, error) {
	var rd routeDecoder
	var r Route
	err := rd.decode(&r, m.Data)
	return r, err
}

func (rd *routeDecoder) tableName(id uint32) string {
	if rd.lastName != "" && rd.lastTable == id {
		return rd.lastName
	}
	n, ok := rd.names[id]
	if !ok {
		n = rd.tables.Name(id)
		if rd.names == nil {
			rd.names = make(map[uint32]string)
		}
		rd.names[id] = n
	}
	rd.lastTable, rd.lastName = id, n
	return n
}

func (rd *routeDecoder) decode(r *Route, b []byte) error {
	if len(b) < rtmsgLen {
		return fmt.Errorf("rtmsg: %d bytes, need %d: %w", len(b), rtmsgLen, codec.ErrTruncated)
	}
	fam := b[0]
	r.Family = ipFamilyName(fam)
	dstLen, srcLen := int(b[1]), int(b[2])
	r.Tos = b[3]
	r.Table = uint32(b[4])
	r.Protocol = routeProtocolNames.name(b[5], ipRouteProtocols)
	r.Scope = routeScopeNames.name(b[6], ipScopes)
	r.Type = routeTypeNames.name(b[7], ipRouteTypes)
	flags := binary.LittleEndian.Uint32(b[8:12])
	var dst, src netip.Addr
	d := &rd.d
	d.Reset(b[rtmsgLen:])
	for d.Next() {
		switch d.Type() {
		case rtaDst:
			dst = d.Addr()
		case rtaSrc:
			src = d.Addr()
		case rtaIif:
			r.Iif = strconv.Itoa(int(d.Uint32()))
		case rtaOif:
			r.Ifindex = int(d.Uint32())
		case rtaGateway:
			r.Gateway = d.Addr()
		case rtaPriority:
			r.Metric = d.Uint32()
		case rtaPrefsrc:
			r.Prefsrc = d.Addr()
		case rtaTable:
			r.Table = d.Uint32()
		case rtaMark:
			r.Mark = d.Uint32()
		case rtaUID:
			r.UID = d.Uint32()
		case rtaPref:
			r.Pref = ipEnumName(uint32(d.Uint8()), ipRoutePrefs)
		case rtaExpires:
			r.Expires = d.Uint32()
		case rtaVia:
			r.Via = decodeVia(d)
		case rtaMetrics:
			decodeMetrics(r, d)
		case rtaMultipath:
			decodeMultipath(r, d)
		case rtaCacheinfo, rtaFlow, rtaEncapType, rtaEncap, rtaNhID, 24 /* RTA_PAD */ :
			// Known and not surfaced yet.
		default:
			r.Unknown = append(r.Unknown, rawAttr(d)...)
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("route attributes: %w", err)
	}
	if !dst.IsValid() {
		dst = zeroAddr(fam)
	}
	if dst.IsValid() {
		r.Dst = netip.PrefixFrom(dst, dstLen)
	}
	if src.IsValid() {
		r.Src = netip.PrefixFrom(src, srcLen)
	}
	r.TableName = rd.tableName(r.Table)
	r.Flags = ipFlagNames(flags, ipRouteFlags)
	return nil
}

func zeroAddr(fam uint8) netip.Addr {
	switch fam {
	case ipFamily4:
		return netip.IPv4Unspecified()
	case ipFamily6:
		return netip.IPv6Unspecified()
	}
	return netip.Addr{}
}

// rawAttr re-encodes the current attribute with its header, for Unknown.
func rawAttr(d *codec.Decoder) []byte {
	p := d.Bytes()
	out := make([]byte, 4, 4+codec.Align(len(p)))
	binary.LittleEndian.PutUint16(out[0:2], uint16(4+len(p)))
	binary.LittleEndian.PutUint16(out[2:4], d.TypeFlags())
	out = append(out, p...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	return out
}

func decodeVia(d *codec.Decoder) netip.Addr {
	p := d.Bytes()
	if len(p) < 2 {
		d.Fail(fmt.Errorf("RTA_VIA: %d bytes", len(p)))
		return netip.Addr{}
	}
	a, ok := netip.AddrFromSlice(p[2:])
	if !ok {
		d.Fail(fmt.Errorf("RTA_VIA: address of %d bytes", len(p)-2))
	}
	return a
}

func decodeMetrics(r *Route, d *codec.Decoder) {
	d.NestedFunc(func(n *codec.Decoder) error {
		for n.Next() {
			if n.Type() == rtaxCCAlgo {
				r.Congctl = n.String()
				continue
			}
			v := n.Uint32()
			name := ipEnumName(uint32(n.Type()), ipRouteMetricNames)
			if r.Metrics == nil {
				r.Metrics = make(map[string]uint32, 2)
			}
			r.Metrics[name] = v
		}
		return nil
	})
}

func decodeMultipath(r *Route, d *codec.Decoder) {
	p := d.Bytes()
	for len(p) > 0 {
		if len(p) < rtnexthopLen {
			d.Fail(fmt.Errorf("RTA_MULTIPATH: %d trailing bytes: %w", len(p), codec.ErrTruncated))
			return
		}
		n := int(binary.LittleEndian.Uint16(p[0:2]))
		if n < rtnexthopLen || n > len(p) {
			d.Fail(fmt.Errorf("RTA_MULTIPATH: next hop of %d bytes in %d: %w", n, len(p), codec.ErrTruncated))
			return
		}
		nh := Nexthop{
			Flags:   ipFlagNames(uint32(p[2]), ipRouteFlags),
			Weight:  int(p[3]) + 1,
			Ifindex: int(int32(binary.LittleEndian.Uint32(p[4:8]))),
		}
		nd := codec.NewDecoder(p[rtnexthopLen:n])
		for nd.Next() {
			switch nd.Type() {
			case rtaGateway:
				nh.Gateway = nd.Addr()
			case rtaVia:
				nh.Via = decodeVia(nd)
			}
		}
		d.Fail(nd.Err())
		r.Nexthops = append(r.Nexthops, nh)
		p = p[min(codec.Align(n), len(p)):]
	}
}

// routeMatches reports whether have (listed) equals want (normalized) in
// every field want sets, for ExistOK.
func routeMatches(want, have *Route) bool {
	if want.Dst != have.Dst || want.Tos != have.Tos || want.Table != have.Table || want.Type != have.Type {
		return false
	}
	if want.Metric != have.Metric && !(want.Metric == 0 && want.Family == FamilyInet6 && have.Metric == 1024) {
		return false // IPv6 routes get metric 1024 (IP6_RT_PRIO_USER) when none is given
	}
	if want.Gateway != have.Gateway || want.Via != have.Via {
		return false
	}
	if want.Ifindex != 0 && want.Ifindex != have.Ifindex {
		return false
	}
	if want.Prefsrc.IsValid() && want.Prefsrc != have.Prefsrc {
		return false
	}
	if want.Protocol != "" && want.Protocol != have.Protocol {
		return false
	}
	if want.Scope != "" && want.Scope != have.Scope {
		return false
	}
	for k, v := range want.Metrics {
		if have.Metrics[k] != v {
			return false
		}
	}
	if len(want.Nexthops) != len(have.Nexthops) {
		return false
	}
	key := func(nh Nexthop) string {
		w := nh.Weight
		if w == 0 {
			w = 1
		}
		return fmt.Sprint(nh.Gateway, nh.Via, nh.Ifindex, w)
	}
	var a, b []string
	for i := range want.Nexthops {
		a, b = append(a, key(want.Nexthops[i])), append(b, key(have.Nexthops[i]))
	}
	sort.Strings(a)
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Check tells, for b as EachRouteMessage hands it out, what Decode would
// report, when it can without decoding: sure true says Decode decodes b
// without an error, ok saying whether the dump's filter selects it. It is
// sure only of a message whose attributes are all of the kinds a plain
// route carries (addresses, numbers, the ones Decode skips), each of the
// size Decode reads; for any other the caller decodes (which reports the
// error of a malformed message). The filters by table and device are
// Decode's: the last RTA_TABLE (else the rtmsg's table) and the last
// RTA_OIF, as decode takes them.
func (rd *RouteDecoder) Check(b []byte) (ok, sure bool) {
	ok, sure, _ = rd.check(b)
	return ok, sure
}

// CheckDst is Check that also, when sure and ok, appends to dst the text
// of the route's Dst (what AppendRouteDst appends), in the same walk of
// b's attributes; out is dst unchanged otherwise.
func (rd *RouteDecoder) CheckDst(dst, b []byte) (out []byte, ok, sure bool) {
	ok, sure, a := rd.check(b)
	if !ok || !sure {
		return dst, ok, sure
	}
	return appendRouteDst(dst, b, a), true, true
}

// check is Check, with the address of b's last RTA_DST (the invalid
// Addr when it has none) when sure.
func (rd *RouteDecoder) check(b []byte) (ok, sure bool, dst netip.Addr) {
	if len(b) < rtmsgLen {
		return false, false, dst
	}
	table, oif := uint32(b[4]), 0
	var d codec.Decoder
	d.Reset(b[rtmsgLen:])
	for d.Next() {
		n := d.Len()
		switch d.Type() {
		case rtaDst:
			if n != 4 && n != 16 {
				return false, false, dst
			}
			dst = d.Addr() // the last one, as decode takes
		case rtaSrc, rtaGateway, rtaPrefsrc:
			if n != 4 && n != 16 {
				return false, false, dst
			}
		case rtaTable:
			if n != 4 {
				return false, false, dst
			}
			table = d.Uint32()
		case rtaOif:
			if n != 4 {
				return false, false, dst
			}
			oif = int(d.Uint32())
		case rtaIif, rtaPriority, rtaMark, rtaUID, rtaExpires:
			if n != 4 {
				return false, false, dst
			}
		case rtaPref:
			if n != 1 {
				return false, false, dst
			}
		case rtaCacheinfo, rtaFlow, rtaEncapType, rtaEncap, rtaNhID, 24 /* RTA_PAD */ :
			// Skipped by Decode, whatever their size.
		default:
			return false, false, dst
		}
	}
	if d.Err() != nil {
		return false, false, dst
	}
	return (rd.table == 0 || table == rd.table) && (rd.idx == 0 || oif == rd.idx), true, dst
}

// AppendRouteDst appends the text of the Dst of the Route that b decodes
// to (Route.AppendDst) without decoding the rest; ok false (dst unchanged)
// when b is not a message Decode decodes without an error.
func AppendRouteDst(dst, b []byte) ([]byte, bool) {
	if len(b) < rtmsgLen {
		return dst, false
	}
	var a netip.Addr
	var d codec.Decoder
	d.Reset(b[rtmsgLen:])
	for d.Next() {
		if d.Type() == rtaDst {
			a = d.Addr() // the last one, as decode takes
		}
	}
	if d.Err() != nil {
		return dst, false
	}
	return appendRouteDst(dst, b, a), true
}

// appendRouteDst appends the text of the Dst of route message b whose
// last RTA_DST holds a (the invalid Addr: none).
func appendRouteDst(dst, b []byte, a netip.Addr) []byte {
	if !a.IsValid() {
		a = zeroAddr(b[0])
	}
	var r Route
	if a.IsValid() {
		r.Dst = netip.PrefixFrom(a, int(b[1]))
	}
	return r.AppendDst(dst)
}
