package rtnl

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"strconv"
	"syscall"

	"github.com/nlsh/nlsh/core/codec"
)

// RouteFilter selects routes to list. Family, table, device, protocol and
// type are filtered in the kernel (strict checking: rtmsg fields plus
// RTA_TABLE and RTA_OIF), and again here for kernels without it.
type RouteFilter struct {
	Family string // "inet", "inet6" or "" for both
	// Table and TableName select one table; neither means every table
	// (`ip route show table all`). `ip route show` alone is TableMain.
	Table     uint32
	TableName string
	Dev       string
	Ifindex   int
	Protocol  string // "kernel", "static", ...
	Type      string // "unicast", "local", "blackhole", ...
}

// EachRoute streams the routes matching f to fn without holding the whole
// dump; the Route is fn's to keep. An error from fn stops the dump and is
// returned.
// A dump the kernel starts over is handled as OnRestart says.
func (c *Client) EachRoute(ctx context.Context, f RouteFilter, fn func(Route) error, opts ...CallOption) error {
	return c.EachRouteMessage(ctx, f, func(rd *RouteDecoder, b []byte) error {
		var r Route
		ok, err := rd.decode(&r, b) // the dump's error names the dump
		if err != nil || !ok {
			return err
		}
		return fn(r)
	}, opts...)
}

// RouteDecoder decodes the route messages of one dump (EachRouteMessage):
// it names devices and tables as they were named when the dump began, and
// applies the dump's filters the kernel may not have applied. Not for use
// from several goroutines at once, but for Check and CheckDst, which read
// only the filters and may run on another goroutine beside the others.
type RouteDecoder struct {
	rd    routeDecoder
	devs  *devResolver
	table uint32 // 0: any
	idx   int    // 0: any
}

// Decode decodes b, a message EachRouteMessage handed out (or a copy of
// it), into r, replacing all of r; ok is false when the route is not one
// the dump's filter selects. Decoding the same bytes again gives the same
// Route. A malformed message is an error naming the dump.
func (rd *RouteDecoder) Decode(r *Route, b []byte) (ok bool, err error) {
	ok, err = rd.decode(r, b)
	return ok, annotate(err, rtmGetRoute, "dump")
}

// decode is Decode with the decoder's own error.
func (rd *RouteDecoder) decode(r *Route, b []byte) (bool, error) {
	*r = Route{}
	if err := rd.rd.decode(r, b); err != nil {
		return false, err
	}
	if (rd.table != 0 && r.Table != rd.table) || (rd.idx != 0 && !routeUsesDev(r, rd.idx)) {
		return false, nil
	}
	routeNames(rd.devs, r)
	return true, nil
}

// EachRouteMessage is EachRoute without the decoding: fn gets each route
// message's data (the rtmsg and its attributes) undecoded, with the
// decoder of the dump, which turns it into a Route when the caller wants
// one (RouteDecoder.Decode; it may filter some out). The data is only
// valid during the call; the decoder for as long as the caller keeps it.
// A caller that keeps the bytes of many routes keeps less than their
// Routes (no pointers, a third of the size) and decodes only the ones it
// needs. An error from fn stops the dump and is returned. A dump the
// kernel starts over is handled as OnRestart says (fn having seen an
// object when it was called, whether or not Decode takes it).
func (c *Client) EachRouteMessage(ctx context.Context, f RouteFilter, fn func(rd *RouteDecoder, b []byte) error, opts ...CallOption) error {
	o := collectOptions(opts)
	rs := restarts{hook: o.onRestart}
	fam, ok := ipFamilyNumber(f.Family)
	if !ok {
		return badArg("family", f.Family, "want inet or inet6")
	}
	tables := o.tablesFor()
	table := f.Table
	if f.TableName != "all" {
		t, err := routeTable(tables, f.Table, f.TableName, "table")
		if err != nil {
			return err
		}
		table = t
	}
	devs := c.devs()
	idx, err := devs.resolve(ctx, "route list", "dev", f.Dev, f.Ifindex)
	if err != nil {
		return err
	}
	var proto, typ uint32
	if f.Protocol != "" {
		if proto, err = ipEnumValue("protocol", f.Protocol, ipRouteProtocols, 255); err != nil {
			return err
		}
	}
	if f.Type != "" {
		if typ, err = ipEnumValue("type", f.Type, ipRouteTypes, 255); err != nil {
			return err
		}
	}
	if err := devs.loadAll(ctx); err != nil {
		return err
	}
	b := make([]byte, rtmsgLen, 32)
	b[0] = fam
	if table < 256 {
		b[4] = uint8(table)
	}
	b[5], b[7] = uint8(proto), uint8(typ)
	e := codec.NewEncoder(b)
	if table != 0 {
		e.Uint32(rtaTable, table)
	}
	if idx != 0 {
		e.Uint32(rtaOif, uint32(idx))
	}
	req, _ := e.Encode()
	rd := &RouteDecoder{rd: routeDecoder{tables: tables}, devs: devs, table: table, idx: idx}
	err = c.conn.Dump(ctx, codec.Message{Header: codec.Header{Type: rtmGetRoute, Flags: codec.Dump}, Data: req}, func(m codec.Message) error {
		if isDumpRestart(m) {
			return rs.restarted()
		}
		if m.Header.Type != rtmNewRoute || len(m.Data) < rtmsgLen {
			return nil
		}
		d := m.Data
		if (fam != 0 && d[0] != fam) || (proto != 0 && uint32(d[5]) != proto) || (typ != 0 && uint32(d[7]) != typ) {
			return nil
		}
		if d[11]&0x2 != 0 { // RTM_F_CLONED (0x200): cache entries, not routes
			return nil
		}
		rs.seen = true
		return fn(rd, d)
	})
	if err != nil && table != 0 && errors.Is(err, syscall.ENOENT) {
		return nil // the table does not exist: no routes in it
	}
	return annotate(err, rtmGetRoute, "dump")
}

func routeUsesDev(r *Route, idx int) bool {
	if r.Ifindex == idx {
		return true
	}
	for _, nh := range r.Nexthops {
		if nh.Ifindex == idx {
			return true
		}
	}
	return false
}

// routeNames fills device names from indexes (loaded before the dump).
func routeNames(devs *devResolver, r *Route) {
	r.Dev = devs.name(r.Ifindex)
	for i := range r.Nexthops {
		r.Nexthops[i].Dev = devs.name(r.Nexthops[i].Ifindex)
	}
	if r.Iif != "" {
		if idx, err := strconv.Atoi(r.Iif); err == nil && devs.name(idx) != "" {
			r.Iif = devs.name(idx)
		}
	}
}

// ListRoutes returns the routes matching f, like `ip -j route show`.
func (c *Client) ListRoutes(ctx context.Context, f RouteFilter, opts ...CallOption) ([]Route, error) {
	var out []Route
	err := c.EachRoute(ctx, f, func(r Route) error {
		out = append(out, r)
		return nil
	}, append(opts[:len(opts):len(opts)], OnRestart(func() error { out = out[:0]; return nil }))...)
	return out, err
}

// RouteQuery is what GetRoute asks the kernel about, as `ip route get`
// takes it.
type RouteQuery struct {
	Dst  netip.Addr
	From netip.Addr // source address
	Iif  string     // input device: simulate a packet arriving there
	Oif  string     // output device
	Mark uint32
	// FibMatch asks for the matching routing table entry instead of the
	// resolved path (`ip route get fibmatch`).
	FibMatch bool
}

// GetRoute asks the kernel which route it would use for q, like
// `ip route get`.
func (c *Client) GetRoute(ctx context.Context, q RouteQuery, opts ...CallOption) (Route, error) {
	o := collectOptions(opts)
	if !q.Dst.IsValid() {
		return Route{}, badArg("dst", "", "address missing")
	}
	q.Dst = q.Dst.Unmap()
	fam := ipAddrFamily(q.Dst)
	if err := ipSameFamily("from", q.From, fam, netip.PrefixFrom(q.Dst, q.Dst.BitLen())); err != nil {
		return Route{}, err
	}
	devs := c.devs()
	b := make([]byte, rtmsgLen, 64)
	b[0], b[1] = fam, uint8(q.Dst.BitLen())
	if q.FibMatch {
		binary.LittleEndian.PutUint32(b[8:12], rtmFFibMatch)
	}
	if q.From.IsValid() {
		b[2] = uint8(q.From.BitLen())
	}
	e := codec.NewEncoder(b)
	e.Addr(rtaDst, q.Dst)
	if q.From.IsValid() {
		e.Addr(rtaSrc, q.From.Unmap())
	}
	if q.Iif != "" {
		i, err := devs.index(ctx, "route get", "iif", q.Iif)
		if err != nil {
			return Route{}, err
		}
		e.Uint32(rtaIif, uint32(i))
	}
	if q.Oif != "" {
		i, err := devs.index(ctx, "route get", "oif", q.Oif)
		if err != nil {
			return Route{}, err
		}
		e.Uint32(rtaOif, uint32(i))
	}
	if q.Mark != 0 {
		e.Uint32(rtaMark, q.Mark)
	}
	req, err := e.Encode()
	if err != nil {
		return Route{}, err
	}
	msgs, err := c.execute(ctx, rtmGetRoute, 0, req, q.Dst.String())
	if err != nil {
		return Route{}, err
	}
	rd := routeDecoder{tables: o.tablesFor()}
	for _, m := range msgs {
		if m.Header.Type != rtmNewRoute {
			continue
		}
		var r Route
		if err := rd.decode(&r, m.Data); err != nil {
			return Route{}, err
		}
		if err := devs.loadAll(ctx); err != nil {
			return Route{}, err
		}
		routeNames(devs, &r)
		return r, nil
	}
	return Route{}, annotate(errors.New("no route in the kernel's answer"), rtmGetRoute, q.Dst.String())
}

// AddRoute adds a route, like `ip route add`: EEXIST if one with the same
// destination, tos, metric and table exists, unless ExistOK is given and
// it matches.
func (c *Client) AddRoute(ctx context.Context, r Route, opts ...CallOption) error {
	return c.writeRoute(ctx, "route add", r, codec.Create|codec.Excl, opts)
}

// ReplaceRoute adds a route or replaces the one with the same key, like
// `ip route replace`.
func (c *Client) ReplaceRoute(ctx context.Context, r Route, opts ...CallOption) error {
	return c.writeRoute(ctx, "route replace", r, codec.Create|codec.Replace, opts)
}

// AppendRoute adds a route after existing ones with the same key, like
// `ip route append` (IPv6 makes them next hops of one multipath route).
func (c *Client) AppendRoute(ctx context.Context, r Route, opts ...CallOption) error {
	return c.writeRoute(ctx, "route append", r, codec.Create|codec.Append, opts)
}

// DelRoute removes a route, like `ip route del`: fields left empty match
// any (protocol, scope, gateway).
func (c *Client) DelRoute(ctx context.Context, r Route, opts ...CallOption) error {
	return c.writeRoute(ctx, "route del", r, 0, opts)
}

func (c *Client) writeRoute(ctx context.Context, op string, r Route, flags uint16, opts []CallOption) error {
	o := collectOptions(opts)
	m, err := c.routeMessage(ctx, op, &r, flags, o.tablesFor(), c.devs())
	if err != nil {
		return err
	}
	_, err = c.execute(ctx, m.Header.Type, m.Header.Flags, m.Data, r.object())
	if err != nil && o.existOK && flags&codec.Excl != 0 && errors.Is(err, syscall.EEXIST) {
		if ok, lerr := c.routeExists(ctx, &r, &o); lerr == nil && ok {
			return nil
		}
	}
	return err
}

// routeMessage validates r, resolves its devices and encodes the request.
func (c *Client) routeMessage(ctx context.Context, op string, r *Route, flags uint16, tables *Tables, devs *devResolver) (codec.Message, error) {
	typ, b, err := appendRouteRequest(ctx, make([]byte, 0, 128), op, r, flags, tables, devs)
	if err != nil {
		return codec.Message{}, err
	}
	return codec.Message{Header: codec.Header{Type: typ, Flags: flags}, Data: b}, nil
}

// appendRouteRequest is routeMessage appending the request's payload
// (rtmsg and attributes) to dst; it returns the message type. On failure
// dst comes back unchanged.
func appendRouteRequest(ctx context.Context, dst []byte, op string, r *Route, flags uint16, tables *Tables, devs *devResolver) (uint16, []byte, error) {
	q, err := r.normalize(op, tables, flags == 0)
	if err != nil {
		return 0, dst, err
	}
	if r.Ifindex, err = devs.resolve(ctx, op, "dev", r.Dev, r.Ifindex); err != nil {
		return 0, dst, err
	}
	for i := range r.Nexthops {
		nh := &r.Nexthops[i]
		if nh.Ifindex, err = devs.resolve(ctx, op, "nexthops.dev", nh.Dev, nh.Ifindex); err != nil {
			return 0, dst, err
		}
	}
	if r.Gateway.IsValid() && r.Gateway.Is6() && r.Gateway.IsLinkLocalUnicast() && r.Ifindex == 0 {
		return 0, dst, badArg("gateway", r.Gateway.String(), "a link-local gateway needs dev")
	}
	typ := rtmNewRoute
	if flags == 0 {
		typ = rtmDelRoute
	}
	b, err := appendRoute(dst, r, q)
	if err != nil {
		return 0, dst, err
	}
	return typ, b, nil
}

func (c *Client) routeExists(ctx context.Context, r *Route, o *callOptions) (bool, error) {
	found := false
	err := c.EachRoute(ctx, RouteFilter{Family: r.Family, Table: r.Table}, func(x Route) error {
		if routeMatches(r, &x) {
			found = true
		}
		return nil
	}, WithTables(o.tablesFor()))
	return found, err
}

// AddRoutes adds many routes in few syscalls (the core's batch). It
// returns one error per route (nil for success), in order; the second
// result reports a failure of the batch as a whole. A route whose
// arguments cannot be right fails its own entry and is not sent.
func (c *Client) AddRoutes(ctx context.Context, rs []Route, opts ...CallOption) ([]error, error) {
	return c.batchRoutes(ctx, "route add", len(rs), func(i int) *Route { return &rs[i] }, codec.Create|codec.Excl, opts)
}

// ReplaceRoutes replaces (or adds) many routes in few syscalls.
func (c *Client) ReplaceRoutes(ctx context.Context, rs []Route, opts ...CallOption) ([]error, error) {
	return c.batchRoutes(ctx, "route replace", len(rs), func(i int) *Route { return &rs[i] }, codec.Create|codec.Replace, opts)
}

// DelRoutes removes many routes in few syscalls.
func (c *Client) DelRoutes(ctx context.Context, rs []Route, opts ...CallOption) ([]error, error) {
	return c.batchRoutes(ctx, "route del", len(rs), func(i int) *Route { return &rs[i] }, 0, opts)
}

// AddRoutesOf, ReplaceRoutesOf and DelRoutesOf are AddRoutes,
// ReplaceRoutes and DelRoutes over routes held by pointer, for a caller
// that keeps them elsewhere than in one slice (one queued call each, say)
// and would otherwise copy them all into one.
func (c *Client) AddRoutesOf(ctx context.Context, rs []*Route, opts ...CallOption) ([]error, error) {
	return c.batchRoutes(ctx, "route add", len(rs), func(i int) *Route { return rs[i] }, codec.Create|codec.Excl, opts)
}

// ReplaceRoutesOf is ReplaceRoutes over routes held by pointer.
func (c *Client) ReplaceRoutesOf(ctx context.Context, rs []*Route, opts ...CallOption) ([]error, error) {
	return c.batchRoutes(ctx, "route replace", len(rs), func(i int) *Route { return rs[i] }, codec.Create|codec.Replace, opts)
}

// DelRoutesOf is DelRoutes over routes held by pointer.
func (c *Client) DelRoutesOf(ctx context.Context, rs []*Route, opts ...CallOption) ([]error, error) {
	return c.batchRoutes(ctx, "route del", len(rs), func(i int) *Route { return rs[i] }, 0, opts)
}

// batchRoutes sends the n routes route(0) ... route(n-1).
func (c *Client) batchRoutes(ctx context.Context, op string, n int, route func(i int) *Route, flags uint16, opts []CallOption) ([]error, error) {
	o := collectOptions(opts)
	tables, devs := o.tablesFor(), c.devs()
	errs := make([]error, n)
	ms := make([]codec.Message, 0, n)
	where := make([]int, 0, n)
	// The requests share one buffer (a host route with a device takes 36
	// bytes); a message keeps its slice of it when it grows.
	buf := make([]byte, 0, n*routeSizeHint)
	var r Route // route(i) normalized: the caller's routes stay as given
	for i := 0; i < n; i++ {
		r = *route(i)
		start := len(buf)
		typ, b, err := appendRouteRequest(ctx, buf, op, &r, flags, tables, devs)
		if err != nil {
			errs[i] = err
			continue
		}
		buf = b
		ms = append(ms, codec.Message{Header: codec.Header{Type: typ, Flags: flags}, Data: buf[start:len(buf):len(buf)]})
		where = append(where, i)
	}
	// normalized redoes what the loop did for route i, for its error
	// and for exist_ok's look-up: a few of them, where a copy kept per
	// route would cost every route.
	normalized := func(i int) *Route {
		r := *route(i)
		appendRouteRequest(ctx, nil, op, &r, flags, tables, devs)
		return &r
	}
	berrs, err := c.batch(ctx, ms, func(j int) string { return normalized(where[j]).object() })
	if err != nil {
		return errs, err
	}
	for j, e := range berrs {
		i := where[j]
		if e != nil && o.existOK && flags&codec.Excl != 0 && errors.Is(e, syscall.EEXIST) {
			if ok, lerr := c.routeExists(ctx, normalized(i), &o); lerr == nil && ok {
				e = nil
			}
		}
		errs[i] = e
	}
	return errs, nil
}

// routeSizeHint is what batchRoutes reserves per request: an IPv4 route
// with a gateway, a device and a metric fits.
const routeSizeHint = 64
