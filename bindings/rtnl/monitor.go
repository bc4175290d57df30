package rtnl

import (
	"context"
	"errors"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

// seconds reads a timeout in seconds (fractions allowed).
func seconds(args *bindings.Args, name string) time.Duration {
	v := args.Value(name, bindings.Optional)
	if v == lua.LNil {
		return 0
	}
	n, ok := v.(lua.LNumber)
	if !ok || n <= 0 || n > 1e6 || n != n {
		args.Fail(name, "want a number of seconds > 0, got %s", bindings.Describe(v))
	}
	return time.Duration(float64(n) * float64(time.Second))
}

// eventToLua is an event as a plain table: type ("RTM_NEWLINK"), group
// ("link"), deleted, and the object's fields (ifname, local, dst, ...).
// Lost events come as {type = "EVENTS_LOST"}: resynchronise with a list.
func eventToLua(L *lua.LState, ev *rtnl.Event) *lua.LTable {
	var t *lua.LTable
	switch o := ev.Object.(type) {
	case *rtnl.Link:
		t = linkToLua(L, o)
	case *rtnl.Address:
		t = addrToLua(L, o)
	case *rtnl.Route:
		t = routeToLua(L, o)
	case *rtnl.Neigh:
		t = neighToLua(L, o)
	case *rtnl.Rule:
		t = ruleToLua(L, o)
	default:
		t = L.NewTable()
	}
	t.RawSetString("type", lua.LString(ev.Type))
	t.RawSetString("group", lua.LString(string(ev.Group)))
	t.RawSetString("deleted", lua.LBool(ev.Deleted))
	return t
}

// monitor is rtnl.monitor{groups=, timeout=, count=, fn=}: events as they
// come, to fn (which may return false to stop) or, without fn, collected
// and returned. It ends after timeout seconds or count events; without
// fn one of them is required.
func (a *api) monitor(L *lua.LState) int {
	const fn = "rtnl.monitor"
	args := bindings.OptTable(L, 1, fn)
	var groups []rtnl.Group
	for _, g := range args.Strings("groups", bindings.Optional) {
		switch g {
		case "link", "addr", "route", "neigh", "rule":
			groups = append(groups, rtnl.Group(g))
		default:
			args.Fail("groups", "%q is not one of link, addr, route, neigh, rule", g)
		}
	}
	timeout := seconds(args, "timeout")
	count := int(args.Int("count", bindings.Optional, 1, 1<<31-1))
	cb := args.Func("fn", bindings.Optional)
	args.Done()
	if cb == nil && timeout == 0 && count == 0 {
		bindings.ArgError(L, fn, "without fn, give timeout or count (or it never returns)")
	}
	ctx := bindings.Context(L)
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	m, err := a.client(L, fn).Monitor(ctx, groups...)
	if err != nil {
		raise(L, fn, err)
	}
	defer m.Close()
	out := L.NewTable()
	n := 0
	for count == 0 || n < count {
		ev, err := m.Next(ctx)
		var t *lua.LTable
		switch {
		case errors.Is(err, rtnl.ErrEventsLost):
			t = L.NewTable()
			t.RawSetString("type", lua.LString("EVENTS_LOST"))
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
			if bindings.Context(L).Err() != nil {
				raise(L, fn, err)
			}
			L.Push(out)
			return 1 // our own timeout: a normal end
		case err != nil && ev.Type != "":
			continue // a message that is not an event of ours
		case err != nil:
			raise(L, fn, err)
		default:
			t = eventToLua(L, &ev)
		}
		n++
		if cb == nil {
			out.Append(t)
			continue
		}
		L.Push(cb)
		L.Push(t)
		L.Call(1, 1)
		ret := L.Get(-1)
		L.Pop(1)
		if ret == lua.LFalse {
			break
		}
	}
	L.Push(out)
	return 1
}

// wait is rtnl.wait{link=, carrier=|up=|exists=|operstate=, timeout=}
// or rtnl.wait{addr=, dev=, tentative=false|exists=, timeout=}: it returns
// when the condition holds (the link or address as seen then), and raises
// when the timeout passes first. It follows events; it never polls.
func (a *api) wait(L *lua.LState) int {
	const fn = "rtnl.wait"
	args := bindings.Table(L, 1, fn)
	link := args.Ifname("link", bindings.Optional)
	addr := args.Addr("addr", bindings.Optional)
	timeout := seconds(args, "timeout")
	ctx := bindings.Context(L)
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	switch {
	case link != "" && addr.IsValid():
		args.Fail("addr", "give link or addr, not both")
	case link != "":
		cond := rtnl.UntilExists
		set := 0
		if args.Has("carrier") {
			set++
			if args.Bool("carrier", bindings.Optional) {
				cond = rtnl.UntilCarrier
			} else {
				cond = rtnl.LinkCond{Name: "has no carrier", Fn: func(l *rtnl.Link) bool { return l != nil && !l.HasCarrier() }}
			}
		}
		if args.Has("up") {
			set++
			cond = rtnl.UntilDown
			if args.Bool("up", bindings.Optional) {
				cond = rtnl.UntilUp
			}
		}
		if args.Has("exists") {
			set++
			cond = rtnl.UntilGone
			if args.Bool("exists", bindings.Optional) {
				cond = rtnl.UntilExists
			}
		}
		if args.Has("operstate") {
			set++
			args.Enum("operstate", bindings.Optional, "UP")
			cond = rtnl.UntilOperUp
		}
		args.Done()
		if set > 1 {
			bindings.ArgError(L, fn, "give one condition: carrier, up, exists or operstate")
		}
		l, err := a.client(L, fn).WaitLink(ctx, link, cond)
		if err != nil {
			raise(L, fn, err)
		}
		if l == nil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(linkToLua(L, l))
		return 1
	case addr.IsValid():
		dev := args.Ifname("dev", bindings.Required)
		cond := rtnl.UntilAddrExists
		if args.Has("tentative") {
			if args.Bool("tentative", bindings.Optional) {
				args.Fail("tentative", "only tentative = false (wait until usable) is supported")
			}
			cond = rtnl.UntilUsable
		}
		if args.Has("exists") && !args.Bool("exists", bindings.Optional) {
			cond = rtnl.UntilAddrGone
		}
		args.Done()
		x, err := a.client(L, fn).WaitAddr(ctx, dev, addr, cond)
		if err != nil {
			raise(L, fn, err)
		}
		if x == nil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(addrToLua(L, x))
		return 1
	}
	args.Known("dev", "carrier", "up", "exists", "operstate", "tentative")
	args.Done()
	bindings.ArgError(L, fn, "field \"link\": required (or addr)")
	return 0
}
