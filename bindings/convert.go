package bindings

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// MaxExactInt is the largest integer a Lua number (a float64) holds exactly.
const MaxExactInt = 1 << 53

// ToLua converts a Go value to a plain Lua value:
//
//   - structs become tables keyed by their json tag names (so fields follow
//     `ip -j`), honouring "-" and omitempty; embedded structs are flattened;
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
	return toLua(L, reflect.ValueOf(v), 0)
}

func toLua(L *lua.LState, v reflect.Value, depth int) lua.LValue {
	if !v.IsValid() || depth > 64 {
		return lua.LNil
	}
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return lua.LNil
		}
		if lv, ok := v.Interface().(lua.LValue); ok {
			return lv
		}
		if v.Kind() == reflect.Pointer && !hasTextOrString(v) {
			return toLua(L, v.Elem(), depth+1)
		}
		if v.Kind() == reflect.Interface {
			return toLua(L, v.Elem(), depth+1)
		}
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case encoding.TextMarshaler:
			if v.Kind() == reflect.Slice && v.IsNil() {
				return lua.LNil
			}
			b, err := x.MarshalText()
			if err != nil {
				return lua.LString(fmt.Sprint(x))
			}
			return lua.LString(b)
		case fmt.Stringer:
			if v.Kind() != reflect.Struct || v.NumField() == 0 {
				if v.Kind() == reflect.Slice && v.IsNil() {
					return lua.LNil
				}
				return lua.LString(x.String())
			}
		}
	}
	switch v.Kind() {
	case reflect.Bool:
		return lua.LBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := v.Int()
		if n > MaxExactInt || n < -MaxExactInt {
			return lua.LString(strconv.FormatInt(n, 10))
		}
		return lua.LNumber(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := v.Uint()
		if n > MaxExactInt {
			return lua.LString(strconv.FormatUint(n, 10))
		}
		return lua.LNumber(n)
	case reflect.Float32, reflect.Float64:
		return lua.LNumber(v.Float())
	case reflect.String:
		return lua.LString(v.String())
	case reflect.Slice:
		if v.IsNil() {
			return lua.LNil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return lua.LString(v.Bytes())
		}
		fallthrough
	case reflect.Array:
		t := L.CreateTable(v.Len(), 0)
		for i := 0; i < v.Len(); i++ {
			t.RawSetInt(i+1, toLua(L, v.Index(i), depth+1))
		}
		return t
	case reflect.Map:
		if v.IsNil() {
			return lua.LNil
		}
		t := L.CreateTable(0, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := toLua(L, iter.Key(), depth+1)
			if k == lua.LNil {
				continue
			}
			t.RawSet(k, toLua(L, iter.Value(), depth+1))
		}
		return t
	case reflect.Struct:
		t := L.CreateTable(0, v.NumField())
		structToTable(L, t, v, depth)
		return t
	}
	return lua.LString(fmt.Sprint(v.Interface()))
}

func hasTextOrString(v reflect.Value) bool {
	if !v.CanInterface() {
		return false
	}
	switch v.Interface().(type) {
	case encoding.TextMarshaler, fmt.Stringer:
		return true
	}
	return false
}

func structToTable(L *lua.LState, t *lua.LTable, v reflect.Value, depth int) {
	typ := v.Type()
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous && name == "" {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if fv.Kind() == reflect.Struct {
				structToTable(L, t, fv, depth+1)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		if strings.Contains(opts, "omitempty") && fv.IsZero() {
			continue
		}
		if (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && strings.Contains(opts, "omitempty") && fv.Len() == 0 {
			continue
		}
		lv := toLua(L, fv, depth+1)
		if lv != lua.LNil {
			t.RawSetString(name, lv)
		}
	}
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
