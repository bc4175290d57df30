package genl

import (
	"context"
	"errors"
	"fmt"
	"sort"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/genl/ethtool"
)

// ethtoolTable builds the ethtool functions of a.
func (a *api) ethtoolTable(L *lua.LState) *lua.LTable {
	fns := map[string]lua.LGFunction{
		"info": a.ethInfo, "link": a.ethLink, "features": a.ethFeatures,
		"set_features": a.ethSetFeatures, "stats": a.ethStats,
	}
	for _, f := range flatFuncs() {
		fns[f.get] = a.flatGet(f)
		fns["set_"+f.get] = a.flatSet(f)
	}
	return bindings.SetFuncs(L, fns)
}

// devArg reads the one-field argument table {dev=} of fn (plus extra
// fields read by more).
func devArg(L *lua.LState, fn string, more func(*bindings.Args)) ethtool.Device {
	args := bindings.Table(L, 1, fn)
	dev := args.Ifname("dev", bindings.Required)
	if more != nil {
		more(args)
	}
	args.Done()
	return ethtool.Device{Name: dev}
}

func unsupported(err error) bool { return errors.Is(err, unix.EOPNOTSUPP) }

// ethInfo is ethtool.info{dev=}: `ethtool -i` (driver, version,
// firmware, bus) plus the link info `ethtool DEV` prints (port, PHY
// address, transceiver, MDI-X) where the driver reports it.
func (a *api) ethInfo(L *lua.LState) int {
	const fn = "ethtool.info"
	dev := devArg(L, fn, nil)
	di, err := ethtool.ReadDriverInfo(a.target(), dev.Name)
	if err != nil {
		raise(L, fn, err)
	}
	t := bindings.ToLua(L, di).(*lua.LTable)
	li, err := a.client(L, fn).eth.LinkInfo(bindings.Context(L), dev)
	switch {
	case err == nil:
		lt := bindings.ToLua(L, li).(*lua.LTable)
		lt.ForEach(func(k, v lua.LValue) { t.RawSet(k, v) })
	case !unsupported(err):
		raise(L, fn, err)
	}
	L.Push(t)
	return 1
}

// ethLink is ethtool.link{dev=}: speed, duplex, autonegotiation, link
// modes and whether a link is detected (`ethtool DEV`).
func (a *api) ethLink(L *lua.LState) int {
	const fn = "ethtool.link"
	dev := devArg(L, fn, nil)
	ctx := bindings.Context(L)
	cl := a.client(L, fn)
	t := L.NewTable()
	lm, err := cl.eth.LinkModes(ctx, dev)
	switch {
	case err == nil:
		t.RawSetString("ifindex", lua.LNumber(lm.Ifindex))
		t.RawSetString("ifname", lua.LString(lm.Ifname))
		if lm.Speed != nil && *lm.Speed != 0xffffffff {
			t.RawSetString("speed", lua.LNumber(*lm.Speed))
		}
		if lm.Duplex != nil {
			t.RawSetString("duplex", lua.LString(map[uint8]string{0: "half", 1: "full"}[*lm.Duplex]))
			if *lm.Duplex > 1 {
				t.RawSetString("duplex", lua.LString("unknown"))
			}
		}
		if lm.Autoneg != nil {
			t.RawSetString("autoneg", lua.LBool(*lm.Autoneg))
		}
		if lm.Lanes != nil {
			t.RawSetString("lanes", lua.LNumber(*lm.Lanes))
		}
		if lm.Ours != nil {
			sup, adv := L.NewTable(), L.NewTable()
			for _, b := range lm.Ours.Bits {
				sup.Append(lua.LString(b.Name))
				if b.On {
					adv.Append(lua.LString(b.Name))
				}
			}
			if !lm.Ours.NoMask {
				t.RawSetString("supported", sup)
			}
			t.RawSetString("advertised", adv)
		}
		if lm.Peer != nil {
			p := L.NewTable()
			for _, b := range lm.Peer.Bits {
				if b.On {
					p.Append(lua.LString(b.Name))
				}
			}
			t.RawSetString("partner_advertised", p)
		}
	case !unsupported(err):
		raise(L, fn, err)
	}
	ls, err := cl.eth.LinkState(ctx, dev)
	switch {
	case err == nil:
		t.RawSetString("ifindex", lua.LNumber(ls.Ifindex))
		t.RawSetString("ifname", lua.LString(ls.Ifname))
		if ls.Link != nil {
			t.RawSetString("link_detected", lua.LBool(*ls.Link))
		}
	case !unsupported(err):
		raise(L, fn, err)
	}
	L.Push(t)
	return 1
}

// ethFeatures is ethtool.features{dev=}: every feature by name, as
// {on=, fixed=, requested=} (`ethtool -k`).
func (a *api) ethFeatures(L *lua.LState) int {
	const fn = "ethtool.features"
	dev := devArg(L, fn, nil)
	f, err := a.client(L, fn).eth.Features(bindings.Context(L), dev)
	if err != nil {
		raise(L, fn, err)
	}
	t := L.NewTable()
	for _, ft := range f.List() {
		e := L.CreateTable(0, 3)
		e.RawSetString("on", lua.LBool(ft.On))
		e.RawSetString("fixed", lua.LBool(ft.Fixed))
		if ft.Requested {
			e.RawSetString("requested", lua.LTrue)
		}
		t.RawSetString(ft.Name, e)
	}
	L.Push(t)
	return 1
}

// ethSetFeatures is ethtool.set_features{dev=, features={name=bool}}
// (`ethtool -K`). Names are checked against the device's feature names
// before anything is sent.
func (a *api) ethSetFeatures(L *lua.LState) int {
	const fn = "ethtool.set_features"
	var ft *bindings.Args
	dev := devArg(L, fn, func(args *bindings.Args) { ft = args.Table("features", bindings.Required) })
	set := map[string]bool{}
	ft.LTable().ForEach(func(k, _ lua.LValue) {
		s, ok := k.(lua.LString)
		if !ok {
			ft.Fail("["+bindings.Describe(k)+"]", "want a feature name")
		}
		set[string(s)] = ft.Bool(string(s), bindings.Required)
	})
	if len(set) == 0 {
		ft.Fail("", "no features given")
	}
	ctx := bindings.Context(L)
	cl := a.client(L, fn)
	prev, err := cl.eth.Features(ctx, dev)
	if err != nil {
		raise(L, fn, err)
	}
	known := map[string]bool{}
	for _, n := range prev.Names {
		known[n] = true
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !known[n] {
			ft.Fail(n, "%s has no feature %q (see ethtool.features{dev=%q})", dev.Name, n, dev.Name)
		}
	}
	err = cl.eth.SetFeatures(ctx, dev, set)
	if a.journalled() && bindings.MayHaveApplied(err) {
		old := map[string]bool{}
		for _, n := range names {
			old[n] = prev.Wanted.Has(n)
		}
		push(a.env, a.target(), fmt.Sprintf("ethtool set features %v of %s", names, dev.Name), func(ctx context.Context, cl *client) error {
			return cl.eth.SetFeatures(ctx, dev, old)
		})
	}
	if err != nil {
		raise(L, fn, err)
	}
	return 0
}

// ethStats is ethtool.stats{dev=, groups=}: the standard statistics
// groups ("eth-phy", "eth-mac", "eth-ctrl", "rmon"; all by default).
func (a *api) ethStats(L *lua.LState) int {
	const fn = "ethtool.stats"
	var groups []string
	dev := devArg(L, fn, func(args *bindings.Args) {
		groups = args.Strings("groups", bindings.Optional)
		for i, g := range groups {
			ok := false
			for _, n := range ethtool.StatsGroupNames {
				ok = ok || g == n
			}
			if !ok {
				args.Fail(fmt.Sprintf("groups[%d]", i+1), "%q is not one of %v", g, ethtool.StatsGroupNames)
			}
		}
	})
	st, err := a.client(L, fn).eth.Stats(bindings.Context(L), dev, groups...)
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(bindings.ToLua(L, st))
	return 1
}
