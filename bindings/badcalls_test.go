package bindings_test

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/bindings/bindingtest"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/runtime"
)

// probeModule exercises every Args getter the way a family binding does.
func probeModule() bindings.Module {
	return bindings.Module{Name: "probe", Open: func(L *lua.LState, env *bindings.Env) lua.LValue {
		link := bindings.SetFuncs(L, map[string]lua.LGFunction{
			"add": func(L *lua.LState) int {
				a := bindings.Table(L, 1, "probe.link.add")
				a.Ifname("ifname", bindings.Required)
				a.Enum("kind", bindings.Optional, "veth", "bridge", "vlan", "dummy")
				a.Int("mtu", bindings.Optional, 68, 65535)
				a.Uint16("vlan_id", bindings.Optional)
				a.Bool("up", bindings.Optional)
				a.MAC("address", bindings.Optional)
				a.Prefix("prefix", bindings.Optional)
				a.Addr("gateway", bindings.Optional)
				a.Strings("flags", bindings.Optional)
				nsbind.Field(a, "netns")
				if p := a.Table("peer", bindings.Optional); p != nil {
					p.Ifname("ifname", bindings.Required)
					p.Done()
				}
				a.Done()
				return 0
			},
		})
		t := L.NewTable()
		t.RawSetString("link", link)
		return t
	}}
}

// frameworkBadCalls are the bad calls of the toolkit, netns and cidr; the
// rtnl binding adds its own table.
var frameworkBadCalls = []bindingtest.BadCall{
	{Name: "unknown field", Code: `probe.link.add{ifname = "x", mtuu = 1500}`, Want: []string{"probe.link.add", `unknown field "mtuu"`, `did you mean "mtu"`}},
	{Name: "unknown far field", Code: `probe.link.add{ifname = "x", zzzzzz = 1}`, Want: []string{`unknown field "zzzzzz"`, "fields:"}},
	{Name: "missing required", Code: `probe.link.add{mtu = 1500}`, Want: []string{`field "ifname": required`}},
	{Name: "not a table", Code: `probe.link.add("eth0")`, Want: []string{"probe.link.add", "want a table"}},
	{Name: "no argument", Code: `probe.link.add()`, Want: []string{"want a table", "got nil"}},
	{Name: "wrong type string", Code: `probe.link.add{ifname = 5}`, Want: []string{`field "ifname"`, "want a string, got 5"}},
	{Name: "wrong type int", Code: `probe.link.add{ifname = "x", mtu = "1500"}`, Want: []string{`field "mtu"`, `want an integer, got "1500"`}},
	{Name: "fractional int", Code: `probe.link.add{ifname = "x", mtu = 1.5}`, Want: []string{`field "mtu"`, "want an integer, got 1.5"}},
	{Name: "huge int", Code: `probe.link.add{ifname = "x", mtu = 2^60}`, Want: []string{`field "mtu"`, "out of range"}},
	{Name: "int below range", Code: `probe.link.add{ifname = "x", mtu = 10}`, Want: []string{`field "mtu"`, "out of range [68, 65535]"}},
	{Name: "nan int", Code: `probe.link.add{ifname = "x", mtu = 0/0}`, Want: []string{`field "mtu"`, "want an integer"}},
	{Name: "u16 overflow", Code: `probe.link.add{ifname = "x", vlan_id = 70000}`, Want: []string{`field "vlan_id"`, "out of range"}},
	{Name: "wrong type bool", Code: `probe.link.add{ifname = "x", up = "yes"}`, Want: []string{`field "up"`, "want true or false"}},
	{Name: "ifname 16 chars", Code: `probe.link.add{ifname = "abcdefghijklmnop"}`, Want: []string{`field "ifname"`, "longer than 15 bytes"}},
	{Name: "ifname slash", Code: `probe.link.add{ifname = "a/b"}`, Want: []string{`field "ifname"`, "'/'"}},
	{Name: "ifname empty", Code: `probe.link.add{ifname = ""}`, Want: []string{`field "ifname"`, "empty"}},
	{Name: "bad enum", Code: `probe.link.add{ifname = "x", kind = "vethh"}`, Want: []string{`field "kind"`, `"vethh" is not one of`, `did you mean "veth"`}},
	{Name: "bad MAC", Code: `probe.link.add{ifname = "x", address = "02:00:zz:00:00:01"}`, Want: []string{`field "address"`, "not a MAC address"}},
	{Name: "prefix 33", Code: `probe.link.add{ifname = "x", prefix = "10.0.0.2/33"}`, Want: []string{`field "prefix"`, "bad prefix length", "0 to 32"}},
	{Name: "prefix 129", Code: `probe.link.add{ifname = "x", prefix = "2001:db8::1/129"}`, Want: []string{`field "prefix"`, "0 to 128"}},
	{Name: "bad CIDR", Code: `probe.link.add{ifname = "x", prefix = "10.0.0.300/24"}`, Want: []string{`field "prefix"`, `"10.0.0.300" is not an IP address`}},
	{Name: "prefix without length", Code: `probe.link.add{ifname = "x", prefix = "10.0.0.2"}`, Want: []string{`field "prefix"`, "want an address with prefix"}},
	{Name: "bad gateway", Code: `probe.link.add{ifname = "x", gateway = "10.0.0"}`, Want: []string{`field "gateway"`, "not an IP address"}},
	{Name: "list of non-strings", Code: `probe.link.add{ifname = "x", flags = {"UP", 3}}`, Want: []string{`field "flags[2]"`, "want a string"}},
	{Name: "list with holes", Code: `probe.link.add{ifname = "x", flags = {"UP", x = 1}}`, Want: []string{`field "flags"`, "want a list"}},
	{Name: "nested unknown", Code: `probe.link.add{ifname = "x", peer = {ifname = "y", mtu = 1}}`, Want: []string{`unknown field "peer.mtu"`}},
	{Name: "nested missing", Code: `probe.link.add{ifname = "x", peer = {}}`, Want: []string{`field "peer.ifname": required`}},
	{Name: "bad netns field", Code: `probe.link.add{ifname = "x", netns = 42}`, Want: []string{`field "netns"`, "want a netns target"}},
	{Name: "netns string junk", Code: `probe.link.add{ifname = "x", netns = "bogus:1"}`, Want: []string{`field "netns"`, `unknown kind "bogus"`}},
	{Name: "netns.pid fraction", Code: `netns.pid(1.5)`, Want: []string{"netns.pid", "want an integer, got 1.5"}},
	{Name: "netns.pid zero", Code: `netns.pid(0)`, Want: []string{"netns.pid", "out of range"}},
	{Name: "netns.named slash", Code: `netns.named("a/b")`, Want: []string{"netns.named", "invalid network namespace"}},
	{Name: "netns.named number", Code: `netns.named(5)`, Want: []string{"netns.named", "want a string, got 5"}},
	{Name: "netns.run not fn", Code: `netns.run(netns.host(), 5)`, Want: []string{"netns.run", "argument #2", "want a function"}},
	{Name: "netns.run bad target", Code: `netns.run({}, function() end)`, Want: []string{"netns.run", "argument #1", "want a netns target"}},
	{Name: "netns.del missing", Code: `netns.del("nlsh-does-not-exist-" .. os.time())`, Want: []string{"netns del", "no such file"}},
	{Name: "cidr bad prefix", Code: `cidr.host("10.0.0.0/33", 1)`, Want: []string{"cidr.host", "bad prefix length"}},
	{Name: "cidr host outside", Code: `cidr.host("10.0.0.0/30", 9)`, Want: []string{"cidr.host", "outside 10.0.0.0/30"}},
	{Name: "syntax error", Code: "local x = \nx = = 2", Want: []string{"bad.lua:2:", "syntax error"}},
	{Name: "runtime error", Code: "local t = nil\nreturn t.x", Want: []string{"bad.lua:2:", "attempt to index"}},
}

func TestBadCalls(t *testing.T) {
	mods := append(runtime.StandardModules(), probeModule())
	bindingtest.RunBadCalls(t, runtime.Options{Modules: mods}, frameworkBadCalls)
}
