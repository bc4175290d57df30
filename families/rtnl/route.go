package rtnl

import (
	"fmt"
	"net/netip"
	"strconv"
)

// Route is one IPv4 or IPv6 route. Fields carry the names `ip -j route`
// uses (json tags). Listing fills every field the kernel reports; for
// adding, give at least Dst (or leave it zero for the default route) and a
// Gateway, Dev or Nexthops, or a Type such as "blackhole".
//
// Table: `ip -j route show` omits "table" for the main table, but Route
// always carries it (Table 254, TableName "main") so routes from several
// tables can be told apart.
type Route struct {
	// Family is "inet" or "inet6"; inferred from Dst, Gateway, Prefsrc or
	// the next hops when empty.
	Family string `json:"family,omitempty"`
	// Type is "unicast" (the default), "local", "broadcast", "anycast",
	// "multicast", "blackhole", "unreachable", "prohibit", "throw" or "nat".
	Type string `json:"type,omitempty"`
	// Dst is the destination prefix; the zero Prefix means "default",
	// as does a /0. `ip -j` prints a host prefix without its length and
	// /0 as "default" (see DstString).
	Dst netip.Prefix `json:"dst"`
	// Src is the source prefix of an IPv6 source-specific route
	// (RTA_SRC); for Get it is the "from" address.
	Src netip.Prefix `json:"from,omitzero"`
	Tos uint8        `json:"tos,omitempty"`
	// Gateway is the next hop (RTA_GATEWAY), of the route's family; an
	// IPv6 link-local gateway needs Dev.
	Gateway netip.Addr `json:"gateway,omitzero"`
	// Via is a next hop of the other family (RTA_VIA), such as an IPv6
	// next hop for an IPv4 route.
	Via     netip.Addr `json:"via,omitzero"`
	Dev     string     `json:"dev,omitempty"`
	Ifindex int        `json:"ifindex,omitempty"` // the output device (RTA_OIF)
	// Table is the routing table number; TableName is its name as ip
	// prints it ("main", a name from rt_tables, or the number). On add
	// either may be given (neither means main); they must agree.
	Table     uint32 `json:"-"`
	TableName string `json:"table,omitempty"`
	// Protocol is who installed the route: "kernel", "boot" (the default
	// on add, as ip), "static", "dhcp", ... or a number.
	Protocol string `json:"protocol,omitempty"`
	// Scope is "global", "link", "host", ...; on add the default follows
	// ip: host for local routes, link for broadcast/multicast/anycast and
	// for unicast routes without a gateway, else global.
	Scope   string     `json:"scope,omitempty"`
	Prefsrc netip.Addr `json:"prefsrc,omitzero"`
	// Metric is the route priority (RTA_PRIORITY).
	Metric uint32 `json:"metric,omitempty"`
	// Flags are ip's words: "onlink" (settable), "linkdown", "dead", ...
	Flags []string `json:"flags"`
	// Metrics are RTA_METRICS by ip's names: "mtu", "advmss", "window",
	// "rtt", "hoplimit", "initcwnd", "initrwnd", "quickack", ...; "lock"
	// is the bitmask of locked ones (1 << RTAX_*).
	Metrics map[string]uint32 `json:"metrics,omitempty"`
	// Congctl is the congestion control algorithm metric (RTAX_CC_ALGO).
	Congctl string `json:"congctl,omitempty"`
	// Nexthops are the paths of a multipath route (RTA_MULTIPATH).
	Nexthops []Nexthop `json:"nexthops,omitempty"`
	// Pref is the IPv6 router preference: "medium", "high" or "low".
	Pref string `json:"pref,omitempty"`
	// Expires is the remaining lifetime in seconds of an expiring IPv6
	// route (RTA_EXPIRES), 0 for none.
	Expires uint32 `json:"expires,omitempty"`
	// Mark, Iif and UID appear in Get results (ip route get prints them).
	Mark uint32 `json:"mark,omitempty"`
	Iif  string `json:"iif,omitempty"`
	UID  uint32 `json:"uid,omitempty"`
	// Unknown holds attributes this version does not know, raw, so they
	// survive a list -> add round trip.
	Unknown []byte `json:"-"`
}

// Nexthop is one path of a multipath route.
type Nexthop struct {
	Gateway netip.Addr `json:"gateway,omitzero"`
	Via     netip.Addr `json:"via,omitzero"`
	Dev     string     `json:"dev,omitempty"`
	Ifindex int        `json:"ifindex,omitempty"`
	// Weight is 1..256 (ip's "weight"); 0 means 1.
	Weight int      `json:"weight"`
	Flags  []string `json:"flags"`
}

// DstString prints Dst as `ip -j` does: "default" for /0, a bare address
// for a host prefix, else the prefix.
func (r *Route) DstString() string {
	if !r.Dst.IsValid() || r.Dst.Bits() == 0 {
		return "default"
	}
	var b [64]byte // an IPv6 prefix's text is at most 43 bytes
	return string(r.AppendDst(b[:0]))
}

// AppendDst appends DstString's text to b, without making the string.
func (r *Route) AppendDst(b []byte) []byte {
	switch {
	case !r.Dst.IsValid() || r.Dst.Bits() == 0:
		return append(b, "default"...)
	case r.Dst.Bits() == r.Dst.Addr().BitLen():
		return r.Dst.Addr().AppendTo(b)
	}
	return r.Dst.AppendTo(b)
}

// HasFlag reports whether Flags holds name.
func (r *Route) HasFlag(name string) bool {
	for _, f := range r.Flags {
		if f == name {
			return true
		}
	}
	return false
}

// object describes the route for errors: "10.1.0.0/16 via 10.0.0.1 dev
// eth0 table 100".
func (r *Route) object() string {
	s := r.DstString()
	if r.Type != "" && r.Type != "unicast" {
		s = r.Type + " " + s
	}
	if r.Gateway.IsValid() {
		s += " via " + r.Gateway.String()
	}
	if r.Via.IsValid() {
		s += " via inet6 " + r.Via.String()
	}
	if r.Dev != "" {
		s += " dev " + r.Dev
	} else if r.Ifindex != 0 {
		s += " ifindex " + strconv.Itoa(r.Ifindex)
	}
	switch {
	case r.TableName != "" && r.TableName != "main":
		s += " table " + r.TableName
	case r.TableName == "" && r.Table != 0 && r.Table != TableMain:
		s += " table " + strconv.FormatUint(uint64(r.Table), 10)
	}
	if r.Metric != 0 {
		s += " metric " + strconv.FormatUint(uint64(r.Metric), 10)
	}
	return s
}

// routeReq is a route checked and resolved, ready to encode.
type routeReq struct {
	fam, typ, scope, proto uint8
	table                  uint32
	flags                  uint32
}

// normalize checks r for op ("route add", ...) and fills the derived
// fields. del relaxes the defaults as ip does (any protocol, scope
// nowhere). It resolves no device names and sends nothing.
func (r *Route) normalize(op string, tables *Tables, del bool) (routeReq, error) {
	var q routeReq
	fam, ok := ipFamilyNumber(r.Family)
	if !ok {
		return q, badArg("family", r.Family, "want inet or inet6")
	}
	// The family comes from the first address that has one.
	for _, a := range []netip.Addr{r.Dst.Addr(), r.Gateway, r.Prefsrc, r.Src.Addr()} {
		if fam == ipFamilyUnspec && a.IsValid() {
			fam = ipAddrFamily(a)
		}
	}
	for _, nh := range r.Nexthops {
		if fam == ipFamilyUnspec && nh.Gateway.IsValid() {
			fam = ipAddrFamily(nh.Gateway)
		}
	}
	if fam == ipFamilyUnspec {
		return q, badArg("family", "", "cannot tell inet from inet6 for %s; give family", r.DstString())
	}
	q.fam = fam
	r.Family = ipFamilyName(fam)
	if !r.Dst.IsValid() {
		if fam == ipFamily4 {
			r.Dst = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
		} else {
			r.Dst = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
		}
	}
	if err := ipCheckPrefix("dst", r.Dst); err != nil {
		return q, err
	}
	if r.Dst.Masked() != r.Dst {
		return q, badArg("dst", r.Dst.String(), "host bits set under the /%d mask (did you mean %s?)", r.Dst.Bits(), r.Dst.Masked())
	}
	if ipAddrFamily(r.Dst.Addr()) != fam {
		return q, badArg("dst", r.Dst.String(), "is not %s", r.Family)
	}
	if r.Src.IsValid() {
		if err := ipCheckPrefix("from", r.Src); err != nil {
			return q, err
		}
	}
	for _, x := range []struct {
		field string
		a     netip.Addr
	}{{"gateway", r.Gateway}, {"prefsrc", r.Prefsrc}, {"from", r.Src.Addr()}} {
		if err := ipSameFamily(x.field, x.a, fam, r.Dst); err != nil {
			return q, err
		}
	}
	if r.Gateway.IsValid() && r.Via.IsValid() {
		return q, badArg("via", r.Via.String(), "give gateway or via, not both")
	}
	for i, nh := range r.Nexthops {
		f := fmt.Sprintf("nexthops[%d].", i+1)
		if err := ipSameFamily(f+"gateway", nh.Gateway, fam, r.Dst); err != nil {
			return q, err
		}
		if nh.Weight < 0 || nh.Weight > 256 {
			return q, badArg(f+"weight", strconv.Itoa(nh.Weight), "must be 1..256")
		}
	}
	if len(r.Nexthops) > 0 && (r.Gateway.IsValid() || r.Via.IsValid()) {
		return q, badArg("gateway", r.Gateway.String(), "give a gateway or nexthops, not both")
	}

	t := r.Type
	if t == "" {
		t = "unicast"
	}
	v, err := ipEnumValue("type", t, ipRouteTypes, 255)
	if err != nil {
		return q, err
	}
	q.typ = uint8(v)
	r.Type = t

	if q.table, err = routeTable(tables, r.Table, r.TableName, "table"); err != nil {
		return q, err
	}
	if q.table == TableUnspec {
		q.table = TableMain
	}
	r.Table, r.TableName = q.table, tables.Name(q.table)

	switch {
	case r.Protocol != "":
		v, err := ipEnumValue("protocol", r.Protocol, ipRouteProtocols, 255)
		if err != nil {
			return q, err
		}
		q.proto = uint8(v)
	case !del:
		q.proto = 3 // RTPROT_BOOT, as ip
	}

	switch {
	case r.Scope != "":
		v, err := ipEnumValue("scope", r.Scope, ipScopes, 255)
		if err != nil {
			return q, err
		}
		q.scope = uint8(v)
	case del:
		q.scope = 255 // RT_SCOPE_NOWHERE: match any
	case t == "local" || t == "nat":
		q.scope = 254
	case t == "broadcast" || t == "multicast" || t == "anycast":
		q.scope = 253
	case t == "unicast" && !r.Gateway.IsValid() && !r.Via.IsValid() && len(r.Nexthops) == 0:
		q.scope = 253
	}

	if q.flags, err = ipFlagBits("flags", r.Flags, ipRouteFlags); err != nil {
		return q, err
	}
	for name := range r.Metrics {
		if _, err := ipEnumValue("metrics", name, ipRouteMetricNames, 0); err != nil {
			return q, err
		}
	}
	return q, nil
}

// routeTable resolves a table given by number and/or name.
func routeTable(tables *Tables, id uint32, name, field string) (uint32, error) {
	if name == "" {
		return id, nil
	}
	n, err := tables.ID(name)
	if err != nil {
		return 0, err
	}
	if id != 0 && id != n {
		return 0, badArg(field, name, "is table %d, not the %d given", n, id)
	}
	return n, nil
}
