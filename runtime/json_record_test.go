package runtime

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// recShape is a struct shown as records: a field of each sort a plan
// writes itself, and a nested table it hands back to the writer.
type recShape struct {
	Name  string            `json:"name"`
	N     uint64            `json:"n,omitempty"`
	Addr  netip.Addr        `json:"addr,omitzero"`
	Flags []string          `json:"flags"`
	Map   map[string]uint32 `json:"map,omitempty"`
}

// oneField records have exactly one field: their table's length is
// that of the hidden slot (1), which must not make them a list.
type oneField struct {
	A string `json:"a"`
}

var recSpec = &bindings.RecordSpec{DropEmpty: true}

// recShapeAt is the i-th test value: escapes, big numbers, IPv6, empty
// and nested values in turn.
func recShapeAt(i int) recShape {
	r := recShape{Name: []string{"", "eth0", `q"<&>`, "é"}[i%4], N: []uint64{0, 1 << 60, 42}[i%3]}
	if i%2 == 0 {
		r.Addr = netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i)})
	}
	if i%5 == 0 {
		r.Flags = []string{"onlink", ""}
	}
	if i%7 == 0 {
		r.Map = map[string]uint32{"mtu": 1400, "a b": 0}
	}
	return r
}

// Records, alone, in a list, nested in a plain table, written by their
// plans, print as FromLua + MarshalIndent print them (the contract).
func TestWriteJSONRecords(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	list := L.CreateTable(0, 0)
	for i := range 40 {
		r := recShapeAt(i)
		list.Append(bindings.NewRecord(L, recSpec, &r))
	}
	one := bindings.NewRecord(L, recSpec, &oneField{A: "x"})
	nested := L.CreateTable(0, 0)
	nested.RawSetString("routes", list)
	nested.RawSetString("one", bindings.NewRecord(L, recSpec, &oneField{A: "y"}))
	for i, vals := range [][]lua.LValue{{list}, {one}, {nested}, {lua.LNumber(1), list}} {
		var got bytes.Buffer
		if err := WriteJSON(&got, vals); err != nil {
			t.Fatal(err)
		}
		want, err := JSON(vals) // materialises the records: after
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("case %d:\n%.800s\nwant\n%.800s", i, got.String(), want)
		}
	}
}

// A returned iterator with a JSON stream prints as the list of its
// records, including an empty stream and one long enough to be written
// out in pieces, whose objects (and those the stream leaves out) cross
// the writer's flushes.
func TestPrintJSONStream(t *testing.T) {
	rt, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	L := rt.L
	for _, n := range []int{0, 1, 3, 5000} {
		// The stream leaves out every third value from the second (as a
		// dump leaves out what its filter does not take); so does the list.
		list := L.CreateTable(0, 0)
		for j := range n {
			if j%3 != 1 {
				r := recShapeAt(j)
				list.Append(bindings.NewRecord(L, recSpec, &r))
			}
		}
		m := bindings.NewRecordMaker[recShape](L, recSpec)
		i := 0
		fn := L.NewFunction(func(L *lua.LState) int { return 0 })
		bindings.SetJSONStream(L, fn, func(L *lua.LState, dst []byte, depth int, val bindings.JSONValue) ([]byte, bool) {
			for i < n {
				j := i
				i++
				if j%3 == 1 {
					continue
				}
				r := recShapeAt(j)
				return m.AppendJSON(L, &r, dst, depth, val), true
			}
			return dst, false
		}, nil)
		var got bytes.Buffer
		if err := rt.PrintJSON(context.Background(), &got, []lua.LValue{lua.LString("x"), fn}); err != nil {
			t.Fatal(err)
		}
		want, err := JSON([]lua.LValue{lua.LString("x"), list})
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("%d values:\n%.600s\nwant\n%.600s", n, got.String(), want)
		}
		if n == 5000 && got.Len() < 2*flushSize {
			t.Errorf("%d bytes: not enough to cross flushes", got.Len())
		}
	}
}

// pushStream ties to a new function a stream of n recShapes that leaves
// out every third from the second, in both forms; the push form writes
// them all in one call, and counts how many it was asked for.
func pushStream(L *lua.LState, n int, asked *int) *lua.LFunction {
	m := bindings.NewRecordMaker[recShape](L, recSpec)
	i := 0
	fn := L.NewFunction(func(L *lua.LState) int { return 0 })
	bindings.SetJSONStream(L, fn, func(L *lua.LState, dst []byte, depth int, val bindings.JSONValue) ([]byte, bool) {
		panic("pulled a stream that pushes")
	}, func(L *lua.LState, sink bindings.JSONSink) {
		for ; i < n; i++ {
			*asked++
			dst, depth := sink.Next()
			if i%3 == 1 {
				sink.Put(dst, false)
				continue
			}
			r := recShapeAt(i)
			if !sink.Put(m.AppendJSON(L, &r, dst, depth, sink.Value()), true) {
				return
			}
		}
	})
	return fn
}

// A stream's push form, when it has one, writes the list: the same bytes
// as the list of its objects, with left-out objects taken back (first,
// last, all of them), across the writer's flushes, beside other values.
func TestPrintJSONPush(t *testing.T) {
	rt, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	L := rt.L
	for _, n := range []int{0, 1, 2, 3, 5000} {
		list := L.CreateTable(0, 0)
		for j := range n {
			if j%3 != 1 {
				r := recShapeAt(j)
				list.Append(bindings.NewRecord(L, recSpec, &r))
			}
		}
		var asked int
		fn := pushStream(L, n, &asked)
		var got bytes.Buffer
		if err := rt.PrintJSON(context.Background(), &got, []lua.LValue{lua.LString("x"), fn, lua.LNumber(1)}); err != nil {
			t.Fatal(err)
		}
		want, err := JSON([]lua.LValue{lua.LString("x"), list, lua.LNumber(1)})
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("%d values:\n%.600s\nwant\n%.600s", n, got.String(), want)
		}
		if asked != n {
			t.Errorf("%d values: asked for %d", n, asked)
		}
		if n == 5000 && got.Len() < 2*flushSize {
			t.Errorf("%d bytes: not enough to cross flushes", got.Len())
		}
	}
	// An output that fails stops the push (Put reports false) with the
	// output's error.
	var asked int
	err = rt.PrintJSON(context.Background(), &closingWriter{n: 100 << 10}, []lua.LValue{pushStream(L, 1_000_000, &asked)})
	if !errors.Is(err, errClosedOutput) {
		t.Fatalf("PrintJSON = %v; want the output's error", err)
	}
	if asked >= 100_000 {
		t.Errorf("the push ran on after the output failed: %d objects", asked)
	}
}
