package bindings

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"reflect"
	"slices"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/families/rtnl"
)

// recordState returns a state with the record-aware base functions.
func recordLua(t testing.TB) *lua.LState {
	L := lua.NewState()
	t.Cleanup(L.Close)
	InstallRecordFuncs(L)
	return L
}

var plainSpec = &RecordSpec{}

// A record materialises into exactly the table ToLua builds, for every
// struct sample (embedded, omitted, nested, huge, addresses, cycles).
func TestRecordMatchesToLua(t *testing.T) {
	L := recordLua(t)
	for i, v := range samples() {
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv = rv.Elem()
		}
		if _, ok := ToLua(L, v).(*lua.LTable); !ok || rv.Kind() != reflect.Struct {
			continue
		}
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		rec := newRecordAny(L, p)
		want := ToLua(L, v)
		// Through EachField (no materialisation) first, then whole.
		seen := map[string]lua.LValue{}
		EachField(rec, func(k, v lua.LValue) { seen[k.String()] = v })
		if !IsRecord(rec) {
			t.Fatalf("sample %d: EachField materialised the record", i)
		}
		n := 0
		want.(*lua.LTable).ForEach(func(k, v lua.LValue) {
			n++
			if !luaEqual(v, seen[k.String()], false, 0) {
				t.Errorf("sample %d (%T): EachField %s = %s, want %s", i, v, k, fmtLua(seen[k.String()]), fmtLua(v))
			}
		})
		if len(seen) != n {
			t.Errorf("sample %d (%T): EachField gave %d fields, ToLua %d", i, v, len(seen), n)
		}
		Materialize(rec)
		if IsRecord(rec) || rec.Metatable != lua.LNil || rec.Len() != 0 {
			t.Errorf("sample %d: still a record after Materialize", i)
		}
		if !luaEqual(want, rec, false, 0) {
			t.Errorf("sample %d (%T): materialised %s, ToLua %s", i, v, fmtLua(rec), fmtLua(want))
		}
	}
}

// newRecordAny is NewRecord for a reflect.Value pointer to a struct.
func newRecordAny(L *lua.LState, p reflect.Value) *lua.LTable {
	switch x := p.Interface().(type) {
	case *outer:
		return NewRecord(L, plainSpec, x)
	case *rtnl.Route:
		return NewRecord(L, plainSpec, x)
	case *rtnl.Link:
		return NewRecord(L, plainSpec, x)
	case *textErr:
		return NewRecord(L, plainSpec, x)
	case *strStruct:
		return NewRecord(L, plainSpec, x)
	case *strFields:
		return NewRecord(L, plainSpec, x)
	}
	panic(p.Type().String())
}

// What a script sees: fields by name, pairs/next/rawget over all of
// them, writes that stick (nil deletes), nested tables kept, #r == 0, no
// metatable, and a copy of the Go value.
func TestRecordInLua(t *testing.T) {
	L := recordLua(t)
	r := benchRoute()
	spec := &RecordSpec{
		DropEmpty: true,
		Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
			"dst":   func(_ *lua.LState, v any) (lua.LValue, bool) { return lua.LString("dst:" + v.(*rtnl.Route).Dev), true },
			"extra": func(_ *lua.LState, v any) (lua.LValue, bool) { return lua.LString(""), true }, // dropped
			"type":  func(_ *lua.LState, v any) (lua.LValue, bool) { return nil, false },            // ToLua's
		},
	}
	mk := func() *lua.LTable { return NewRecord(L, spec, benchRoute()) }
	rec := NewRecord(L, spec, r)
	r.Dev = "changed" // the record holds a copy
	EachField(rec, func(k, v lua.LValue) {
		if k.String() == "dev" && v.String() != "bench0" {
			t.Errorf("record of a value changed after: dev = %s", v)
		}
	})
	for _, c := range []struct{ name, code string }{
		{"fields", `local r = ... ; assert(r.dev == "bench0", r.dev); assert(r.dst == "dst:bench0", r.dst)
			assert(r.type == "unicast"); assert(r.extra == nil); assert(r.gateway == nil)
			assert(type(r) == "table"); assert(#r == 0); assert(getmetatable(r) == nil)`},
		{"pairs", `local r = ... ; local n = 0
			for k, v in pairs(r) do n = n + 1; assert(type(k) == "string", tostring(k)) end
			assert(n == 8, n); assert(getmetatable(r) == nil); assert(rawget(r, "dev") == "bench0")`},
		{"next", `local r = ... ; assert(next(r) ~= nil); local k = next(r); assert(type(k) == "string")`},
		{"ipairs", `local r = ... ; for i, v in ipairs(r) do error("ipairs gave " .. tostring(v)) end`},
		{"rawget", `local r = ... ; assert(rawget(r, 1) == nil); assert(rawget(r, "scope") == "link")`},
		{"write", `local r = ... ; r.dev = "x"; r.scope = nil; assert(r.dev == "x"); assert(r.scope == nil)
			assert(r.table == "main"); local n = 0; for _ in pairs(r) do n = n + 1 end; assert(n == 7, n)`},
		{"setmetatable", `local r = ... ; setmetatable(r, {__index = function() return 42 end})
			assert(r.dev == "bench0"); assert(r.nope == 42)`},
		{"insert", `local r = ... ; table.insert(r, "a"); assert(r[1] == "a"); assert(#r == 1)`},
		{"unpack", `local r = ... ; assert(select("#", unpack(r)) == 0)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			fn, err := L.LoadString(c.code)
			if err != nil {
				t.Fatal(err)
			}
			L.Push(fn)
			L.Push(mk())
			if err := L.PCall(1, 0, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A nested table read from a record is built once and kept: a change to
// it is what a later read, pairs and Materialize see.
func TestRecordNestedKept(t *testing.T) {
	L := recordLua(t)
	rec := NewRecord(L, plainSpec, benchLink())
	fn, err := L.LoadString(`local l = ... ; local s = l.stats64; assert(s ~= nil); assert(l.stats64 == s)
		s.mine = 1; local found; for k, v in pairs(l) do if k == "stats64" then found = v end end
		assert(found == s and found.mine == 1)`)
	if err != nil {
		t.Fatal(err)
	}
	L.Push(fn)
	L.Push(rec)
	if err := L.PCall(1, 0, nil); err != nil {
		t.Fatal(err)
	}
}

// Args, FromLua and SortedKeys read a record as the table it stands for.
func TestRecordGoReaders(t *testing.T) {
	L := recordLua(t)
	if got, want := fmtLua(NewRecord(L, plainSpec, benchRoute())), fmtLua(ToLua(L, benchRoute())); got != want {
		t.Errorf("FromLua(record) = %s, want %s", got, want)
	}
	rec := NewRecord(L, plainSpec, benchRoute())
	if n := len(SortedKeys(rec)); n != 8 {
		t.Errorf("SortedKeys(record): %d keys, want 8", n)
	}
	rec = NewRecord(L, plainSpec, benchRoute())
	L.Push(rec)
	a := Table(L, L.GetTop(), "test.fn")
	if dev := a.String("dev", Optional); dev != "bench0" {
		t.Errorf("Args.String(dev) = %q", dev)
	}
}

func BenchmarkRecordRoute(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	r := benchRoute()
	b.ReportAllocs()
	for b.Loop() {
		NewRecord(L, plainSpec, r)
	}
}

func BenchmarkRecordLink(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	l := benchLink()
	b.ReportAllocs()
	for b.Loop() {
		NewRecord(L, plainSpec, l)
	}
}

// A RecordMaker's records (its chunks of records crossed) read, walk and
// materialise as NewRecord's; its AppendJSON writes their JSON; the
// hidden slot shows as a userdata; a type not shown as fields gets
// ToLua's table.
func TestRecordMaker(t *testing.T) {
	L := recordLua(t)
	spec := &RecordSpec{Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
		"dst": func(_ *lua.LState, v any) (lua.LValue, bool) { return lua.LString(v.(*rtnl.Route).DstString()), true },
	}}
	m := NewRecordMaker[rtnl.Route](L, spec)
	routes := make([]rtnl.Route, recordChunk+3)
	for i := range routes {
		routes[i] = *benchRoute()
		routes[i].Ifindex = i + 1
	}
	for i := range routes {
		rec := m.Owned(L, &routes[i])
		want := NewRecord(L, spec, &routes[i])
		if !IsRecord(rec) {
			t.Fatalf("route %d: not a record", i)
		}
		if got := rec.RawGetInt(1).Type(); got != lua.LTUserData {
			t.Fatalf("route %d: hidden slot of type %s", i, got)
		}
		L.SetGlobal("r", rec)
		if err := L.DoString(`assert(type(r[1]) == "userdata"); assert(tostring(r[1]):find("^userdata: ")); assert(r.dst == "10.0.1.2")`); err != nil {
			t.Fatalf("route %d: %v", i, err)
		}
		val := func(dst []byte, v lua.LValue, depth int) []byte { return append(dst, jsonRef(t, v, depth)...) }
		if got, w := m.AppendJSON(L, &routes[i], nil, 0, val), jsonRef(t, want, 0); !bytes.Equal(got, w) {
			t.Fatalf("route %d: AppendJSON %s, want %s", i, got, w)
		}
		if got, w := fmtLua(rec), fmtLua(want); got != w {
			t.Fatalf("route %d: %s, want %s", i, got, w)
		}
		if IsRecord(rec) {
			t.Fatalf("route %d: FromLua left the record unmaterialised", i)
		}
	}
	s := NewRecordMaker[string](L, plainSpec)
	v := "x"
	if tb := s.Owned(L, &v); IsRecord(tb) || tb.Len() != 0 {
		t.Errorf("record of a string: %s", fmtLua(tb))
	}
}

// BenchmarkRecordMakerRoute: records made by a RecordMaker, as a dump
// makes them.
func BenchmarkRecordMakerRoute(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	m := NewRecordMaker[rtnl.Route](L, plainSpec)
	r := benchRoute()
	b.ReportAllocs()
	for b.Loop() {
		m.Owned(L, r)
	}
}

// lazyRoute is route i of TestLazyRecordMaker: each differs in a plain
// field, a computed one and a nested table.
func lazyRoute(i int) rtnl.Route {
	r := *benchRoute()
	r.Ifindex = i + 1
	r.Dst = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 32)
	r.Flags = []string{fmt.Sprint("f", i)}
	return r
}

// Records of a LazyRecordMaker read, walk, write as JSON and materialise
// exactly as NewRecord's of the decoded value, however their reads interleave; a
// loop that reads each record as it comes decodes each once; Load
// reports decode's error and its ok.
func TestLazyRecordMaker(t *testing.T) {
	L := recordLua(t)
	spec := &RecordSpec{Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
		"dst": func(_ *lua.LState, v any) (lua.LValue, bool) { return lua.LString(v.(*rtnl.Route).DstString()), true },
	}}
	decodes := 0
	m := NewLazyRecordMaker(L, spec, func(r *rtnl.Route, b []byte) (bool, error) {
		decodes++
		if len(b) != 3 {
			return false, fmt.Errorf("%d bytes", len(b))
		}
		*r = lazyRoute(int(binary.BigEndian.Uint16(b)))
		return b[2] == 0, nil
	})
	const n = recordChunk + 3
	arena := make([]byte, 0, 3*n)
	var recs []*lua.LTable
	for i := range n {
		arena = binary.BigEndian.AppendUint16(arena, uint16(i))
		arena = append(arena, 0)
		r, ok, err := m.Load(arena[3*i : 3*i+3 : 3*i+3])
		if err != nil || !ok || r.Ifindex != i+1 {
			t.Fatalf("Load %d: %v %v %v", i, r.Ifindex, ok, err)
		}
		rec := m.Record(L)
		L.SetGlobal("r", rec)
		if err := L.DoString(fmt.Sprintf(`assert(r.dst == "10.1.%d.%d", r.dst); assert(r.ifindex == %d); assert(type(r[1]) == "userdata")`, i>>8, i&255, i+1)); err != nil {
			t.Fatalf("route %d: %v", i, err)
		}
		recs = append(recs, rec)
	}
	if decodes != n {
		t.Errorf("%d decodes for %d records read in turn, want one each", decodes, n)
	}
	// Old records, read in another order, twice each (nested tables kept).
	for _, i := range []int{0, n - 1, 5, 0, recordChunk, 5} {
		rec := recs[i]
		L.SetGlobal("r", rec)
		if err := L.DoString(fmt.Sprintf(`assert(r.ifindex == %d); local f = r.flags; assert(f[1] == "f%d"); assert(r.flags == f)`, i+1, i)); err != nil {
			t.Fatalf("route %d again: %v", i, err)
		}
	}
	// EachField, with emit reading another record between fields.
	for i := range n {
		v := lazyRoute(i)
		want := NewRecord(L, spec, &v)
		var fields, wantFields []string
		other := recs[(i+1)%n]
		EachField(recs[i], func(k, v lua.LValue) {
			fields = append(fields, k.String()+"="+fmtLua(v))
			L.GetField(other, "dst")
		})
		EachField(want, func(k, v lua.LValue) { wantFields = append(wantFields, k.String()+"="+fmtLua(v)) })
		slices.Sort(fields) // a nested table read before comes first, raw
		if !reflect.DeepEqual(fields, wantFields) {
			t.Fatalf("route %d: EachField %v, want %v", i, fields, wantFields)
		}
		w := lazyRoute(i)
		val := func(dst []byte, v lua.LValue, depth int) []byte { return append(dst, jsonRef(t, v, depth)...) }
		if got, w := m.AppendJSON(L, &w, nil, 0, val), jsonRef(t, want, 0); !bytes.Equal(got, w) {
			t.Fatalf("route %d: AppendJSON %s, want %s", i, got, w)
		}
		Materialize(want)
		if got, w := fmtLua(recs[i]), fmtLua(want); got != w {
			t.Fatalf("route %d: %s, want %s", i, got, w)
		}
		if IsRecord(recs[i]) {
			t.Fatalf("route %d: not materialised", i)
		}
	}
	if _, _, err := m.Load([]byte{1}); err == nil {
		t.Error("Load of bad bytes: no error")
	}
	if _, ok, err := m.Load([]byte{0, 1, 1}); ok || err != nil {
		t.Errorf("Load of bytes decode leaves out: %v %v", ok, err)
	}
}

// A LazyRecordMaker given Fast hands out records of bytes it only
// checked: a record's dst is read from its bytes, with no decode, and any
// other field decodes them; every read, in any order, of records kept or
// not, gives the values NewRecord's of the decoded value give. Check
// reports what Load would: the check's answer when sure, else decode's
// (its error too).
func TestLazyRecordMakerFast(t *testing.T) {
	L := recordLua(t)
	spec := &RecordSpec{Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
		"dst": func(_ *lua.LState, v any) (lua.LValue, bool) { return lua.LString(v.(*rtnl.Route).DstString()), true },
	}}
	decodes, raws := 0, 0
	m := NewLazyRecordMaker(L, spec, func(r *rtnl.Route, b []byte) (bool, error) {
		decodes++
		if len(b) != 3 {
			return false, fmt.Errorf("%d bytes", len(b))
		}
		*r = lazyRoute(int(binary.BigEndian.Uint16(b)))
		return b[2] != 1, nil
	})
	// Sure of bytes whose last is 0 (shown) or 1 (left out), not of 2
	// (shown, decoded) nor of a bad length; dst read raw except for
	// every seventh route.
	m.Fast(func(b []byte) (bool, bool) {
		if len(b) != 3 || b[2] == 2 {
			return false, false
		}
		return b[2] == 0, true
	}, map[string]func(dst, b []byte) ([]byte, bool){
		"dst": func(dst, b []byte) ([]byte, bool) {
			i := int(binary.BigEndian.Uint16(b))
			if i%7 == 0 {
				return dst, false
			}
			raws++
			return fmt.Appendf(dst, "10.1.%d.%d", i>>8, i&255), true
		},
		"nosuchfield": func(dst, _ []byte) ([]byte, bool) { return dst, false },
	})
	const n = recordChunk + 3
	arena := make([]byte, 0, 3*n)
	var recs []*lua.LTable
	var idx []int
	for i := range n {
		arena = binary.BigEndian.AppendUint16(arena, uint16(i))
		arena = append(arena, byte(i%3))
		before := decodes
		ok, err := m.Check(arena[3*i : 3*i+3 : 3*i+3])
		if err != nil || ok != (i%3 != 1) {
			t.Fatalf("Check %d: %v %v", i, ok, err)
		}
		if d := decodes - before; d != map[bool]int{true: 1, false: 0}[i%3 == 2] {
			t.Fatalf("Check %d: %d decodes", i, d)
		}
		if !ok {
			continue
		}
		rec := m.Record(L)
		L.SetGlobal("r", rec)
		before = decodes
		if err := L.DoString(fmt.Sprintf(`assert(r.dst == "10.1.%d.%d", r.dst); assert(r.dst == "10.1.%d.%d")`, i>>8, i&255, i>>8, i&255)); err != nil {
			t.Fatalf("route %d: %v", i, err)
		}
		if d := decodes - before; i%3 == 0 && i%7 != 0 && d != 0 {
			t.Fatalf("route %d: dst read with %d decodes, want none", i, d)
		}
		if i%2 == 0 { // then other fields, and dst again
			if err := L.DoString(fmt.Sprintf(`assert(r.ifindex == %d); assert(r.flags[1] == "f%d"); assert(r.dst == "10.1.%d.%d")`, i+1, i, i>>8, i&255)); err != nil {
				t.Fatalf("route %d: %v", i, err)
			}
		}
		recs, idx = append(recs, rec), append(idx, i)
	}
	if raws == 0 {
		t.Fatal("no dst read raw")
	}
	// Kept records, read in another order: each as its own value.
	for j := len(recs) - 1; j >= 0; j -= 3 {
		i := idx[j]
		L.SetGlobal("r", recs[j])
		if err := L.DoString(fmt.Sprintf(`assert(r.dst == "10.1.%d.%d"); assert(r.ifindex == %d); assert(r.dst == "10.1.%d.%d")`, i>>8, i&255, i+1, i>>8, i&255)); err != nil {
			t.Fatalf("route %d again: %v", i, err)
		}
	}
	// Walked and materialised, with reads of another record between.
	for j, rec := range recs {
		i := idx[j]
		v := lazyRoute(i)
		want := NewRecord(L, spec, &v)
		sameFields(t, L, i, rec, want, recs[(j+1)%len(recs)])
		Materialize(want)
		if got, w := fmtLua(rec), fmtLua(want); got != w {
			t.Fatalf("route %d: %s, want %s", i, got, w)
		}
	}
	if _, err := m.Check([]byte{1}); err == nil {
		t.Error("Check of bad bytes: no error")
	}
}

// textRec is a value whose computed field has an append form.
type textRec struct {
	N int `json:"n"`
}

// textName is textRec's computed name: short, long (past what is cut from
// a chunk), or empty.
func textName(n int) string {
	switch n % 50 {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("long-%d-%0400d", n, n)
	}
	return fmt.Sprintf("n%d-%.*s", n, n%40, "abcdefghijklmnopqrstuvwxyz0123456789ABCD")
}

// A computed field read in Lua through its append form gives the string
// Computed gives (DropEmpty turning "" into nil), and the strings cut
// from the state's chunks of text stay as they were: thousands read one
// after the other, across many chunks, all kept and checked at the end.
func TestRecordAppendComputedRead(t *testing.T) {
	for _, drop := range []bool{false, true} {
		L := recordLua(t)
		spec := &RecordSpec{
			DropEmpty: drop,
			Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
				"name": func(_ *lua.LState, v any) (lua.LValue, bool) { return lua.LString(textName(v.(*textRec).N)), true },
			},
			AppendComputed: map[string]func([]byte, any) ([]byte, bool){
				"name": func(dst []byte, v any) ([]byte, bool) { return append(dst, textName(v.(*textRec).N)...), true },
			},
		}
		const n = 5000
		m := NewRecordMaker[textRec](L, spec)
		i := 0
		L.SetGlobal("each", L.NewFunction(func(L *lua.LState) int {
			if i == n {
				return 0
			}
			L.Push(m.Owned(L, &textRec{N: i}))
			i++
			return 1
		}))
		if err := L.DoString(`names = {} local k = 0
			while true do local r = each() if not r then break end k = k + 1; names[k] = r.name or false end`); err != nil {
			t.Fatal(err)
		}
		names := L.GetGlobal("names").(*lua.LTable)
		for k := range n {
			var want lua.LValue = lua.LString(textName(k))
			if drop && textName(k) == "" {
				want = lua.LFalse
			}
			if got := names.RawGetInt(k + 1); got != want {
				t.Fatalf("DropEmpty %v: record %d read %q, want %q", drop, k, got, want)
			}
		}
	}
}

// sameFields checks that EachField walks record rec (route i) as it walks
// want, the record NewRecord makes of the same value, while other, another
// record of the same maker, is read between fields.
func sameFields(t *testing.T, L *lua.LState, i int, rec, want, other *lua.LTable) {
	t.Helper()
	var fields, wantFields []string
	EachField(rec, func(k, v lua.LValue) {
		fields = append(fields, k.String()+"="+fmtLua(v))
		L.GetField(other, "ifindex")
	})
	EachField(want, func(k, v lua.LValue) { wantFields = append(wantFields, k.String()+"="+fmtLua(v)) })
	slices.Sort(fields)
	if !reflect.DeepEqual(fields, wantFields) {
		t.Fatalf("route %d: EachField %v, want %v", i, fields, wantFields)
	}
}
