package bindings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/families/rtnl"
)

// zeroer is an integer whose IsZero is not "== 0": omitzero asks it.
type zeroer int16

func (z zeroer) IsZero() bool { return z == 7 }

type jsonInner struct {
	S  string `json:"s,omitzero"`
	U8 uint8  `json:"u8"`
}

// jsonShapes has a field of every kind a JSON plan writes itself, under
// each omission, beside ones it leaves to the Lua path.
type jsonShapes struct {
	jsonInner
	Str    string            `json:"str"`
	StrE   string            `json:"str_e,omitempty"`
	StrZ   string            `json:"str_z,omitzero"`
	I8     int8              `json:"i8"`
	I16    int16             `json:"i16,omitempty"`
	I32    int32             `json:"i32,omitzero"`
	I64    int64             `json:"i64"`
	Int    int               `json:"int,omitempty"`
	U16    uint16            `json:"u16"`
	U32    uint32            `json:"u32,omitempty"`
	U64    uint64            `json:"u64"`
	Uptr   uintptr           `json:"uptr,omitzero"`
	B      bool              `json:"b"`
	BE     bool              `json:"b_e,omitempty"`
	Addr   netip.Addr        `json:"addr"`
	AddrE  netip.Addr        `json:"addr_e,omitempty"`
	AddrZ  netip.Addr        `json:"addr_z,omitzero"`
	Pfx    netip.Prefix      `json:"pfx"`
	PfxE   netip.Prefix      `json:"pfx_e,omitempty"`
	PfxZ   netip.Prefix      `json:"pfx_z,omitzero"`
	Z      zeroer            `json:"z,omitzero"`
	F      float64           `json:"f,omitempty"`
	List   []string          `json:"list"`
	ListS  []string          `json:"list_s,omitempty"`
	ListZ  []string          `json:"list_z,omitzero"`
	ListE  []uint64          `json:"list_e,omitempty"`
	Map    map[string]uint32 `json:"map,omitempty"`
	Ptr    *jsonInner        `json:"ptr"`
	Any    any               `json:"any"`
	Bytes  []byte            `json:"bytes"`
	Esc    string            `json:"esc<&>\""`
	Dup    string            `json:"s"` // after the embedded one: it wins
	Text   textErr           `json:"text"`
	Hidden int               `json:"-"`
}

// jsonStrings are strings a plan must write as encoding/json does.
var jsonStrings = []string{"", "eth0", "main", `a"b`, `back\slash`, "<&>", "é", "\x01", "\xff", "tab\there", "\u2028"}

// fillRandom sets v (settable) to a random value, zero a quarter of the
// time; pointers, slices and maps nest a few levels at most.
func fillRandom(rng *rand.Rand, v reflect.Value, depth int) {
	if rng.IntN(4) == 0 {
		return
	}
	switch v.Type() {
	case addrType:
		v.Set(reflect.ValueOf(randomAddr(rng)))
		return
	case prefixType:
		v.Set(reflect.ValueOf(randomPrefix(rng)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(jsonStrings[rng.IntN(len(jsonStrings))])
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		ns := []int64{0, 1, -1, 7, 255, 256, -300, 1 << 53, 1<<53 + 1, -(1 << 53), -(1<<53 + 1), math.MaxInt64, math.MinInt64, rng.Int64()}
		v.SetInt(ns[rng.IntN(len(ns))]) // truncated to the kind's size
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		ns := []uint64{0, 1, 255, 65535, 1 << 32, 1 << 53, 1<<53 + 1, math.MaxUint64, rng.Uint64()}
		v.SetUint(ns[rng.IntN(len(ns))])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Float32, reflect.Float64:
		fs := []float64{0, 1.5, -2, 1e30, 1 << 60}
		v.SetFloat(fs[rng.IntN(len(fs))])
	case reflect.Slice:
		n := rng.IntN(3)
		if depth > 2 {
			n = 0
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fillRandom(rng, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fillRandom(rng, v.Index(i), depth+1)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range rng.IntN(3) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fillRandom(rng, k, depth+1)
			fillRandom(rng, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		if depth > 2 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fillRandom(rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				fillRandom(rng, f, depth+1)
			}
		}
	case reflect.Interface:
		if v.NumMethod() == 0 {
			xs := []any{"s", 3, uint64(math.MaxUint64), true, []any{1, "x"}}
			v.Set(reflect.ValueOf(xs[rng.IntN(len(xs))]))
		}
	}
}

func randomAddr(rng *rand.Rand) netip.Addr {
	var b16 [16]byte
	for i := range b16 {
		b16[i] = byte(rng.IntN(4))
	}
	switch rng.IntN(5) {
	case 0:
		return netip.Addr{}
	case 1:
		return netip.AddrFrom16(b16)
	case 2:
		return netip.AddrFrom16(b16).WithZone(jsonStrings[rng.IntN(len(jsonStrings))])
	case 3:
		return netip.AddrFrom4([4]byte{10, b16[0], b16[1], b16[2]}).Unmap()
	}
	return netip.AddrFrom16(netip.AddrFrom4([4]byte{192, 0, 2, b16[3]}).As16()) // 4in6
}

func randomPrefix(rng *rand.Rand) netip.Prefix {
	a := randomAddr(rng)
	switch rng.IntN(4) {
	case 0:
		return netip.Prefix{}
	case 1:
		return netip.PrefixFrom(a, 200) // invalid, not zero
	}
	return netip.PrefixFrom(a.WithZone(""), rng.IntN(a.BitLen()+1))
}

// jsonRef is the JSON FromLua + json.MarshalIndent make of v at depth:
// the writer's contract, and what a plan's fallback (JSONValue) appends.
func jsonRef(t testing.TB, v lua.LValue, depth int) []byte {
	b, err := json.MarshalIndent(FromLua(v), strings.Repeat("  ", depth), "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonSpecs are specs of every sort: plain, DropEmpty, and computed
// fields of every outcome (a string that needs escapes, "" under
// DropEmpty, a table, nil, falling back to the struct's field).
func jsonSpecs() []*RecordSpec {
	computed := map[string]func(*lua.LState, any) (lua.LValue, bool){
		"str": func(*lua.LState, any) (lua.LValue, bool) { return lua.LString("x\"<y>"), true },
		"int": func(*lua.LState, any) (lua.LValue, bool) { return nil, false },
		"b":   func(*lua.LState, any) (lua.LValue, bool) { return lua.LNil, true },
		"u64": func(*lua.LState, any) (lua.LValue, bool) { return lua.LNumber(1 << 60), true },
		"new": func(L *lua.LState, _ any) (lua.LValue, bool) {
			t := L.CreateTable(2, 1)
			t.Append(lua.LString(""))
			t.Append(lua.LString("b"))
			t.RawSetString("k", lua.LString(""))
			return t, true
		},
		"dev":    func(*lua.LState, any) (lua.LValue, bool) { return lua.LString(""), true },
		"flags":  func(L *lua.LState, _ any) (lua.LValue, bool) { return L.CreateTable(0, 0), true },
		"family": func(*lua.LState, any) (lua.LValue, bool) { return lua.LBool(true), true },
	}
	// The append forms of some: the same strings (one that needs
	// escapes, "" under DropEmpty and not, a plain one), and ones that
	// decline (ok false), leaving it to the Computed function.
	appended := map[string]func([]byte, any) ([]byte, bool){
		"str":    func(dst []byte, _ any) ([]byte, bool) { return append(dst, "x\"<y>"...), true },
		"dev":    func(dst []byte, _ any) ([]byte, bool) { return dst, true },
		"int":    func(dst []byte, _ any) ([]byte, bool) { return dst, false },
		"family": func(dst []byte, _ any) ([]byte, bool) { return dst, false },
		"zz":     func(dst []byte, _ any) ([]byte, bool) { return append(dst, "10.0.0.0/8"...), true },
	}
	withAppend := map[string]func(*lua.LState, any) (lua.LValue, bool){
		"zz": func(*lua.LState, any) (lua.LValue, bool) { return lua.LString("10.0.0.0/8"), true },
	}
	for k, v := range computed {
		withAppend[k] = v
	}
	return []*RecordSpec{{}, {DropEmpty: true}, {Computed: computed}, {DropEmpty: true, Computed: computed},
		{Computed: withAppend, AppendComputed: appended}, {DropEmpty: true, Computed: withAppend, AppendComputed: appended}}
}

// A record's JSON plan writes, at any depth, exactly what FromLua and
// json.MarshalIndent make of the record, for random values of every
// struct type the dumps show and of one with every kind of field, under
// every sort of spec; through a maker (no record) and for a record, and
// for one whose nested table a script read and changed.
func TestRecordJSONMatchesMarshalIndent(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	check := func(t *testing.T, name string, n int, one func(L *lua.LState, spec *RecordSpec, depth int) (got [][]byte, rec *lua.LTable)) {
		L := recordLua(t)
		for _, spec := range jsonSpecs() {
			for i := range n {
				depth := []int{0, 1, 2, jsonLineDepths + 1}[i%4] // past the kept lines too
				got, rec := one(L, spec, depth)
				want := jsonRef(t, rec, depth)
				for j, g := range got {
					if !bytes.Equal(g, want) {
						t.Fatalf("%s %d (spec %+v, depth %d), way %d:\n%s\nwant\n%s", name, i, *spec, depth, j, g, want)
					}
				}
			}
		}
	}
	val := func(t *testing.T) JSONValue {
		return func(dst []byte, v lua.LValue, depth int) []byte { return append(dst, jsonRef(t, v, depth)...) }
	}
	types := []struct {
		name string
		one  func(t *testing.T) func(L *lua.LState, spec *RecordSpec, depth int) ([][]byte, *lua.LTable)
	}{
		{"jsonShapes", func(t *testing.T) func(*lua.LState, *RecordSpec, int) ([][]byte, *lua.LTable) {
			return jsonWays[jsonShapes](t, rng, val(t))
		}},
		{"Route", func(t *testing.T) func(*lua.LState, *RecordSpec, int) ([][]byte, *lua.LTable) {
			return jsonWays[rtnl.Route](t, rng, val(t))
		}},
		{"Link", func(t *testing.T) func(*lua.LState, *RecordSpec, int) ([][]byte, *lua.LTable) {
			return jsonWays[rtnl.Link](t, rng, val(t))
		}},
		{"Address", func(t *testing.T) func(*lua.LState, *RecordSpec, int) ([][]byte, *lua.LTable) {
			return jsonWays[rtnl.Address](t, rng, val(t))
		}},
		{"Neigh", func(t *testing.T) func(*lua.LState, *RecordSpec, int) ([][]byte, *lua.LTable) {
			return jsonWays[rtnl.Neigh](t, rng, val(t))
		}},
		{"Rule", func(t *testing.T) func(*lua.LState, *RecordSpec, int) ([][]byte, *lua.LTable) {
			return jsonWays[rtnl.Rule](t, rng, val(t))
		}},
		{"outer", func(t *testing.T) func(*lua.LState, *RecordSpec, int) ([][]byte, *lua.LTable) {
			return jsonWays[outer](t, rng, val(t))
		}},
		{"empty", func(t *testing.T) func(*lua.LState, *RecordSpec, int) ([][]byte, *lua.LTable) {
			return jsonWays[struct {
				A string `json:"a,omitempty"`
			}](t, rng, val(t))
		}},
		{"one field", func(t *testing.T) func(*lua.LState, *RecordSpec, int) ([][]byte, *lua.LTable) {
			return jsonWays[struct {
				A string `json:"a"`
			}](t, rng, val(t))
		}},
	}
	for _, ty := range types {
		t.Run(ty.name, func(t *testing.T) { check(t, ty.name, 300, ty.one(t)) })
	}
}

// jsonWays makes a random T and returns its JSON written the plan's
// ways, and a record of it for the reference.
func jsonWays[T any](t *testing.T, rng *rand.Rand, val JSONValue) func(L *lua.LState, spec *RecordSpec, depth int) ([][]byte, *lua.LTable) {
	return func(L *lua.LState, spec *RecordSpec, depth int) ([][]byte, *lua.LTable) {
		var v T
		fillRandom(rng, reflect.ValueOf(&v).Elem(), 0)
		prefix := []byte("x")
		viaMaker := NewRecordMaker[T](L, spec).AppendJSON(L, &v, prefix, depth, val)[1:]
		lazy := NewLazyRecordMaker(L, spec, func(p *T, _ []byte) (bool, error) { *p = v; return true, nil })
		lv, _, _ := lazy.Load([]byte{1})
		viaLazy := lazy.AppendJSON(L, lv, nil, depth, val)
		rec := NewRecord(L, spec, &v)
		viaRecord, ok := AppendRecordJSON(rec, nil, depth, val)
		if !ok {
			if k := kindOf[T](L, spec); k.shape.plan != nil {
				t.Fatalf("AppendRecordJSON of a %T record: not a record", v)
			}
			viaRecord = viaMaker
		}
		if !IsRecord(rec) && ok {
			t.Fatal("AppendRecordJSON materialised the record")
		}
		return [][]byte{viaMaker, viaLazy, viaRecord}, NewRecord(L, spec, &v)
	}
}

// Objects that repeat values (as a dump's do: one family, protocol,
// device, ifindex after another) are written from the members the plan
// keeps for them, which must be what it writes anew: runs of records at
// one depth, then another, each changing a few fields, of every kind
// (strings that need escapes, integers past 2^53, zero values written).
func TestRecordJSONRepeats(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	L := recordLua(t)
	val := func(dst []byte, v lua.LValue, depth int) []byte { return append(dst, jsonRef(t, v, depth)...) }
	for _, spec := range jsonSpecs() {
		var v jsonShapes
		fillRandom(rng, reflect.ValueOf(&v).Elem(), 0)
		m := NewRecordMaker[jsonShapes](L, spec)
		rv := reflect.ValueOf(&v).Elem()
		for i := range 400 {
			depth := i / 50 % 3
			for range rng.IntN(3) { // change a few fields, or none
				f := rv.Field(rng.IntN(rv.NumField()))
				if f.CanSet() {
					fillRandom(rng, f, 0)
				}
			}
			got := m.AppendJSON(L, &v, nil, depth, val)
			if want := jsonRef(t, NewRecord(L, spec, &v), depth); !bytes.Equal(got, want) {
				t.Fatalf("record %d (spec %+v, depth %d):\n%s\nwant\n%s", i, *spec, depth, got, want)
			}
		}
	}
}

// Fields a script read as tables are kept raw in the record; changed,
// they are written as they are now, the others from the plan.
func TestRecordJSONRawFields(t *testing.T) {
	L := recordLua(t)
	l := benchLink()
	rec := NewRecord(L, plainSpec, l)
	L.SetGlobal("l", rec)
	if err := L.DoString(`local s = l.stats64; s.mine = "yes"; s.rx = nil`); err != nil {
		t.Fatal(err)
	}
	if !IsRecord(rec) {
		t.Fatal("reading a field materialised the record")
	}
	val := func(dst []byte, v lua.LValue, depth int) []byte { return append(dst, jsonRef(t, v, depth)...) }
	got, ok := AppendRecordJSON(rec, nil, 1, val)
	if !ok {
		t.Fatal("not a record")
	}
	if want := jsonRef(t, rec, 1); !bytes.Equal(got, want) {
		t.Fatalf("%s\nwant\n%s", got, want)
	}
	if !bytes.Contains(got, []byte(`"mine": "yes"`)) {
		t.Errorf("the changed nested table is not written: %s", got)
	}
	if _, ok := AppendRecordJSON(L.CreateTable(0, 0), nil, 0, val); ok {
		t.Error("AppendRecordJSON of a plain table reported a record")
	}
}

// AppendJSONString quotes every byte, alone and between others, as
// encoding/json does; AppendJSONIndent starts lines as MarshalIndent.
func TestAppendJSONStringIndent(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "b"} {
			want, _ := json.Marshal(s)
			if got := AppendJSONString([]byte("x"), s); !bytes.Equal(got[1:], want) {
				t.Errorf("%q: %s, want %s", s, got[1:], want)
			}
		}
	}
	for depth := range 40 {
		want, _ := json.MarshalIndent([]any{1}, strings.Repeat("  ", depth), "  ")
		if got := fmt.Sprintf("[%s1", AppendJSONIndent(nil, depth+1)); !strings.HasPrefix(string(want), got) {
			t.Errorf("depth %d: %q, want the start of %q", depth, got, want)
		}
	}
}

// routeJSONSpec has dst and table as bindings/rtnl's routeSpec has them.
var routeJSONSpec = &RecordSpec{
	Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
		"dst": func(_ *lua.LState, v any) (lua.LValue, bool) { return lua.LString(v.(*rtnl.Route).DstString()), true },
		"table": func(_ *lua.LState, v any) (lua.LValue, bool) {
			if r := v.(*rtnl.Route); r.TableName == "" && r.Table != 0 {
				return lua.LString(fmt.Sprint(r.Table)), true
			}
			return nil, false
		},
	},
	AppendComputed: map[string]func([]byte, any) ([]byte, bool){
		"dst": func(dst []byte, v any) ([]byte, bool) { return v.(*rtnl.Route).AppendDst(dst), true },
		"table": func(dst []byte, v any) ([]byte, bool) {
			if r := v.(*rtnl.Route); r.TableName == "" && r.Table != 0 {
				return strconv.AppendUint(dst, uint64(r.Table), 10), true
			}
			return dst, false
		},
	},
}

// A route's JSON, addresses, prefixes, computed fields and all, is
// written without allocating (a dump writes 100,000).
func TestRecordJSONRouteAllocs(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	m := NewRecordMaker[rtnl.Route](L, routeJSONSpec)
	r := benchRoute()
	r.Gateway, r.Prefsrc, r.Src = netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("2001:db8::1"), netip.MustParsePrefix("10.1.0.0/16")
	r.Metric, r.TableName, r.Table = 7, "", 1234
	val := func(dst []byte, v lua.LValue, depth int) []byte { return append(dst, jsonRef(t, v, depth)...) }
	buf := m.AppendJSON(L, r, nil, 1, val)
	if !bytes.Contains(buf, []byte(`"gateway": "10.0.0.1"`)) || !bytes.Contains(buf, []byte(`"dst": "10.0.1.2"`)) {
		t.Fatalf("unexpected JSON: %s", buf)
	}
	if !bytes.Contains(buf, []byte(`"table": "1234"`)) {
		t.Fatalf("unexpected JSON: %s", buf)
	}
	if n := testing.AllocsPerRun(100, func() { buf = m.AppendJSON(L, r, buf[:0], 1, val) }); n != 0 {
		t.Errorf("%v allocations a route, want 0", n)
	}
	r.TableName = "main"
	if n := testing.AllocsPerRun(100, func() { buf = m.AppendJSON(L, r, buf[:0], 1, val) }); n != 0 {
		t.Errorf("%v allocations a route in a named table, want 0", n)
	}
}

// BenchmarkRecordJSONRoute: a route's JSON through its maker, as --json
// writes a dump.
func BenchmarkRecordJSONRoute(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	m := NewRecordMaker[rtnl.Route](L, routeJSONSpec)
	r := benchRoute()
	val := func(dst []byte, v lua.LValue, depth int) []byte { return append(dst, jsonRef(b, v, depth)...) }
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = m.AppendJSON(L, r, buf[:0], 1, val)
	}
}
