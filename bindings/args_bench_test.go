package bindings

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// BenchmarkArgsRoute reads a route.add argument table the way
// bindings/rtnl's readRoute does: every optional field asked for, then
// Done.
func BenchmarkArgsRoute(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	t := L.NewTable()
	t.RawSetString("dst", lua.LString("10.0.1.2/32"))
	t.RawSetString("dev", lua.LString("bench0"))
	L.Push(t)
	b.Run("Table", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			readRouteArgs(Table(L, 1, "rtnl.route.add"))
		}
	})
	b.Run("Read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var a Args
			a.Read(L, 1, "rtnl.route.add")
			readRouteArgs(&a)
		}
	})
}

func readRouteArgs(a *Args) {
	{
		a.Prefix("dst", Optional)
		a.Enum("family", Optional, "inet", "inet6")
		a.Addr("gateway", Optional)
		a.Addr("via", Optional)
		a.Ifname("dev", Optional)
		a.Value("table", Optional)
		a.Uint32("metric", Optional)
		a.Uint8("tos", Optional)
		a.Enum("type", Optional, "unicast", "local")
		a.String("protocol", Optional)
		a.Enum("scope", Optional, "global", "link")
		a.Addr("prefsrc", Optional)
		a.Value("from", Optional)
		a.Strings("flags", Optional)
		a.Bool("onlink", Optional)
		a.Enum("pref", Optional, "low", "medium", "high")
		a.Table("metrics", Optional)
		a.Has("mtu")
		a.List("nexthops", Optional)
		a.Known("exist_ok")
		a.Done()
	}
}
