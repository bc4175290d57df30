package bindings

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/families/rtnl"
)

// preparedMaker is TestPrepared's maker: route i's bytes are its number
// (2 bytes) and a mark (0 shown, 1 left out, 2 shown but the check is
// not sure, 3 malformed and the check is not sure); dst is read ahead
// with the check, and read raw from the bytes of the others. decodes and
// reads count the calls of decode and of the read ahead.
func preparedMaker(L *lua.LState, spec *RecordSpec, decodes, reads *int) *LazyRecordMaker[rtnl.Route] {
	m := NewLazyRecordMaker(L, spec, func(r *rtnl.Route, b []byte) (bool, error) {
		*decodes++
		if len(b) != 3 || b[2] == 3 {
			return false, fmt.Errorf("bad route % x", b)
		}
		*r = lazyRoute(int(binary.BigEndian.Uint16(b)))
		return b[2] != 1, nil
	})
	check := func(b []byte) (ok, sure bool) {
		if len(b) != 3 || b[2] >= 2 {
			return false, false
		}
		return b[2] == 0, true
	}
	dst := func(dst, b []byte) []byte {
		return fmt.Appendf(dst, "10.1.%d.%d", b[0], b[1])
	}
	m.Fast(check, map[string]func(dst, b []byte) ([]byte, bool){
		"dst": func(d, b []byte) ([]byte, bool) { return dst(d, b), len(b) == 3 && b[2] != 3 },
	})
	m.ReadAhead("dst", func(d, b []byte) ([]byte, bool, bool) {
		ok, sure := check(b)
		if !ok || !sure {
			return d, ok, sure
		}
		*reads++
		return dst(d, b), true, true
	})
	return m
}

// Records prepared on another goroutine (as a dump's reader prepares
// them) are the records Load and Record would have made: Prepare drops
// those the check is sure are left out, Table decodes those it is not
// sure of (their error, their ok), dst reads what was read ahead with
// no decode and nothing more read on the Lua goroutine, and every field,
// walk, JSON and materialised table, of records kept and read in any
// order, is NewRecord's of the decoded value.
func TestPrepared(t *testing.T) {
	L := recordLua(t)
	spec := &RecordSpec{Computed: map[string]func(*lua.LState, any) (lua.LValue, bool){
		"dst": func(_ *lua.LState, v any) (lua.LValue, bool) { return lua.LString(v.(*rtnl.Route).DstString()), true },
	}}
	val := func(dst []byte, v lua.LValue, depth int) []byte { return append(dst, jsonRef(t, v, depth)...) }
	var decodes, reads int
	m := preparedMaker(L, spec, &decodes, &reads)
	const n = 2*recordChunk + 5
	mark := func(i int) byte { return byte(i % 4) }
	// The reader: bytes and records of its own, on its goroutine.
	p := m.Preparer()
	ch := make(chan []Prepared)
	go func() {
		arena := make([]byte, 0, 3*n)
		var batch []Prepared
		for i := range n {
			arena = binary.BigEndian.AppendUint16(arena, uint16(i))
			arena = append(arena, mark(i))
			var r Prepared
			if p.Prepare(&r, arena[3*i:3*i+3:3*i+3]) {
				batch = append(batch, r)
			}
		}
		ch <- batch
	}()
	batch := <-ch
	if readsOnReader := reads; readsOnReader == 0 {
		t.Fatal("nothing read ahead")
	}
	reads = 0
	var recs []*lua.LTable
	var idx []int
	for j := range batch {
		r := &batch[j]
		i := int(binary.BigEndian.Uint16(r.Bytes()))
		if mark(i) == 1 {
			t.Fatalf("route %d, left out, was not dropped", i)
		}
		before := decodes
		rec, err := m.Table(L, r)
		if d := decodes - before; d != map[bool]int{true: 1, false: 0}[mark(i) >= 2] {
			t.Fatalf("Table %d: %d decodes", i, d)
		}
		if mark(i) == 3 {
			if rec != nil || err == nil || !strings.Contains(err.Error(), "bad route") {
				t.Fatalf("Table %d (malformed): %v %v", i, rec, err)
			}
			continue
		}
		if rec == nil || err != nil {
			t.Fatalf("Table %d: %v %v", i, rec, err)
		}
		L.SetGlobal("r", rec)
		before = decodes
		if err := L.DoString(fmt.Sprintf(`assert(r.dst == "10.1.%d.%d", r.dst); assert(r.dst == "10.1.%d.%d")`, i>>8, i&255, i>>8, i&255)); err != nil {
			t.Fatalf("route %d: %v", i, err)
		}
		if d := decodes - before; mark(i) == 0 && d != 0 {
			t.Fatalf("route %d: dst read with %d decodes, want none", i, d)
		}
		if i%2 == 0 { // then other fields, and dst again
			if err := L.DoString(fmt.Sprintf(`assert(r.ifindex == %d); assert(r.flags[1] == "f%d"); assert(r.dst == "10.1.%d.%d")`, i+1, i, i>>8, i&255)); err != nil {
				t.Fatalf("route %d: %v", i, err)
			}
		}
		recs, idx = append(recs, rec), append(idx, i)
	}
	if reads != 0 {
		t.Fatalf("%d reads ahead on the Lua goroutine", reads)
	}
	// Kept records, read in another order, walked, written as JSON and
	// materialised, with reads of another record between.
	for j := len(recs) - 1; j >= 0; j-- {
		i := idx[j]
		v := lazyRoute(i)
		want := NewRecord(L, spec, &v)
		sameFields(t, L, i, recs[j], want, recs[(j+1)%len(recs)])
		got, _ := AppendRecordJSON(recs[j], nil, 0, val)
		wantJSON, _ := AppendRecordJSON(want, nil, 0, val)
		if string(got) != string(wantJSON) {
			t.Fatalf("route %d: JSON %s, want %s", i, got, wantJSON)
		}
		Materialize(want)
		if got, w := fmtLua(recs[j]), fmtLua(want); got != w {
			t.Fatalf("route %d: %s, want %s", i, got, w)
		}
	}
}

// A read ahead that gives "" gives no field under DropEmpty, as the
// record's field would.
func TestPreparedDropEmpty(t *testing.T) {
	L := recordLua(t)
	m := NewLazyRecordMaker(L, &RecordSpec{DropEmpty: true}, func(r *rtnl.Route, b []byte) (bool, error) {
		*r = rtnl.Route{Ifindex: int(b[0])}
		return true, nil
	})
	m.ReadAhead("dev", func(dst, b []byte) ([]byte, bool, bool) { return dst, true, true })
	var r Prepared
	if !m.Preparer().Prepare(&r, []byte{7}) {
		t.Fatal("dropped")
	}
	rec, err := m.Table(L, &r)
	if err != nil {
		t.Fatal(err)
	}
	L.SetGlobal("r", rec)
	if err := L.DoString(`assert(r.dev == nil, r.dev); assert(r.ifindex == 7)`); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkPrepared: one route's record as route.each's loop makes it,
// per side: prepare (the dump's reader: check, read dst ahead) and lua
// (the loop: the table, then r.dst through __index, as `if r.dst`).
func BenchmarkPrepared(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	var decodes, reads int
	m := preparedMaker(L, &RecordSpec{}, &decodes, &reads)
	p := m.Preparer()
	const n = 1024
	src := make([]byte, 0, 3*n)
	for i := range n {
		src = binary.BigEndian.AppendUint16(src, uint16(i))
		src = append(src, 0)
	}
	batch := make([]Prepared, n)
	b.Run("prepare", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i = (i + 1) % n {
			p.Prepare(&batch[i], src[3*i:3*i+3:3*i+3])
		}
	})
	for i := range batch {
		p.Prepare(&batch[i], src[3*i:3*i+3:3*i+3])
	}
	b.Run("lua-unprepared", func(b *testing.B) { // Check, Record, dst read from the bytes here
		b.ReportAllocs()
		for i := 0; b.Loop(); i = (i + 1) % n {
			if ok, err := m.Check(src[3*i : 3*i+3 : 3*i+3]); !ok || err != nil {
				b.Fatal(ok, err)
			}
			if L.GetField(m.Record(L), "dst") == lua.LNil {
				b.Fatal("no dst")
			}
		}
	})
	b.Run("lua", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i = (i + 1) % n {
			t, _ := m.Table(L, &batch[i])
			if L.GetField(t, "dst") == lua.LNil {
				b.Fatal("no dst")
			}
		}
	})
	if decodes != 0 {
		b.Fatalf("%d decodes", decodes)
	}
}
