package cni

import (
	"fmt"
	"net"
	"sort"

	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// resultTable is r as the Lua table scripts see as cni.prev_result.
func resultTable(L *lua.LState, r *types100.Result) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("cniVersion", lua.LString(r.CNIVersion))
	ifaces := L.NewTable()
	for _, i := range r.Interfaces {
		it := L.NewTable()
		setStr(it, "name", i.Name)
		setStr(it, "mac", i.Mac)
		setStr(it, "sandbox", i.Sandbox)
		setStr(it, "socket_path", i.SocketPath)
		setStr(it, "pci_id", i.PciID)
		if i.Mtu != 0 {
			it.RawSetString("mtu", lua.LNumber(i.Mtu))
		}
		ifaces.Append(it)
	}
	t.RawSetString("interfaces", ifaces)
	ips := L.NewTable()
	for _, ip := range r.IPs {
		it := L.NewTable()
		it.RawSetString("address", lua.LString(ip.Address.String()))
		if ip.Gateway != nil {
			it.RawSetString("gateway", lua.LString(ip.Gateway.String()))
		}
		if ip.Interface != nil {
			it.RawSetString("interface", lua.LNumber(*ip.Interface+1))
		}
		ips.Append(it)
	}
	t.RawSetString("ips", ips)
	routes := L.NewTable()
	for _, rt := range r.Routes {
		it := L.NewTable()
		it.RawSetString("dst", lua.LString(rt.Dst.String()))
		if rt.GW != nil {
			it.RawSetString("gw", lua.LString(rt.GW.String()))
		}
		setInt(it, "mtu", rt.MTU)
		setInt(it, "advmss", rt.AdvMSS)
		setInt(it, "priority", rt.Priority)
		if rt.Table != nil {
			it.RawSetString("table", lua.LNumber(*rt.Table))
		}
		if rt.Scope != nil {
			it.RawSetString("scope", lua.LNumber(*rt.Scope))
		}
		routes.Append(it)
	}
	t.RawSetString("routes", routes)
	dns := L.NewTable()
	setStrs(L, dns, "nameservers", r.DNS.Nameservers)
	setStr(dns, "domain", r.DNS.Domain)
	setStrs(L, dns, "search", r.DNS.Search)
	setStrs(L, dns, "options", r.DNS.Options)
	t.RawSetString("dns", dns)
	return t
}

func setStr(t *lua.LTable, k, v string) {
	if v != "" {
		t.RawSetString(k, lua.LString(v))
	}
}

func setInt(t *lua.LTable, k string, v int) {
	if v != 0 {
		t.RawSetString(k, lua.LNumber(v))
	}
}

func setStrs(L *lua.LState, t *lua.LTable, k string, vs []string) {
	if len(vs) == 0 {
		return
	}
	l := L.NewTable()
	for _, v := range vs {
		l.Append(lua.LString(v))
	}
	t.RawSetString(k, l)
}

// fieldReader reads a script's table strictly: unknown keys and wrong
// types are errors naming the field, such as "result.ips[1].address".
type fieldReader struct {
	path string
	t    *lua.LTable
	used map[string]bool
	err  error
}

func newReader(path string, v lua.LValue) (*fieldReader, error) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("%s: want a table, got %s", path, v.Type())
	}
	bindings.Materialize(t)
	return &fieldReader{path: path, t: t, used: map[string]bool{}}, nil
}

func (r *fieldReader) fail(key, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s.%s: %s", r.path, key, fmt.Sprintf(format, args...))
	}
}

func (r *fieldReader) get(key string) lua.LValue {
	r.used[key] = true
	return r.t.RawGetString(key)
}

func (r *fieldReader) str(key string) string {
	switch v := r.get(key).(type) {
	case *lua.LNilType:
		return ""
	case lua.LString:
		return string(v)
	default:
		r.fail(key, "want a string, got %s", v.Type())
	}
	return ""
}

func (r *fieldReader) int(key string) (int, bool) {
	switch v := r.get(key).(type) {
	case *lua.LNilType:
		return 0, false
	case lua.LNumber:
		if float64(v) != float64(int(v)) {
			r.fail(key, "want an integer, got %v", v)
		}
		return int(v), true
	default:
		r.fail(key, "want a number, got %s", v.Type())
	}
	return 0, false
}

func (r *fieldReader) strs(key string) []string {
	var out []string
	r.list(key, func(path string, v lua.LValue) {
		s, ok := v.(lua.LString)
		if !ok {
			r.fail(key, "%s: want a string, got %s", path, v.Type())
			return
		}
		out = append(out, string(s))
	})
	return out
}

// list calls fn for each element of the list at key.
func (r *fieldReader) list(key string, fn func(path string, v lua.LValue)) {
	v := r.get(key)
	if v == lua.LNil {
		return
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		r.fail(key, "want a list, got %s", v.Type())
		return
	}
	bindings.Materialize(t)
	n := t.Len()
	count := 0
	t.ForEach(func(lua.LValue, lua.LValue) { count++ })
	if count != n {
		r.fail(key, "want a list (keys 1..n)")
		return
	}
	for i := 1; i <= n && r.err == nil; i++ {
		fn(fmt.Sprintf("%s.%s[%d]", r.path, key, i), t.RawGetInt(i))
	}
}

// done reports the first error, or an unknown key.
func (r *fieldReader) done() error {
	if r.err != nil {
		return r.err
	}
	var unknown []string
	r.t.ForEach(func(k, _ lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok || !r.used[string(ks)] {
			unknown = append(unknown, lua.LVAsString(k))
		}
	})
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("%s: unknown field %q", r.path, unknown[0])
	}
	return nil
}

// ParseResult reads the result table a script returned.
func ParseResult(v lua.LValue, cniVersion string) (*types100.Result, error) {
	r, err := newReader("result", v)
	if err != nil {
		return nil, err
	}
	res := &types100.Result{CNIVersion: cniVersion}
	r.get("cniVersion") // prev_result passed back carries it
	r.list("interfaces", func(path string, v lua.LValue) {
		i, err := parseInterface(path, v)
		if err != nil {
			r.err = err
			return
		}
		res.Interfaces = append(res.Interfaces, i)
	})
	r.list("ips", func(path string, v lua.LValue) {
		ip, err := parseIP(path, v, res.Interfaces)
		if err != nil {
			r.err = err
			return
		}
		res.IPs = append(res.IPs, ip)
	})
	r.list("routes", func(path string, v lua.LValue) {
		rt, err := parseRoute(path, v)
		if err != nil {
			r.err = err
			return
		}
		res.Routes = append(res.Routes, rt)
	})
	if d := r.get("dns"); d != lua.LNil {
		dns, err := parseDNS(d)
		if err != nil {
			return nil, err
		}
		res.DNS = dns
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return res, nil
}

func parseInterface(path string, v lua.LValue) (*types100.Interface, error) {
	r, err := newReader(path, v)
	if err != nil {
		return nil, err
	}
	i := &types100.Interface{Name: r.str("name"), Mac: r.str("mac"), Sandbox: r.str("sandbox"),
		SocketPath: r.str("socket_path"), PciID: r.str("pci_id")}
	i.Mtu, _ = r.int("mtu")
	if i.Name == "" && r.err == nil {
		r.fail("name", "required")
	}
	if i.Mac != "" {
		if _, err := net.ParseMAC(i.Mac); err != nil {
			r.fail("mac", "%q is not a MAC address", i.Mac)
		}
	}
	return i, r.done()
}

func parseIP(path string, v lua.LValue, ifaces []*types100.Interface) (*types100.IPConfig, error) {
	r, err := newReader(path, v)
	if err != nil {
		return nil, err
	}
	ipc := &types100.IPConfig{}
	addr := r.str("address")
	ip, ipnet, err := net.ParseCIDR(addr)
	if err != nil && r.err == nil {
		r.fail("address", "%q: want an address with its prefix length, such as 10.0.0.2/24", addr)
	} else if err == nil {
		ipc.Address = net.IPNet{IP: ip, Mask: ipnet.Mask}
	}
	if gw := r.str("gateway"); gw != "" {
		if ipc.Gateway = net.ParseIP(gw); ipc.Gateway == nil {
			r.fail("gateway", "%q is not an IP address", gw)
		}
	}
	switch x := r.get("interface").(type) {
	case *lua.LNilType:
	case lua.LNumber:
		n := int(x)
		if float64(x) != float64(n) || n < 1 || n > len(ifaces) {
			r.fail("interface", "%v: want a position in interfaces, 1 to %d", x, len(ifaces))
		} else {
			ipc.Interface = types100.Int(n - 1)
		}
	case lua.LString:
		found := false
		for i, ifc := range ifaces {
			if ifc.Name == string(x) {
				ipc.Interface, found = types100.Int(i), true
				break
			}
		}
		if !found {
			r.fail("interface", "%q is not the name of an interface in the result", string(x))
		}
	default:
		r.fail("interface", "want a name or a position in interfaces, got %s", x.Type())
	}
	return ipc, r.done()
}

func parseRoute(path string, v lua.LValue) (*types.Route, error) {
	r, err := newReader(path, v)
	if err != nil {
		return nil, err
	}
	rt := &types.Route{}
	dst := r.str("dst")
	if dst == "default" {
		dst = "0.0.0.0/0"
	}
	if _, n, err := net.ParseCIDR(dst); err != nil {
		if r.err == nil {
			r.fail("dst", "%q: want a prefix such as 0.0.0.0/0", dst)
		}
	} else {
		rt.Dst = *n
	}
	if gw := r.str("gw"); gw != "" {
		if rt.GW = net.ParseIP(gw); rt.GW == nil {
			r.fail("gw", "%q is not an IP address", gw)
		}
	}
	rt.MTU, _ = r.int("mtu")
	rt.AdvMSS, _ = r.int("advmss")
	rt.Priority, _ = r.int("priority")
	if n, ok := r.int("table"); ok {
		rt.Table = &n
	}
	if n, ok := r.int("scope"); ok {
		rt.Scope = &n
	}
	return rt, r.done()
}

func parseDNS(v lua.LValue) (types.DNS, error) {
	r, err := newReader("result.dns", v)
	if err != nil {
		return types.DNS{}, err
	}
	d := types.DNS{Nameservers: r.strs("nameservers"), Domain: r.str("domain"),
		Search: r.strs("search"), Options: r.strs("options")}
	return d, r.done()
}
