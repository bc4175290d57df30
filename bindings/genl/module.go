package genl

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/core/netns"
)

// Module names, as scripts require them.
const (
	Name          = "genl"
	EthtoolName   = "ethtool"
	WireguardName = "wireguard"
	NL80211Name   = "nl80211"
)

// handleMeta names the metatable of handles from genl.open.
const handleMeta = "genl.Handle"

// Module returns the genl module: families, family, policy, request,
// events, open, and the netdev and tcp_metrics tables.
func Module() bindings.Module {
	return bindings.Module{Name: Name, Doc: genlDoc, Open: func(L *lua.LState, env *bindings.Env) lua.LValue {
		a := &api{env: env}
		t := a.genlTable(L)
		t.RawSetString("open", L.NewFunction(a.open))
		return t
	}}
}

// EthtoolModule returns the ethtool module.
func EthtoolModule() bindings.Module {
	return bindings.Module{Name: EthtoolName, Doc: ethtoolDoc, Open: func(L *lua.LState, env *bindings.Env) lua.LValue {
		return (&api{env: env}).ethtoolTable(L)
	}}
}

// WireguardModule returns the wireguard module.
func WireguardModule() bindings.Module {
	return bindings.Module{Name: WireguardName, Doc: wireguardDoc, Open: func(L *lua.LState, env *bindings.Env) lua.LValue {
		return (&api{env: env}).wireguardTable(L)
	}}
}

// NL80211Module returns the nl80211 module.
func NL80211Module() bindings.Module {
	return bindings.Module{Name: NL80211Name, Doc: nl80211Doc, Open: func(L *lua.LState, env *bindings.Env) lua.LValue {
		return (&api{env: env}).nl80211Table(L)
	}}
}

// api is one set of functions: the modules' (following the runtime's
// current namespace) or a handle's (bound to one namespace).
type api struct {
	env   *bindings.Env
	fixed *netns.Target // nil: env.Netns()
}

// target is where calls made through a go now.
func (a *api) target() netns.Target {
	if a.fixed != nil {
		return *a.fixed
	}
	return a.env.Netns()
}

// client returns the client of the namespace a's calls go to now,
// raising when it cannot be opened.
func (a *api) client(L *lua.LState, fn string) *client {
	cl, err := connsOf(a.env).client(bindings.Context(L), a.target())
	if err != nil {
		raise(L, fn, err)
	}
	return cl
}

// genlTable builds the genl functions of a.
func (a *api) genlTable(L *lua.LState) *lua.LTable {
	t := bindings.SetFuncs(L, map[string]lua.LGFunction{
		"families": a.families, "family": a.family, "policy": a.policy,
		"request": a.request, "events": a.events,
	})
	t.RawSetString("netdev", bindings.SetFuncs(L, map[string]lua.LGFunction{
		"list": a.netdevList, "get": a.netdevGet,
	}))
	t.RawSetString("tcp_metrics", bindings.SetFuncs(L, map[string]lua.LGFunction{
		"list": a.tcpMetricsList, "get": a.tcpMetricsGet, "del": a.tcpMetricsDel,
	}))
	return t
}

// open is genl.open{netns=}: a handle whose genl functions and ethtool,
// wireguard and nl80211 tables all go to one namespace.
func (a *api) open(L *lua.LState) int {
	return nsbind.OpenHandle(L, a.env, "genl", handleMeta, func(L *lua.LState, tg netns.Target) (any, *lua.LTable) {
		h := &api{env: a.env, fixed: &tg}
		idx := h.genlTable(L)
		idx.RawSetString("ethtool", h.ethtoolTable(L))
		idx.RawSetString("wireguard", h.wireguardTable(L))
		idx.RawSetString("nl80211", h.nl80211Table(L))
		return h, idx
	})
}
