package genl

import (
	"context"
	"fmt"
	"net/netip"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/genl/wireguard"
)

// wireguardTable builds the wireguard functions of a.
func (a *api) wireguardTable(L *lua.LState) *lua.LTable {
	return bindings.SetFuncs(L, map[string]lua.LGFunction{"get": a.wgGet, "set": a.wgSet})
}

// deviceTable renders a device as `wg show` reads: keys in base64,
// endpoints as "addr:port" (absent when unknown), latest_handshake in
// seconds since the epoch (0: never), counters as numbers.
func deviceTable(L *lua.LState, d *wireguard.Device) *lua.LTable {
	t := bindings.ToLua(L, d).(*lua.LTable)
	peers := L.CreateTable(len(d.Peers), 0)
	for i := range d.Peers {
		p := &d.Peers[i]
		pt := bindings.ToLua(L, p).(*lua.LTable)
		if p.Endpoint.IsValid() {
			pt.RawSetString("endpoint", lua.LString(p.Endpoint.String()))
		} else {
			pt.RawSetString("endpoint", lua.LNil)
		}
		hs := int64(0)
		if !p.LastHandshake.IsZero() {
			hs = p.LastHandshake.Unix()
		}
		pt.RawSetString("latest_handshake", lua.LNumber(hs))
		if pt.RawGetString("allowed_ips") == lua.LNil {
			pt.RawSetString("allowed_ips", L.NewTable())
		}
		peers.Append(pt)
	}
	t.RawSetString("peers", peers)
	return t
}

// wgGet is wireguard.get{dev=}.
func (a *api) wgGet(L *lua.LState) int {
	const fn = "wireguard.get"
	args := bindings.Table(L, 1, fn)
	dev := args.Ifname("dev", bindings.Required)
	args.Done()
	d, err := a.client(L, fn).wg.Get(bindings.Context(L), dev)
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(deviceTable(L, d))
	return 1
}

// key reads an optional base64 key field.
func key(a *bindings.Args, name string) *wireguard.Key {
	s := a.String(name, bindings.Optional)
	if s == "" && !a.Has(name) {
		return nil
	}
	k, err := wireguard.ParseKey(s)
	if err != nil {
		a.Fail(name, "want a base64 key of 32 bytes (wg genkey), got %s", bindings.Describe(lua.LString(s)))
	}
	return &k
}

// peerConfig reads one entry of peers.
func peerConfig(a *bindings.Args) wireguard.PeerConfig {
	var p wireguard.PeerConfig
	pk := key(a, "public_key")
	if pk == nil {
		a.Fail("public_key", "required")
	}
	p.PublicKey = *pk
	p.Remove = a.Bool("remove", bindings.Optional)
	p.UpdateOnly = a.Bool("update_only", bindings.Optional)
	p.PresharedKey = key(a, "preshared_key")
	if s := a.String("endpoint", bindings.Optional); s != "" || a.Has("endpoint") {
		ap, err := netip.ParseAddrPort(s)
		if err != nil || ap.Port() == 0 {
			a.Fail("endpoint", "want \"1.2.3.4:51820\" or \"[2001:db8::1]:51820\", got %s", bindings.Describe(lua.LString(s)))
		}
		p.Endpoint = &ap
	}
	if a.Has("persistent_keepalive") {
		ka := a.Uint16("persistent_keepalive", bindings.Required)
		p.PersistentKeepalive = &ka
	}
	p.ReplaceAllowedIPs = a.Bool("replace_allowed_ips", bindings.Optional)
	for i, s := range a.Strings("allowed_ips", bindings.Optional) {
		pfx, err := bindings.ParsePrefix(s)
		if err != nil {
			a.Fail(fmt.Sprintf("allowed_ips[%d]", i+1), "%v", err)
		}
		p.AllowedIPs = append(p.AllowedIPs, pfx)
	}
	a.Done()
	return p
}

// wgSet is wireguard.set{dev=, private_key=, listen_port=, fwmark=,
// replace_peers=, peers={...}}.
func (a *api) wgSet(L *lua.LState) int {
	const fn = "wireguard.set"
	args := bindings.Table(L, 1, fn)
	cfg := &wireguard.Config{Ifname: args.Ifname("dev", bindings.Required)}
	cfg.PrivateKey = key(args, "private_key")
	if args.Has("listen_port") {
		p := args.Uint16("listen_port", bindings.Required)
		cfg.ListenPort = &p
	}
	if args.Has("fwmark") {
		m := args.Uint32("fwmark", bindings.Required)
		cfg.Fwmark = &m
	}
	cfg.ReplacePeers = args.Bool("replace_peers", bindings.Optional)
	for i, v := range args.List("peers", bindings.Optional) {
		if _, ok := v.(*lua.LTable); !ok {
			args.Fail(fmt.Sprintf("peers[%d]", i+1), "want a table {public_key=, ...}, got %s", bindings.Describe(v))
		}
		cfg.Peers = append(cfg.Peers, peerConfig(nestedArgs(L, fn, fmt.Sprintf("peers[%d]", i+1), v)))
	}
	args.Done()
	ctx := bindings.Context(L)
	cl := a.client(L, fn)
	var prev *wireguard.Device
	if a.journalled() {
		var err error
		if prev, err = cl.wg.Get(ctx, cfg.Ifname); err != nil {
			raise(L, fn, err)
		}
	}
	err := cl.wg.Set(ctx, cfg)
	if prev != nil && bindings.MayHaveApplied(err) {
		old := restoreConfig(prev)
		push(a.env, a.target(), "wireguard set "+cfg.Ifname, func(ctx context.Context, cl *client) error {
			return cl.wg.Set(ctx, old)
		})
	}
	if err != nil {
		raise(L, fn, err)
	}
	return 0
}

// nestedArgs returns strict Args over table v whose errors name
// "path.field" (such as "peers[2].endpoint").
func nestedArgs(L *lua.LState, fn, path string, v lua.LValue) *bindings.Args {
	wrap := L.NewTable()
	wrap.RawSetString(path, v)
	L.Push(wrap)
	outer := bindings.Table(L, L.GetTop(), fn)
	L.Pop(1)
	return outer.Table(path, bindings.Required)
}

// restoreConfig is the configuration that brings a device back to d:
// every setting, and exactly d's peers.
func restoreConfig(d *wireguard.Device) *wireguard.Config {
	zero := wireguard.Key{}
	cfg := &wireguard.Config{Ifname: d.Ifname, PrivateKey: d.PrivateKey, ReplacePeers: true}
	if cfg.PrivateKey == nil {
		cfg.PrivateKey = &zero
	}
	port, mark := d.ListenPort, d.Fwmark
	cfg.ListenPort, cfg.Fwmark = &port, &mark
	for _, p := range d.Peers {
		pc := wireguard.PeerConfig{PublicKey: p.PublicKey, PresharedKey: p.PresharedKey,
			ReplaceAllowedIPs: true, AllowedIPs: p.AllowedIPs}
		if pc.PresharedKey == nil {
			pc.PresharedKey = &zero
		}
		ka := p.PersistentKeepalive
		pc.PersistentKeepalive = &ka
		if p.Endpoint.IsValid() {
			ep := p.Endpoint
			pc.Endpoint = &ep
		}
		cfg.Peers = append(cfg.Peers, pc)
	}
	return cfg
}
