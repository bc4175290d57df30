package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// WriteJSON writes values as JSON to w followed by a newline, exactly as
// JSON renders them, but encoding each value as it walks the tables
// instead of building a Go copy of them first: a dump of 100,000 routes
// is never held twice.
func WriteJSON(w io.Writer, vals []lua.LValue) error {
	return writeJSON(w, vals, nil)
}

// PrintJSON is WriteJSON for the values a script returned, where a returned
// function is an iterator (such as rtnl.route.each{...}): it is called
// until it returns nil and what it returned is written as a JSON list,
// one value at a time, so a streamed dump is never held whole. The calls
// run protected under ctx, as Call; without functions it is WriteJSON.
func (rt *Runtime) PrintJSON(ctx context.Context, w io.Writer, vals []lua.LValue) error {
	if !slices.ContainsFunc(vals, func(v lua.LValue) bool { return v.Type() == lua.LTFunction }) {
		return WriteJSON(w, vals)
	}
	var werr error
	_, err := rt.Call(ctx, rt.L.NewFunction(func(L *lua.LState) int {
		werr = writeJSON(w, vals, L)
		return 0
	}))
	if err != nil {
		return err
	}
	return werr
}

// writeJSON is WriteJSON; with L, returned functions are iterated (PrintJSON).
func writeJSON(w io.Writer, vals []lua.LValue, L *lua.LState) error {
	e := &jsonWriter{dst: w, out: make([]byte, 0, flushSize+4<<10), seen: map[*lua.LTable]bool{}, L: L}
	e.val = e.appendValue
	if len(vals) == 1 {
		e.top(vals[0], 0)
	} else {
		e.byte('[')
		for i, v := range vals {
			if i > 0 {
				e.byte(',')
			}
			e.newline(1)
			e.top(v, 1)
		}
		if len(vals) > 0 {
			e.newline(0)
		}
		e.byte(']')
	}
	if e.err != nil {
		e.flush()
		return e.err
	}
	e.byte('\n')
	e.flush()
	return e.werr
}

// top writes a returned value: an iterator function, when the writer
// has a state to call it in, as the list of its values.
func (e *jsonWriter) top(v lua.LValue, depth int) {
	fn, ok := v.(*lua.LFunction)
	if !ok || e.L == nil {
		e.value(v, depth)
		return
	}
	// A dump's iterator has a JSON stream: its objects' JSON, without
	// their tables, pushed when it can be. Any other function is called.
	if push := bindings.JSONPushOf(e.L, fn); push != nil {
		s := &jsonSink{e: e, depth: depth + 1}
		e.byte('[')
		push(e.L, s)
		if s.n > 0 {
			e.newline(depth)
		}
		e.byte(']')
		return
	}
	stream := bindings.JSONStreamOf(e.L, fn)
	n := 0
	e.byte('[')
	for e.err == nil && e.werr == nil { // a closed output ends the stream
		if stream != nil {
			// The separator goes before the object, which the stream may
			// not have: it is taken back then (no flush in between).
			e.flushFull()
			mark := len(e.out)
			if n > 0 {
				e.byte(',')
			}
			out, ok := stream(e.L, bindings.AppendJSONIndent(e.out, depth+1), depth+1, e.val)
			if !ok {
				e.out = e.out[:mark]
				break
			}
			e.out = out
			n++
			continue
		}
		e.L.Push(fn)
		e.L.Call(0, 1)
		x := e.L.Get(-1)
		e.L.Pop(1)
		if x == lua.LNil {
			break
		}
		if n > 0 {
			e.byte(',')
		}
		n++
		e.newline(depth + 1)
		e.value(x, depth+1)
	}
	if n > 0 {
		e.newline(depth)
	}
	e.byte(']')
}

// jsonSink is a list of a pushed stream's objects (bindings.JSONPush)
// being written.
type jsonSink struct {
	e     *jsonWriter
	depth int // the objects'
	n     int // objects written
	mark  int // the output's length before the current object's separator
}

// Next writes the separator and the line of the next object; Put takes
// them back if there is none (no flush in between).
func (s *jsonSink) Next() ([]byte, int) {
	e := s.e
	e.flushFull()
	s.mark = len(e.out)
	if s.n > 0 {
		e.byte(',')
	}
	return bindings.AppendJSONIndent(e.out, s.depth), s.depth
}

func (s *jsonSink) Put(dst []byte, ok bool) bool {
	if ok {
		s.e.out = dst
		s.n++
	} else {
		s.e.out = dst[:s.mark]
	}
	return s.e.err == nil && s.e.werr == nil // a closed output ends the stream
}

func (s *jsonSink) Value() bindings.JSONValue { return s.e.val }

// jsonWriter encodes Lua values the way json.MarshalIndent(v, "", "  ")
// encodes bindings.FromLua(v).
type jsonWriter struct {
	dst  io.Writer
	out  []byte      // written to dst when it passes flushSize, and at the end
	werr error       // the first error writing to dst
	L    *lua.LState // calls returned iterators (Runtime.PrintJSON); nil: none
	seen map[*lua.LTable]bool
	val  bindings.JSONValue // appendValue, made once
	buf  []byte
	err  error
	// members holds one reusable key list per nesting depth.
	members [][]member
}

// member is one key of a table being written as an object.
type member struct {
	key string
	lk  lua.LValue
	val lua.LValue
}

// flushSize is how much output the writer gathers before writing it.
const flushSize = 64 << 10

// byte, string and bytes append to the output; appends inline where a
// bufio.Writer's calls did not (13% of a streamed route dump's time).
func (e *jsonWriter) byte(c byte)     { e.out = append(e.out, c) }
func (e *jsonWriter) string(s string) { e.out = append(e.out, s...) }
func (e *jsonWriter) bytes(b []byte)  { e.out = append(e.out, b...) }

// flush writes the gathered output; the first write error sticks and
// stops further writes.
func (e *jsonWriter) flush() {
	if e.werr == nil && len(e.out) > 0 {
		_, e.werr = e.dst.Write(e.out)
	}
	e.out = e.out[:0]
}

// flushFull writes the gathered output once it passes flushSize.
func (e *jsonWriter) flushFull() {
	if len(e.out) >= flushSize {
		e.flush()
	}
}

func (e *jsonWriter) newline(depth int) {
	e.flushFull()
	e.out = bindings.AppendJSONIndent(e.out, depth)
}

// appendValue is value as a bindings.JSONValue, for records' plans.
func (e *jsonWriter) appendValue(dst []byte, v lua.LValue, depth int) []byte {
	e.out = dst
	e.value(v, depth)
	return e.out
}

func (e *jsonWriter) value(v lua.LValue, depth int) {
	switch v := v.(type) {
	case *lua.LNilType:
		e.string("null")
	case lua.LBool:
		e.string(strconv.FormatBool(bool(v)))
	case lua.LString:
		e.str(string(v))
	case lua.LNumber:
		f := float64(v)
		if f == math.Trunc(f) && math.Abs(f) <= bindings.MaxExactInt {
			e.buf = strconv.AppendInt(e.buf[:0], int64(f), 10)
			e.bytes(e.buf)
			return
		}
		b, err := json.Marshal(f)
		if err != nil {
			e.fail(err)
			return
		}
		e.bytes(b)
	case *lua.LTable:
		e.table(v, depth)
	default:
		e.str(bindings.FromLua(v).(string))
	}
}

func (e *jsonWriter) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// str writes s quoted, as encoding/json quotes it.
func (e *jsonWriter) str(s string) { e.out = bindings.AppendJSONString(e.out, s) }

// table writes t as FromLua shapes it: a list when its keys are 1..n
// (an empty table is an empty list), else an object with sorted keys.
func (e *jsonWriter) table(t *lua.LTable, depth int) {
	// A record not yet materialised writes itself; it cannot hold itself
	// (writing to it materialises it), so it needs no cycle check.
	if out, ok := bindings.AppendRecordJSON(t, e.out, depth, e.val); ok {
		e.out = out
		return
	}
	if e.seen[t] {
		e.str("<cycle>")
		return
	}
	e.seen[t] = true
	defer delete(e.seen, t)
	n := t.Len()
	members := e.memberList(depth)
	// Next hands out the table's own boxed keys: no allocation per key.
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		members = append(members, member{val: v, lk: k})
	}
	if len(members) == n {
		clear(members)
		e.members[depth] = members[:0]
		if n == 0 {
			e.string("[]")
			return
		}
		e.byte('[')
		for i := 1; i <= n; i++ {
			if i > 1 {
				e.byte(',')
			}
			e.newline(depth + 1)
			e.value(t.RawGetInt(i), depth+1)
		}
		e.newline(depth)
		e.byte(']')
		return
	}
	e.object(members, depth)
}

// memberList returns the reusable, empty member list of depth.
func (e *jsonWriter) memberList(depth int) []member {
	for len(e.members) <= depth {
		e.members = append(e.members, nil)
	}
	return e.members[depth][:0]
}

// object writes members as a JSON object with sorted keys; no members
// are an empty list, as FromLua makes an empty table. The list is
// cleared and kept for reuse at its depth.
func (e *jsonWriter) object(members []member, depth int) {
	defer func() { clear(members); e.members[depth] = members[:0] }()
	if len(members) == 0 {
		e.string("[]")
		return
	}
	sorted := true
	for i := range members {
		members[i].key = keyName(members[i].lk)
		sorted = sorted && (i == 0 || members[i-1].key <= members[i].key)
	}
	if !sorted { // a record's fields come sorted already
		slices.SortStableFunc(members, func(a, b member) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return 0
		})
	}
	e.byte('{')
	wrote := false
	for i, m := range members {
		if i+1 < len(members) && members[i+1].key == m.key {
			continue // keys that render alike (1 and "1"): one of them, as a Go map keeps
		}
		if wrote {
			e.byte(',')
		}
		wrote = true
		e.newline(depth + 1)
		e.str(m.key)
		e.string(": ")
		e.value(m.val, depth+1)
	}
	e.newline(depth)
	e.byte('}')
}

// keyName renders a table key as bindings.FromLua does.
func keyName(k lua.LValue) string {
	if n, ok := k.(lua.LNumber); ok {
		return n.String()
	}
	if s, ok := k.(lua.LString); ok {
		return string(s)
	}
	return fmt.Sprint(k)
}
