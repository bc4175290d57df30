package rtnl

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

// fieldValues are values to give each field of a generated argument
// table: good ones, near misses and wrong types.
type fieldValues map[string][]lua.LValue

func luaList(vs ...string) *lua.LTable {
	t := &lua.LTable{}
	for _, v := range vs {
		t.Append(lua.LString(v))
	}
	return t
}

var (
	prefixValues = []lua.LValue{lua.LString("10.0.0.0/8"), lua.LString("10.1.2.3/32"), lua.LString("10.0.0.1/8"),
		lua.LString("default"), lua.LString("all"), lua.LString(""), lua.LString("2001:db8::/32"),
		lua.LString("::ffff:1.2.3.4/128"), lua.LString("::ffff:1.2.3.0/120"), lua.LString("10.0.0.0/08"),
		lua.LString(" 10.0.0.0/8"), lua.LString("10.0.0.1"), lua.LString("fe80::1%eth0/64"), lua.LString("10.0.0.0/33"),
		lua.LString("10.0.0.0/"), lua.LString("junk"), lua.LString("10.0.0.0/8/8"), lua.LNumber(5), lua.LTrue}
	addrValues = []lua.LValue{lua.LString("10.0.0.1"), lua.LString("fe80::1"), lua.LString("::ffff:10.0.0.1"),
		lua.LString("fe80::1%eth0"), lua.LString("x"), lua.LString(""), lua.LString("10.0.0.1/32"), lua.LNumber(3)}
	ifnameValues = []lua.LValue{lua.LString("bench0"), lua.LString("eth0"), lua.LString(""), lua.LString("a/b"),
		lua.LString("."), lua.LString("waytoolonginterfacename0"), lua.LNumber(7)}
	u32Values = []lua.LValue{lua.LNumber(0), lua.LNumber(100), lua.LNumber(-1), lua.LNumber(1 << 32),
		lua.LNumber(1<<32 - 1), lua.LNumber(1.5), lua.LNumber(math.NaN()), lua.LNumber(math.Inf(1)), lua.LString("7")}
	boolValues = []lua.LValue{lua.LTrue, lua.LFalse, lua.LString("yes"), lua.LNumber(1)}
)

var routeFieldValues = fieldValues{
	"dst":     prefixValues,
	"from":    prefixValues,
	"family":  {lua.LString("inet"), lua.LString("inet6"), lua.LString("inet4"), lua.LString(""), lua.LNumber(1)},
	"gateway": addrValues,
	"via":     addrValues,
	"prefsrc": addrValues,
	"dev":     ifnameValues,
	"table": {lua.LNumber(100), lua.LString("main"), lua.LString(""), lua.LNumber(0), lua.LNumber(1.5),
		lua.LNumber(1 << 32), lua.LNumber(1<<32 - 1), lua.LNumber(-1), lua.LTrue},
	"metric":   u32Values,
	"tos":      {lua.LNumber(0), lua.LNumber(255), lua.LNumber(256), lua.LNumber(-1), lua.LString("x")},
	"type":     {lua.LString("unicast"), lua.LString("blackhole"), lua.LString("unicst"), lua.LString(""), lua.LNumber(1)},
	"protocol": {lua.LString("static"), lua.LString(""), lua.LNumber(5)},
	"scope":    {lua.LString("link"), lua.LString("lnk"), lua.LString("")},
	"onlink":   boolValues,
	"pref":     {lua.LString("low"), lua.LString("lw"), lua.LNumber(1)},
	"exist_ok": boolValues,
	"mtu":      {lua.LNumber(1500), lua.LNumber(10)},
	"flags":    {luaList("onlink"), luaList("bogus"), lua.LString("onlink")},
	"metrics":  {func() lua.LValue { t := &lua.LTable{}; t.RawSetString("mtu", lua.LNumber(1400)); return t }()},
	"dstt":     {lua.LString("10.0.0.0/8")},
	"gw":       {lua.LString("10.0.0.1")},
}

var addrFieldValues = fieldValues{
	"dev": ifnameValues,
	"address": {lua.LString("10.0.0.2/24"), lua.LString("10.0.0.2"), lua.LString("fe80::1/64"),
		lua.LString("::ffff:1.2.3.4/96"), lua.LString("10.0.0.2/33"), lua.LString("10.0.0.2/024"), lua.LString(""),
		lua.LString(" 10.0.0.2/24"), lua.LString("fe80::1%eth0/64"), lua.LNumber(5)},
	"peer":                {lua.LString("10.0.0.1/24"), lua.LString("fe80::2/64")},
	"broadcast":           {lua.LString("+"), lua.LString("10.0.0.255"), lua.LString("x")},
	"label":               {lua.LString("eth0:1"), lua.LString(""), lua.LNumber(1)},
	"scope":               {lua.LString("link"), lua.LString("host"), lua.LString("nowhere"), lua.LString("")},
	"valid_life_time":     u32Values,
	"preferred_life_time": u32Values,
	"metric":              u32Values,
	"flags":               {luaList("nodad"), luaList()},
	"exist_ok":            boolValues,
	"adress":              {lua.LString("10.0.0.2/24")},
}

// genTables makes n argument tables of fields from fv, each value one
// of the field's; some with more fields than the fast readers take, a
// non-string key or a nil.
func genTables(rng *rand.Rand, fv fieldValues, must []string, n int) []*lua.LTable {
	names := make([]string, 0, len(fv))
	for k := range fv {
		names = append(names, k)
	}
	// A fixed order, so that a seed gives the same tables.
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if names[j] < names[i] {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	out := make([]*lua.LTable, 0, n)
	for range n {
		t := &lua.LTable{}
		for _, k := range must {
			if rng.IntN(10) > 0 {
				vs := fv[k]
				v := vs[0]
				if rng.IntN(3) == 0 {
					v = vs[rng.IntN(len(vs))]
				}
				t.RawSetString(k, v)
			}
		}
		for range rng.IntN(5) {
			k := names[rng.IntN(len(names))]
			vs := fv[k]
			v := vs[0]
			if rng.IntN(2) == 0 {
				v = vs[rng.IntN(len(vs))]
			}
			t.RawSetString(k, v)
		}
		switch rng.IntN(40) {
		case 0:
			t.RawSetInt(1, lua.LString("x"))
		case 1:
			for _, k := range names[:9] {
				t.RawSetString(k, fv[k][0])
			}
		case 2:
			t.RawSetString("dev", lua.LNil)
		}
		out = append(out, t)
	}
	return out
}

// readOutcome is what reading one argument table gives: the object read
// and exist_ok, or the error raised.
type readOutcome struct {
	obj     any
	existOK bool
	err     string
}

// readWith reads t as fn would, through read, with the fast readers on
// or off.
func readWith(L *lua.LState, fast bool, fn string, t *lua.LTable, existOK bool, read func(*bindings.Args, bool) any) readOutcome {
	var out readOutcome
	f := L.NewFunction(func(L *lua.LState) int {
		var args bindings.Args
		args.Read(L, 1, fn)
		out.obj = read(&args, fast)
		if existOK {
			out.existOK = args.Bool("exist_ok", bindings.Optional)
		}
		args.Done()
		return 0
	})
	if err := L.CallByParam(lua.P{Fn: f, Protect: true}, t); err != nil {
		out = readOutcome{err: err.Error()}
	}
	return out
}

// The readers that dispatch on the fields present (readRouteFast,
// readAddrFast) give what reading every field with getters gives, the
// same route or address and exist_ok, or the same error text, for
// tables of good values, near misses, wrong types and unknown fields.
func TestFastArgsSameAsGetters(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	rng := rand.New(rand.NewPCG(9, 1))
	type reader struct {
		name    string
		fv      fieldValues
		must    []string
		forDel  bool
		existOK bool
	}
	var fast, total int
	for _, rd := range []reader{
		{"rtnl.route.add", routeFieldValues, []string{"dst", "dev"}, false, true},
		{"rtnl.route.replace", routeFieldValues, []string{"dst", "gateway"}, false, false},
		{"rtnl.route.del", routeFieldValues, []string{"dst"}, true, false},
		{"rtnl.addr.add", addrFieldValues, []string{"dev", "address"}, false, true},
		{"rtnl.addr.replace", addrFieldValues, []string{"dev", "address"}, false, false},
		{"rtnl.addr.del", addrFieldValues, []string{"dev", "address"}, true, false},
	} {
		read := func(args *bindings.Args, fast bool) any {
			if rd.fv["address"] != nil {
				var x rtnl.Address
				readAddrUsing(args, rd.forDel, rd.existOK, fast, &x)
				return x
			}
			var r rtnl.Route
			readRouteUsing(args, rd.forDel, rd.existOK, fast, &r)
			return r
		}
		for _, tab := range genTables(rng, rd.fv, rd.must, 4000) {
			got := readWith(L, true, rd.name, tab, rd.existOK, read)
			want := readWith(L, false, rd.name, tab, rd.existOK, read)
			total++
			if got.err == "" {
				fast++
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s%s:\nfast    %+v\ngetters %+v", rd.name, luaTableString(tab), got, want)
			}
		}
	}
	// The tables exercise both: many read, many refused.
	if fast < total/5 || fast > total*4/5 {
		t.Errorf("%d of %d tables read without error: the generator is off", fast, total)
	}
}

// The fast readers take the common tables of a bulk call (TestFast
// ArgsSameAsGetters checks what they give): a route add or address add
// with the fields W1 and W4 give reads only the fields present.
func TestFastArgsTaken(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	for _, c := range []struct {
		fields map[string]lua.LValue
		addr   bool
	}{
		{fields: map[string]lua.LValue{"dst": lua.LString("10.0.0.1/32"), "dev": lua.LString("bench0")}},
		{fields: map[string]lua.LValue{"dst": lua.LString("default"), "gateway": lua.LString("10.0.0.1"), "table": lua.LNumber(100), "metric": lua.LNumber(5)}},
		{fields: map[string]lua.LValue{"dst": lua.LString("2001:db8::/64"), "via": lua.LString("fe80::1"), "dev": lua.LString("eth0"), "exist_ok": lua.LTrue}},
		{fields: map[string]lua.LValue{"dev": lua.LString("bench0"), "address": lua.LString("172.16.0.1/32")}, addr: true},
		{fields: map[string]lua.LValue{"dev": lua.LString("bench0"), "address": lua.LString("fe80::1/64"), "scope": lua.LString("link"), "exist_ok": lua.LFalse}, addr: true},
	} {
		tab := &lua.LTable{}
		for k, v := range c.fields {
			tab.RawSetString(k, v)
		}
		L.Push(tab)
		var args bindings.Args
		args.Read(L, L.GetTop(), "test")
		var ok bool
		if c.addr {
			ok = readAddrFast(&args, false, true, &rtnl.Address{})
		} else {
			ok = readRouteFast(&args, false, true, &rtnl.Route{})
		}
		L.Pop(1)
		if !ok {
			t.Errorf("%s: not taken by the fast reader", luaTableString(tab))
		}
	}
}

func luaTableString(t *lua.LTable) string {
	s := "{"
	t.ForEach(func(k, v lua.LValue) {
		s += fmt.Sprintf("%s=%s, ", bindings.Describe(k), bindings.Describe(v))
	})
	return s + "}"
}

// BenchmarkReadRoute reads W1's argument table ({dst=, dev=}) as a
// queued rtnl.route.add does, by the fields present and with getters.
func BenchmarkReadRoute(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	tab := L.NewTable()
	tab.RawSetString("dst", lua.LString("10.0.1.2/32"))
	tab.RawSetString("dev", lua.LString("bench0"))
	L.Push(tab)
	for _, fast := range []bool{true, false} {
		b.Run(map[bool]string{true: "fields", false: "getters"}[fast], func(b *testing.B) {
			b.ReportAllocs()
			var r rtnl.Route
			for b.Loop() {
				var args bindings.Args
				args.Read(L, 1, "rtnl.route.add")
				r = rtnl.Route{}
				readRouteUsing(&args, false, true, fast, &r)
				args.Bool("exist_ok", bindings.Optional)
				args.Done()
			}
		})
	}
}
