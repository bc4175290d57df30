package rtnl

import (
	"context"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

func (a *api) addrList(L *lua.LState) int {
	const fn = "rtnl.addr.list"
	f := readAddrFilter(bindings.OptTable(L, 1, fn))
	as, err := a.client(L, fn).ListAddrs(bindings.Context(L), f)
	if err != nil {
		raise(L, fn, err)
	}
	t := L.CreateTable(len(as), 0)
	for i := range as {
		t.Append(addrToLua(L, &as[i]))
	}
	L.Push(t)
	return 1
}

// readAddrFilter reads addr.list's and addr.each's arguments.
func readAddrFilter(args *bindings.Args) rtnl.AddrFilter {
	f := rtnl.AddrFilter{
		Dev:    args.Ifname("dev", bindings.Optional),
		Family: args.Enum("family", bindings.Optional, "inet", "inet6"),
	}
	args.Done()
	return f
}

// readAddr reads an address argument table into a new Address; forDel
// reads only what identifies the address.
func readAddr(args *bindings.Args, forDel bool) *rtnl.Address {
	x := &rtnl.Address{}
	readAddrInto(args, forDel, false, x)
	return x
}

// addrScopes are the values of an address's scope field.
var addrScopes = []string{"global", "site", "link", "host"}

// readAddrInto reads an address argument table into x, which is zero.
// existOK says the caller reads an exist_ok field after it.
func readAddrInto(args *bindings.Args, forDel, existOK bool, x *rtnl.Address) {
	readAddrUsing(args, forDel, existOK, true, x)
}

// readAddrUsing is readAddrInto, by the fields present (readAddrFast)
// when fast and the table allows it, else with every getter (tests
// compare the two).
func readAddrUsing(args *bindings.Args, forDel, existOK, fast bool, x *rtnl.Address) {
	readFastOr(args, forDel, existOK, fast, x, readAddrFast, readAddrArgs)
}

// readAddrFast is readAddrArgs for a table of dev, address and common
// optional fields, each with a value readAddrArgs takes, reading only
// the fields present. It reports false, raising nothing, for any other
// table, which readAddrArgs then reads (and raises for).
func readAddrFast(args *bindings.Args, forDel, existOK bool, x *rtnl.Address) bool {
	keys, vals, ok := args.Fields()
	if !ok {
		return false
	}
	var used uint16
	var hasDev, hasAddr bool
	for i, k := range keys {
		v := vals[i]
		switch k {
		case "dev":
			if x.Dev, ok = fastIfname(v); !ok {
				return false
			}
			hasDev = true
		case "address":
			s, ok := v.(lua.LString)
			if !ok {
				return false
			}
			p, err := bindings.ParsePrefix(string(s))
			if err != nil {
				return false
			}
			x.Local, x.Prefixlen = p.Addr(), p.Bits()
			hasAddr = true
		case "label", "scope", "valid_life_time", "preferred_life_time", "metric":
			if forDel {
				return false
			}
			switch k {
			case "label":
				s, ok := v.(lua.LString)
				if !ok {
					return false
				}
				x.Label = string(s)
			case "scope":
				if x.Scope, ok = fastEnum(v, addrScopes); !ok {
					return false
				}
			default:
				n, ok := bindings.IntValue(v, 0, 1<<32-1)
				if !ok {
					return false
				}
				switch k {
				case "valid_life_time":
					x.ValidLifetime = uint32(n)
				case "preferred_life_time":
					x.PreferredLifetime = uint32(n)
				default:
					x.Metric = uint32(n)
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
	if !hasDev || !hasAddr {
		return false
	}
	if !forDel {
		x.Flags = []string{} // as Strings gives for no flags
	}
	args.UseFields(used)
	return true
}

// readAddrArgs reads an address argument table into x with a getter for
// every field it may have.
func readAddrArgs(args *bindings.Args, forDel bool, x *rtnl.Address) {
	x.Dev = args.Ifname("dev", bindings.Required)
	p := args.Prefix("address", bindings.Required)
	x.Local, x.Prefixlen = p.Addr(), p.Bits()
	if forDel {
		return
	}
	if pp := args.Prefix("peer", bindings.Optional); pp.IsValid() {
		if pp.Addr().Unmap().Is4() != x.Local.Unmap().Is4() {
			args.Fail("peer", "%s is not of the family of address %s", pp, x.Local)
		}
		x.Address = pp.Addr()
		x.Prefixlen = pp.Bits()
	}
	if args.Has("broadcast") {
		if args.String("broadcast", bindings.Optional) == "+" {
			x.BroadcastAuto = true
		} else {
			x.Broadcast = args.Addr("broadcast", bindings.Optional)
		}
	}
	x.Label = args.String("label", bindings.Optional)
	x.Scope = args.Enum("scope", bindings.Optional, addrScopes...)
	x.ValidLifetime = args.Uint32("valid_life_time", bindings.Optional)
	x.PreferredLifetime = args.Uint32("preferred_life_time", bindings.Optional)
	x.Flags = args.Strings("flags", bindings.Optional)
	x.Metric = args.Uint32("metric", bindings.Optional)
}

func addrDesc(x *rtnl.Address) string {
	return x.Prefix().String() + " dev " + x.Dev
}

func (a *api) addrAdd(L *lua.LState) int {
	const fn = "rtnl.addr.add"
	var args bindings.Args // on the stack: no allocation per call
	args.Read(L, 1, fn)
	// An add in a batch is read into the batch's scratch address and,
	// without exist_ok, queued encoded (see queuedRun); a dry run keeps
	// whole addresses, which its overlay resolves devices in.
	b := batchOf(a.env)
	queue := b != nil && !a.env.DryRun
	var x *rtnl.Address
	if queue {
		b.addr = rtnl.Address{}
		x = &b.addr
	} else {
		x = &rtnl.Address{}
	}
	readAddrInto(&args, false, true, x)
	existOK := args.Bool("exist_ok", bindings.Optional)
	args.Done()
	if queue && !existOK {
		a.queueAddrAdd(L, b, fn)
		return 0
	}
	if queue {
		y := *x
		x = &y
	}
	a.addrWrite(L, fn, "addr.add", x, existOK, func(ctx context.Context, cl *rtnl.Client, o *op) error {
		return cl.AddAddr(ctx, *x, o.callOpts()...)
	})
	return 0
}

func (a *api) addrReplace(L *lua.LState) int {
	const fn = "rtnl.addr.replace"
	var args bindings.Args // on the stack: no allocation per call
	args.Read(L, 1, fn)
	x := readAddr(&args, false)
	args.Done()
	a.addrWrite(L, fn, "", x, false, func(ctx context.Context, cl *rtnl.Client, _ *op) error {
		return cl.ReplaceAddr(ctx, *x)
	})
	return 0
}

// addrWrite sends an add or replace; the undo deletes the address, or
// puts back the one that was there.
func (a *api) addrWrite(L *lua.LState, fn, group string, x *rtnl.Address, existOK bool, run func(context.Context, *rtnl.Client, *op) error) {
	o := &op{fn: fn, group: group, addr: x, existOK: existOK}
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return run(ctx, cl, o) }
	if a.journalled() {
		prev := a.findAddr(L, fn, x)
		o.done = func() {
			if prev != nil {
				push(a.env, o.target, "replace address "+addrDesc(x), func(ctx context.Context, cl *rtnl.Client) error {
					return cl.ReplaceAddr(ctx, *prev)
				})
				return
			}
			del := x.Key()
			push(a.env, o.target, "add address "+addrDesc(x), func(ctx context.Context, cl *rtnl.Client) error {
				return cl.DelAddr(ctx, del)
			})
		}
	}
	a.do(L, o)
}

// queueAddrAdd queues the address read into b.addr as a call of fn, in
// the batch's last op if that is a run of address adds for the same
// namespace, else in a new one (see queuedRun). Journalled, the run asks
// which addresses are already there when it is sent, not at each call
// (see sendQueuedRun): an add of one of those changes nothing and is not
// undone, as addrWrite's listing ensures for a call sent alone.
func (a *api) queueAddrAdd(L *lua.LState, b *batchState, fn string) {
	rr := a.queueCall(L, b, fn, "addr.add", "addresses", func() callQueue { return rtnl.NewAddrQueue() })
	// A refused address is reported with the others when the batch is
	// sent (an unknown device may be made by an earlier call).
	_ = rr.q.(*rtnl.AddrQueue).Add(&b.addr)
	a.pump(L, b, rr)
}

// findAddr returns the address x names if it exists (cleaned up to be
// added again), or nil.
func (a *api) findAddr(L *lua.LState, fn string, x *rtnl.Address) *rtnl.Address {
	as, err := a.client(L, fn).ListAddrs(bindings.Context(L), rtnl.AddrFilter{Dev: x.Dev})
	if err != nil {
		raise(L, fn, err)
	}
	for i := range as {
		y := &as[i]
		if y.Local == x.Local && y.Prefixlen == x.Prefixlen {
			y.Ifindex = 0
			var keep []string
			for _, f := range y.Flags {
				for _, s := range settableAddrFlags {
					if f == s {
						keep = append(keep, f)
					}
				}
			}
			y.Flags = keep
			if y.ValidLifetime == rtnl.LifetimeForever {
				y.ValidLifetime, y.PreferredLifetime = 0, 0
			}
			return y
		}
	}
	return nil
}

func (a *api) addrDel(L *lua.LState) int {
	const fn = "rtnl.addr.del"
	var args bindings.Args // on the stack: no allocation per call
	args.Read(L, 1, fn)
	x := readAddr(&args, true)
	args.Done()
	o := &op{fn: fn, group: "addr.del", addr: x}
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return cl.DelAddr(ctx, *x) }
	if a.journalled() {
		if prev := a.findAddr(L, fn, x); prev != nil {
			o.done = func() {
				push(a.env, o.target, "delete address "+addrDesc(x), func(ctx context.Context, cl *rtnl.Client) error {
					return cl.AddAddr(ctx, *prev, rtnl.ExistOK())
				})
			}
		}
	}
	a.do(L, o)
	return 0
}
