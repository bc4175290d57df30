package bindings

import (
	"fmt"
	"math"
	"reflect"
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// MaxExactInt is the largest integer a Lua number (a float64) holds exactly.
const MaxExactInt = 1 << 53

// ToLua converts a Go value to a plain Lua value:
//
//   - structs become tables keyed by their json tag names (so fields follow
//     `ip -j`), honouring "-", omitempty and omitzero (a zero value, or one
//     whose IsZero method says so, is left out, as encoding/json does);
//     embedded structs are flattened;
//   - values implementing encoding.TextMarshaler (netip.Addr, netip.Prefix,
//     net.HardwareAddr via fmt.Stringer) become strings;
//   - slices and arrays become lists (byte slices become strings), maps
//     tables;
//   - integers whose magnitude exceeds 2^53 (u64 counters) become decimal
//     strings, exact, because a Lua number would silently round them;
//     smaller integers and floats are numbers;
//   - nil pointers, nil interfaces and nil slices become nil.
//
// An lua.LValue passes through unchanged.
func ToLua(L *lua.LState, v any) lua.LValue {
	if lv, ok := v.(lua.LValue); ok {
		return lv
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Struct {
		// An addressable copy: fields with methods (netip.Addr) are then
		// reached through pointers, without a copy each.
		p := reflect.New(rv.Type()).Elem()
		p.Set(rv)
		rv = p
	}
	return convCacheOf(L).convert(L, rv, 0)
}

// FromLua converts a Lua value to a plain Go value: nil, bool, string,
// int64 for integral numbers within ±2^53 (float64 otherwise), []any for
// a non-empty table with keys 1..n, map[string]any for other tables (keys
// rendered as strings), and []any{} for an empty table. Error values become
// their message, other userdata and functions their tostring. Cycles
// become the string "<cycle>".
func FromLua(v lua.LValue) any {
	return fromLua(v, map[*lua.LTable]bool{})
}

func fromLua(v lua.LValue, seen map[*lua.LTable]bool) any {
	switch v := v.(type) {
	case *lua.LNilType:
		return nil
	case lua.LBool:
		return bool(v)
	case lua.LString:
		return string(v)
	case lua.LNumber:
		f := float64(v)
		if f == math.Trunc(f) && math.Abs(f) <= MaxExactInt {
			return int64(f)
		}
		return f
	case *lua.LTable:
		if seen[v] {
			return "<cycle>"
		}
		seen[v] = true
		defer delete(seen, v)
		Materialize(v)
		n := v.Len()
		count := 0
		v.ForEach(func(_, _ lua.LValue) { count++ })
		if count == n {
			out := make([]any, n)
			for i := 1; i <= n; i++ {
				out[i-1] = fromLua(v.RawGetInt(i), seen)
			}
			return out
		}
		out := make(map[string]any, count)
		v.ForEach(func(k, val lua.LValue) {
			out[keyString(k)] = fromLua(val, seen)
		})
		return out
	case *lua.LUserData:
		if e, ok := v.Value.(*Error); ok {
			return e.Error()
		}
		if s, ok := v.Value.(fmt.Stringer); ok {
			return s.String()
		}
		return "<userdata>"
	}
	return "<" + v.Type().String() + ">"
}

func keyString(k lua.LValue) string {
	if n, ok := k.(lua.LNumber); ok {
		return n.String()
	}
	return k.String()
}

// SortedKeys returns t's keys ordered numbers first (ascending), then
// strings, then the rest by type name; pretty printers and JSON use it so
// output is stable.
func SortedKeys(t *lua.LTable) []lua.LValue {
	Materialize(t)
	var keys []lua.LValue
	t.ForEach(func(k, _ lua.LValue) { keys = append(keys, k) })
	rank := func(v lua.LValue) int {
		switch v.(type) {
		case lua.LNumber:
			return 0
		case lua.LString:
			return 1
		}
		return 2
	}
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		switch a := a.(type) {
		case lua.LNumber:
			return a < b.(lua.LNumber)
		case lua.LString:
			return a < b.(lua.LString)
		}
		return a.Type().String() < b.Type().String()
	})
	return keys
}
