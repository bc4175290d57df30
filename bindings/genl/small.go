package genl

import (
	"net/netip"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// netdevList is genl.netdev.list(): XDP capabilities of every device.
func (a *api) netdevList(L *lua.LState) int {
	const fn = "genl.netdev.list"
	bindings.OptTable(L, 1, fn).Done()
	devs, err := a.client(L, fn).nd.Devices(bindings.Context(L))
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(bindings.ToLua(L, devs))
	return 1
}

// netdevGet is genl.netdev.get{ifindex=}.
func (a *api) netdevGet(L *lua.LState) int {
	const fn = "genl.netdev.get"
	args := bindings.Table(L, 1, fn)
	idx := args.Int("ifindex", bindings.Required, 1, 1<<31-1)
	args.Done()
	d, err := a.client(L, fn).nd.Device(bindings.Context(L), uint32(idx))
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(bindings.ToLua(L, d))
	return 1
}

// tcpMetricsList is genl.tcp_metrics.list() (`ip tcp_metrics show`).
func (a *api) tcpMetricsList(L *lua.LState) int {
	const fn = "genl.tcp_metrics.list"
	bindings.OptTable(L, 1, fn).Done()
	es, err := a.client(L, fn).tm.List(bindings.Context(L))
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(bindings.ToLua(L, es))
	return 1
}

func dstSrc(L *lua.LState, fn string) (dst, src netip.Addr) {
	args := bindings.Table(L, 1, fn)
	dst = args.Addr("dst", bindings.Required)
	src = args.Addr("src", bindings.Optional)
	args.Done()
	return dst, src
}

// tcpMetricsGet is genl.tcp_metrics.get{dst=, src=}.
func (a *api) tcpMetricsGet(L *lua.LState) int {
	const fn = "genl.tcp_metrics.get"
	dst, src := dstSrc(L, fn)
	e, err := a.client(L, fn).tm.Get(bindings.Context(L), dst, src)
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(bindings.ToLua(L, e))
	return 1
}

// tcpMetricsDel is genl.tcp_metrics.del{dst=, src=}: forget the cached
// metrics of a destination (not journalled: the kernel relearns them).
func (a *api) tcpMetricsDel(L *lua.LState) int {
	const fn = "genl.tcp_metrics.del"
	dst, src := dstSrc(L, fn)
	if err := a.client(L, fn).tm.Delete(bindings.Context(L), dst, src); err != nil {
		raise(L, fn, err)
	}
	return 0
}
