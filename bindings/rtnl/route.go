package rtnl

import (
	"context"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

// dstField reads a destination: "default", a prefix, or a bare address
// (a host route), as ip takes it.
func dstField(args *bindings.Args, name string, req bindings.Req) (p netipPrefix, given bool) {
	s := args.String(name, req)
	if s == "" || s == "default" {
		return p, s != ""
	}
	p, err := rtnl.ParsePrefix(name, s, "")
	if err != nil {
		failArg(args, name, err)
	}
	return p, true
}

// nonEmpty reads an optional string field that, when given, must not be
// empty (an empty name would silently mean "not given").
func nonEmpty(args *bindings.Args, name string) string {
	s := args.String(name, bindings.Optional)
	if s == "" && args.Has(name) {
		args.Fail(name, "want a non-empty string, got \"\"")
	}
	return s
}

// tableField reads a routing table given by number or name.
func tableField(args *bindings.Args, name string) (uint32, string) {
	switch v := args.Value(name, bindings.Optional).(type) {
	case lua.LNumber:
		return uint32(args.Int(name, bindings.Optional, 1, 1<<32-1)), ""
	case lua.LString:
		if v == "" {
			args.Fail(name, "want a table number or name, got \"\"")
		}
		return 0, string(v)
	case *lua.LNilType:
		return 0, ""
	default:
		args.Fail(name, "want a table number or name, got %s", bindings.Describe(v))
	}
	return 0, ""
}

// routeOp is a route call's op with its route, in one allocation.
type routeOp struct {
	op
	r rtnl.Route
}

// readRoute reads a route argument table into a new routeOp's route.
func readRoute(args *bindings.Args, forDel bool) *routeOp {
	ro := &routeOp{}
	ro.route = &ro.r
	readRouteInto(args, forDel, false, &ro.r)
	return ro
}

// routeTypes, routeScopes and routePrefs are the values of a route's
// type, scope and pref fields.
var (
	routeTypes = []string{"unicast", "local", "broadcast", "anycast", "multicast",
		"blackhole", "unreachable", "prohibit", "throw", "nat"}
	routeScopes = []string{"global", "site", "link", "host", "nowhere"}
	routePrefs  = []string{"low", "medium", "high"}
	families    = []string{"inet", "inet6"}
)

// readRouteInto reads a route argument table into r, which is zero.
// existOK says the caller reads an exist_ok field after it.
func readRouteInto(args *bindings.Args, forDel, existOK bool, r *rtnl.Route) {
	readRouteUsing(args, forDel, existOK, true, r)
}

// readRouteUsing is readRouteInto, by the fields present (readRouteFast)
// when fast and the table allows it, else with every getter (tests
// compare the two).
func readRouteUsing(args *bindings.Args, forDel, existOK, fast bool, r *rtnl.Route) {
	readFastOr(args, forDel, existOK, fast, r, readRouteFast, readRouteArgs)
}

// readFastOr reads an argument table into x, which is zero: through
// quick, which reads the fields present, when fast and quick takes the
// table; else, from zero again, through full, which asks every getter
// (and raises for a bad table).
func readFastOr[T any](args *bindings.Args, forDel, existOK, fast bool, x *T,
	quick func(*bindings.Args, bool, bool, *T) bool, full func(*bindings.Args, bool, *T)) {
	if fast && quick(args, forDel, existOK, x) {
		return
	}
	var zero T
	*x = zero
	full(args, forDel, x)
}

// readRouteFast is readRouteArgs for a table of the common fields, each
// with a value readRouteArgs takes, reading only the fields present (a
// bulk call gives two or three of the twenty readRouteArgs asks for). It
// reports false, raising nothing, for any other table, which
// readRouteArgs then reads (and raises for).
func readRouteFast(args *bindings.Args, forDel, existOK bool, r *rtnl.Route) bool {
	keys, vals, ok := args.Fields()
	if !ok {
		return false
	}
	var used uint16
	for i, k := range keys {
		v := vals[i]
		switch k {
		case "dst":
			p, ok := fastPrefix(v)
			if !ok {
				return false
			}
			r.Dst = p
		case "family":
			if r.Family, ok = fastEnum(v, families); !ok {
				return false
			}
		case "gateway":
			if r.Gateway, ok = fastAddr(v); !ok {
				return false
			}
		case "via":
			if r.Via, ok = fastAddr(v); !ok {
				return false
			}
		case "dev":
			if r.Dev, ok = fastIfname(v); !ok {
				return false
			}
		case "table":
			switch x := v.(type) {
			case lua.LNumber:
				n, ok := bindings.IntValue(x, 1, 1<<32-1)
				if !ok {
					return false
				}
				r.Table = uint32(n)
			case lua.LString:
				if x == "" {
					return false
				}
				r.TableName = string(x)
			default:
				return false
			}
		case "metric":
			n, ok := bindings.IntValue(v, 0, 1<<32-1)
			if !ok {
				return false
			}
			r.Metric = uint32(n)
		case "tos":
			n, ok := bindings.IntValue(v, 0, 255)
			if !ok {
				return false
			}
			r.Tos = uint8(n)
		case "type":
			if r.Type, ok = fastEnum(v, routeTypes); !ok {
				return false
			}
		case "protocol":
			s, ok := v.(lua.LString)
			if !ok || s == "" {
				return false
			}
			r.Protocol = string(s)
		case "scope":
			if r.Scope, ok = fastEnum(v, routeScopes); !ok {
				return false
			}
		case "prefsrc", "from", "onlink", "pref":
			if forDel {
				return false
			}
			switch k {
			case "prefsrc":
				if r.Prefsrc, ok = fastAddr(v); !ok {
					return false
				}
			case "from":
				if r.Src, ok = fastPrefix(v); !ok {
					return false
				}
			case "onlink":
				b, ok := v.(lua.LBool)
				if !ok {
					return false
				}
				if b {
					r.Flags = []string{"onlink"}
				}
			case "pref":
				if r.Pref, ok = fastEnum(v, routePrefs); !ok {
					return false
				}
			}
		case "exist_ok":
			if !existOK {
				return false
			}
			continue // the caller's to read
		default:
			return false
		}
		used |= 1 << i
	}
	if !forDel && r.Flags == nil {
		r.Flags = []string{} // as Strings gives for no flags
	}
	args.UseFields(used)
	return true
}

// fastPrefix is dstField's value for v when it is "default" or a prefix
// dstField takes.
func fastPrefix(v lua.LValue) (netipPrefix, bool) {
	s, ok := v.(lua.LString)
	if !ok || s == "" {
		return netipPrefix{}, false
	}
	if s == "default" {
		return netipPrefix{}, true
	}
	p, err := rtnl.ParsePrefix("", string(s), "")
	return p, err == nil
}

// fastAddr is Args.Addr's value for v when it is an IP address.
func fastAddr(v lua.LValue) (netipAddr, bool) {
	s, ok := v.(lua.LString)
	if !ok || s == "" {
		return netipAddr{}, false
	}
	a, err := netipParseAddr(string(s))
	return a, err == nil
}

// fastIfname is Args.Ifname's value for v when it is a valid name.
func fastIfname(v lua.LValue) (string, bool) {
	s, ok := v.(lua.LString)
	if !ok || bindings.CheckIfname(string(s)) != nil {
		return "", false
	}
	return string(s), true
}

// fastEnum is Args.Enum's value for v when it is one of allowed.
func fastEnum(v lua.LValue, allowed []string) (string, bool) {
	if s, ok := v.(lua.LString); ok {
		for _, x := range allowed {
			if string(s) == x {
				return x, true
			}
		}
	}
	return "", false
}

// readRouteArgs reads a route argument table into r with a getter for
// every field it may have.
func readRouteArgs(args *bindings.Args, forDel bool, r *rtnl.Route) {
	r.Dst, _ = dstField(args, "dst", bindings.Optional)
	r.Family = args.Enum("family", bindings.Optional, families...)
	r.Gateway = args.Addr("gateway", bindings.Optional)
	r.Via = args.Addr("via", bindings.Optional)
	r.Dev = args.Ifname("dev", bindings.Optional)
	r.Table, r.TableName = tableField(args, "table")
	r.Metric = args.Uint32("metric", bindings.Optional)
	r.Tos = args.Uint8("tos", bindings.Optional)
	r.Type = args.Enum("type", bindings.Optional, routeTypes...)
	r.Protocol = nonEmpty(args, "protocol")
	r.Scope = args.Enum("scope", bindings.Optional, routeScopes...)
	if forDel {
		return
	}
	r.Prefsrc = args.Addr("prefsrc", bindings.Optional)
	if p, ok := dstField(args, "from", bindings.Optional); ok {
		r.Src = p
	}
	r.Flags = args.Strings("flags", bindings.Optional)
	if args.Bool("onlink", bindings.Optional) {
		r.Flags = append(r.Flags, "onlink")
	}
	r.Pref = args.Enum("pref", bindings.Optional, routePrefs...)
	if m := args.Table("metrics", bindings.Optional); m != nil {
		r.Metrics = map[string]uint32{}
		m.LTable().ForEach(func(k, _ lua.LValue) {
			if ks, ok := k.(lua.LString); ok {
				r.Metrics[string(ks)] = m.Uint32(string(ks), bindings.Optional)
			}
		})
		m.Done()
	}
	if args.Has("mtu") {
		if r.Metrics == nil {
			r.Metrics = map[string]uint32{}
		}
		r.Metrics["mtu"] = uint32(args.Int("mtu", bindings.Optional, minMTU, maxMTU))
	}
	for i, v := range args.List("nexthops", bindings.Optional) {
		t, ok := v.(*lua.LTable)
		if !ok {
			args.Fail("nexthops", "entry %d: want a table, got %s", i+1, bindings.Describe(v))
		}
		nh := readNexthop(args, i, t)
		r.Nexthops = append(r.Nexthops, nh)
	}
}

// readNexthop reads entry i of nexthops.
func readNexthop(args *bindings.Args, i int, t *lua.LTable) rtnl.Nexthop {
	var nh rtnl.Nexthop
	get := func(k string) lua.LValue { return t.RawGetString(k) }
	var bad string
	t.ForEach(func(k, _ lua.LValue) {
		if ks, ok := k.(lua.LString); !ok || (ks != "gateway" && ks != "dev" && ks != "weight" && ks != "via" && ks != "onlink") {
			bad = bindings.Describe(k)
		}
	})
	if bad != "" {
		args.Fail("nexthops", "entry %d: unknown field %s (fields: dev, gateway, onlink, via, weight)", i+1, bad)
	}
	if s, ok := get("gateway").(lua.LString); ok {
		a, err := netipParseAddr(string(s))
		if err != nil {
			args.Fail("nexthops", "entry %d: gateway %q is not an IP address", i+1, string(s))
		}
		nh.Gateway = a
	}
	if s, ok := get("dev").(lua.LString); ok {
		if err := bindings.CheckIfname(string(s)); err != nil {
			args.Fail("nexthops", "entry %d: dev: %v", i+1, err)
		}
		nh.Dev = string(s)
	}
	if n, ok := get("weight").(lua.LNumber); ok {
		if n < 1 || n > 256 || n != lua.LNumber(int(n)) {
			args.Fail("nexthops", "entry %d: weight %v out of range [1, 256]", i+1, n)
		}
		nh.Weight = int(n)
	}
	if b, ok := get("onlink").(lua.LBool); ok && bool(b) {
		nh.Flags = []string{"onlink"}
	}
	return nh
}

func (a *api) routeList(L *lua.LState) int {
	const fn = "rtnl.route.list"
	f := readRouteFilter(bindings.OptTable(L, 1, fn))
	rs, err := a.client(L, fn).ListRoutes(bindings.Context(L), f, withTables(a.env))
	if err != nil {
		raise(L, fn, err)
	}
	t := L.CreateTable(len(rs), 0)
	for i := range rs {
		t.Append(routeToLua(L, &rs[i]))
	}
	L.Push(t)
	return 1
}

// readRouteFilter reads the arguments of route.list and route.each: the
// main table unless table is given ("all" for every table).
func readRouteFilter(args *bindings.Args) rtnl.RouteFilter {
	var f rtnl.RouteFilter
	f.Table, f.TableName = tableField(args, "table")
	if f.Table == 0 && f.TableName == "" {
		f.TableName = "main"
	}
	f.Family = args.Enum("family", bindings.Optional, "inet", "inet6")
	f.Dev = args.Ifname("dev", bindings.Optional)
	f.Protocol = nonEmpty(args, "protocol")
	f.Type = args.String("type", bindings.Optional)
	args.Done()
	return f
}

func (a *api) routeGet(L *lua.LState) int {
	const fn = "rtnl.route.get"
	args := bindings.Table(L, 1, fn)
	q := rtnl.RouteQuery{
		Dst:      args.Addr("dst", bindings.Required),
		From:     args.Addr("from", bindings.Optional),
		Iif:      args.Ifname("iif", bindings.Optional),
		Oif:      args.Ifname("oif", bindings.Optional),
		Mark:     args.Uint32("mark", bindings.Optional),
		FibMatch: args.Bool("fibmatch", bindings.Optional),
	}
	args.Done()
	r, err := a.client(L, fn).GetRoute(bindings.Context(L), q, withTables(a.env))
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(routeToLua(L, &r))
	return 1
}

func (a *api) routeAdd(L *lua.LState) int {
	return a.routeWrite(L, "rtnl.route.add", "route.add", true, func(ctx context.Context, a *api, cl *rtnl.Client, r rtnl.Route, o *op) error {
		return cl.AddRoute(ctx, r, append(o.callOpts(), withTables(a.env))...)
	})
}

func (a *api) routeAppend(L *lua.LState) int {
	return a.routeWrite(L, "rtnl.route.append", "", false, func(ctx context.Context, a *api, cl *rtnl.Client, r rtnl.Route, _ *op) error {
		return cl.AppendRoute(ctx, r, withTables(a.env))
	})
}

func (a *api) routeReplace(L *lua.LState) int {
	return a.routeWrite(L, "rtnl.route.replace", "route.replace", false, func(ctx context.Context, a *api, cl *rtnl.Client, r rtnl.Route, _ *op) error {
		return cl.ReplaceRoute(ctx, r, withTables(a.env))
	})
}

// routeWrite sends an add, append or replace. The undo deletes the new
// route, or, for a replace, puts back the route it replaced. run takes a
// so that the callers' function literals capture nothing: a closure
// made per call would cost an allocation a queued call does not need.
func (a *api) routeWrite(L *lua.LState, fn, group string, existOK bool, run func(context.Context, *api, *rtnl.Client, rtnl.Route, *op) error) int {
	var args bindings.Args // on the stack: no allocation per call
	args.Read(L, 1, fn)
	// A route add in a batch is read into the batch's scratch route and
	// queued encoded (see queuedRun); a dry run keeps whole routes, which
	// its overlay resolves devices in.
	b := batchOf(a.env)
	queue := b != nil && group == "route.add" && !a.env.DryRun
	var ro *routeOp
	if queue {
		b.route = rtnl.Route{}
		readRouteInto(&args, false, existOK, &b.route)
	} else {
		ro = &routeOp{}
		ro.route = &ro.r
		readRouteInto(&args, false, existOK, &ro.r)
	}
	eok := false
	if existOK {
		eok = args.Bool("exist_ok", bindings.Optional)
	}
	args.Done()
	if queue && !eok {
		a.queueRouteAdd(L, b, fn)
		return 0
	}
	if ro == nil {
		ro = &routeOp{r: b.route}
		ro.route = &ro.r
	}
	r := ro.route
	o := &ro.op
	o.fn, o.group, o.existOK = fn, group, eok
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return run(ctx, a, cl, *r, o) }
	if a.journalled() {
		var prev *rtnl.Route
		if fn == "rtnl.route.replace" || eok {
			prev = a.findRoute(L, fn, r, false)
		}
		o.done = func() {
			switch {
			case prev != nil && fn == "rtnl.route.replace":
				push(a.env, o.target, "replace route "+routeDesc(r), func(ctx context.Context, cl *rtnl.Client) error {
					return cl.ReplaceRoute(ctx, *prev, withTables(a.env))
				})
			case prev != nil: // exist_ok and it was there: nothing changed
			default:
				del := routeKey(r)
				push(a.env, o.target, "add route "+routeDesc(r), func(ctx context.Context, cl *rtnl.Client) error {
					return cl.DelRoute(ctx, del, withTables(a.env))
				})
			}
		}
	}
	a.do(L, o)
	return 0
}

func (a *api) routeDel(L *lua.LState) int {
	const fn = "rtnl.route.del"
	var args bindings.Args
	args.Read(L, 1, fn)
	ro := readRoute(&args, true)
	r := ro.route
	args.Done()
	o := &ro.op
	o.fn, o.group = fn, "route.del"
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return cl.DelRoute(ctx, *r, withTables(a.env)) }
	if a.journalled() {
		if prev := a.findRoute(L, fn, r, true); prev != nil {
			o.done = func() {
				push(a.env, o.target, "delete route "+routeDesc(r), func(ctx context.Context, cl *rtnl.Client) error {
					return cl.AddRoute(ctx, *prev, rtnl.ExistOK(), withTables(a.env))
				})
			}
		}
	}
	a.do(L, o)
	return 0
}

// routeKey is what deletes exactly the route r added.
func routeKey(r *rtnl.Route) rtnl.Route { return r.Key() }

// queueRouteAdd queues the route read into b.route as a call of fn, in
// the batch's last op if that is a run of route adds for the same
// namespace, else in a new one (see queuedRun).
func (a *api) queueRouteAdd(L *lua.LState, b *batchState, fn string) {
	rr := a.queueCall(L, b, fn, "route.add", "routes", func() callQueue { return rtnl.NewRouteQueue(withTables(a.env)) })
	// A refused route is reported with the others when the batch is
	// sent (an unknown device may be made by an earlier call).
	_ = rr.q.(*rtnl.RouteQueue).Add(&b.route)
	a.pump(L, b, rr)
}

func routeDesc(r *rtnl.Route) string {
	s := r.DstString()
	if r.Gateway.IsValid() {
		s += " via " + r.Gateway.String()
	}
	if r.Dev != "" {
		s += " dev " + r.Dev
	}
	return s
}

// findRoute returns the route of r's table that r names (same
// destination, tos and metric; for a delete also the gateway and device
// r gives), cleaned up to be written again, or nil.
func (a *api) findRoute(L *lua.LState, fn string, r *rtnl.Route, forDel bool) *rtnl.Route {
	f := rtnl.RouteFilter{Family: r.Family, Table: r.Table, TableName: r.TableName}
	if f.Table == 0 && f.TableName == "" {
		f.TableName = "main"
	}
	if f.Family == "" {
		for _, x := range []netipAddr{r.Dst.Addr(), r.Gateway} {
			if x.IsValid() {
				f.Family = map[bool]string{true: "inet", false: "inet6"}[x.Is4()]
				break
			}
		}
	}
	rs, err := a.client(L, fn).ListRoutes(bindings.Context(L), f, withTables(a.env))
	if err != nil {
		raise(L, fn, err)
	}
	for i := range rs {
		y := &rs[i]
		if y.DstString() != r.DstString() || y.Tos != r.Tos {
			continue
		}
		if (r.Metric != 0 || !forDel) && y.Metric != r.Metric {
			continue
		}
		if forDel && ((r.Gateway.IsValid() && y.Gateway != r.Gateway) || (r.Dev != "" && y.Dev != r.Dev)) {
			continue
		}
		y.Ifindex = 0
		var keep []string
		for _, fl := range y.Flags {
			if fl == "onlink" {
				keep = append(keep, fl)
			}
		}
		y.Flags, y.Expires = keep, 0
		for j := range y.Nexthops {
			y.Nexthops[j].Ifindex = 0
			y.Nexthops[j].Flags = nil
		}
		return y
	}
	return nil
}
