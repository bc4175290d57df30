package genl

import (
	"context"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/genl/nl80211"
)

// defaultScanTimeout bounds nl80211.scan when no timeout is given.
const defaultScanTimeout = 15 * time.Second

// nl80211Table builds the nl80211 functions of a.
func (a *api) nl80211Table(L *lua.LState) *lua.LTable {
	return bindings.SetFuncs(L, map[string]lua.LGFunction{
		"wiphys": a.nlWiphys, "interfaces": a.nlInterfaces, "set_type": a.nlSetType,
		"create": a.nlCreate, "delete": a.nlDelete, "set_netns": a.nlSetNetns, "scan": a.nlScan, "stations": a.nlStations,
	})
}

func (a *api) nlWiphys(L *lua.LState) int {
	const fn = "nl80211.wiphys"
	bindings.OptTable(L, 1, fn).Done()
	ws, err := a.client(L, fn).nl.Wiphys(bindings.Context(L))
	if err != nil {
		raise(L, fn, err)
	}
	if ws == nil {
		ws = []nl80211.Wiphy{} // an empty list, as interfaces gives
	}
	L.Push(bindings.ToLua(L, ws))
	return 1
}

func (a *api) nlInterfaces(L *lua.LState) int {
	const fn = "nl80211.interfaces"
	bindings.OptTable(L, 1, fn).Done()
	is, err := a.client(L, fn).nl.Interfaces(bindings.Context(L))
	if err != nil {
		raise(L, fn, err)
	}
	if is == nil {
		is = []nl80211.Interface{}
	}
	L.Push(bindings.ToLua(L, is))
	return 1
}

// iface finds the wireless interface called dev, raising an argument
// error naming the field when there is none.
func (a *api) iface(L *lua.LState, fn string, cl *client, dev string) nl80211.Interface {
	is, err := cl.nl.Interfaces(bindings.Context(L))
	if err != nil {
		raise(L, fn, err)
	}
	for _, i := range is {
		if i.Ifname == dev {
			return i
		}
	}
	bindings.ArgError(L, fn, "field \"dev\": %q: no such wireless interface", dev)
	return nl80211.Interface{}
}

// iftype reads a type field, checked against nl80211's names.
func iftype(args *bindings.Args, name string) string {
	s := args.String(name, bindings.Required)
	if _, err := nl80211.ParseIftype(s); err != nil {
		args.Fail(name, "%q is not an interface type (station, ap, monitor, adhoc, mesh, p2p-client, ...)", s)
	}
	return s
}

// nlSetType is nl80211.set_type{dev=, type=}.
func (a *api) nlSetType(L *lua.LState) int {
	const fn = "nl80211.set_type"
	args := bindings.Table(L, 1, fn)
	dev := args.Ifname("dev", bindings.Required)
	typ := iftype(args, "type")
	args.Done()
	cl := a.client(L, fn)
	i := a.iface(L, fn, cl, dev)
	err := cl.nl.SetInterfaceType(bindings.Context(L), i.Ifindex, typ)
	if a.journalled() && bindings.MayHaveApplied(err) {
		idx, old := i.Ifindex, i.Iftype
		push(a.env, a.target(), fmt.Sprintf("nl80211 set %s type %s", dev, typ), func(ctx context.Context, cl *client) error {
			return cl.nl.SetInterfaceType(ctx, idx, old)
		})
	}
	if err != nil {
		raise(L, fn, err)
	}
	return 0
}

// nlCreate is nl80211.create{wiphy=, ifname=, type=, mac=, four_addr=}:
// wiphy by index or name ("phy0").
func (a *api) nlCreate(L *lua.LState) int {
	const fn = "nl80211.create"
	args := bindings.Table(L, 1, fn)
	r := &nl80211.NewInterface{}
	wv := args.Value("wiphy", bindings.Required)
	var wname string
	if _, ok := wv.(lua.LNumber); ok {
		r.Wiphy = args.Uint32("wiphy", bindings.Required)
	} else {
		wname = args.String("wiphy", bindings.Required)
	}
	r.Ifname = args.Ifname("ifname", bindings.Required)
	r.Iftype = iftype(args, "type")
	r.MAC = nl80211.MAC(args.MAC("mac", bindings.Optional))
	r.FourAddr = args.Bool("four_addr", bindings.Optional)
	args.Done()
	ctx := bindings.Context(L)
	cl := a.client(L, fn)
	if wname != "" {
		ws, err := cl.nl.Wiphys(ctx)
		if err != nil {
			raise(L, fn, err)
		}
		found := false
		for _, w := range ws {
			if w.Name == wname {
				r.Wiphy, found = w.Index, true
			}
		}
		if !found {
			bindings.ArgError(L, fn, "field \"wiphy\": %q: no such wiphy", wname)
		}
	}
	i, err := cl.nl.CreateInterface(ctx, r)
	if err != nil {
		raise(L, fn, err)
	}
	if a.journalled() {
		idx := i.Ifindex
		push(a.env, a.target(), "nl80211 create "+r.Ifname, func(ctx context.Context, cl *client) error {
			return cl.nl.DeleteInterface(ctx, idx)
		})
	}
	L.Push(bindings.ToLua(L, i))
	return 1
}

// nlDelete is nl80211.delete{dev=}.
func (a *api) nlDelete(L *lua.LState) int {
	const fn = "nl80211.delete"
	args := bindings.Table(L, 1, fn)
	dev := args.Ifname("dev", bindings.Required)
	args.Done()
	cl := a.client(L, fn)
	i := a.iface(L, fn, cl, dev)
	err := cl.nl.DeleteInterface(bindings.Context(L), i.Ifindex)
	if a.journalled() && bindings.MayHaveApplied(err) {
		push(a.env, a.target(), "nl80211 delete "+dev, cannotUndo("a deleted wireless interface is not recreated"))
	}
	if err != nil {
		raise(L, fn, err)
	}
	return 0
}

// nlScan is nl80211.scan{dev=, timeout=, ssids=, freqs=}: trigger a scan,
// wait for it and return the BSSs.
func (a *api) nlScan(L *lua.LState) int {
	const fn = "nl80211.scan"
	args := bindings.Table(L, 1, fn)
	dev := args.Ifname("dev", bindings.Required)
	timeout := seconds(args, "timeout")
	r := &nl80211.ScanRequest{SSIDs: args.Strings("ssids", bindings.Optional)}
	for i, v := range args.List("freqs", bindings.Optional) {
		n, ok := v.(lua.LNumber)
		if !ok || float64(n) != float64(uint32(n)) || n == 0 {
			args.Fail(fmt.Sprintf("freqs[%d]", i+1), "want a frequency in MHz, got %s", bindings.Describe(v))
		}
		r.Frequencies = append(r.Frequencies, uint32(n))
	}
	args.Done()
	if timeout == 0 {
		timeout = defaultScanTimeout
	}
	cl := a.client(L, fn)
	i := a.iface(L, fn, cl, dev)
	ctx, cancel := context.WithTimeout(bindings.Context(L), timeout)
	defer cancel()
	bss, err := cl.nl.Scan(ctx, i.Ifindex, r)
	if err != nil {
		raise(L, fn, err)
	}
	if bss == nil {
		bss = []nl80211.BSS{}
	}
	L.Push(bindings.ToLua(L, bss))
	return 1
}

// nlStations is nl80211.stations{dev=}.
func (a *api) nlStations(L *lua.LState) int {
	const fn = "nl80211.stations"
	args := bindings.Table(L, 1, fn)
	dev := args.Ifname("dev", bindings.Required)
	args.Done()
	cl := a.client(L, fn)
	i := a.iface(L, fn, cl, dev)
	st, err := cl.nl.Stations(bindings.Context(L), i.Ifindex)
	if err != nil {
		raise(L, fn, err)
	}
	if st == nil {
		st = []nl80211.Station{}
	}
	L.Push(bindings.ToLua(L, st))
	return 1
}
