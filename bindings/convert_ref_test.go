package bindings

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// refToLua is ToLua as it was before conversion plans (reflection on
// every value), kept as the reference the plans are checked and
// benchmarked against.
func refToLua(L *lua.LState, v any) lua.LValue {
	if lv, ok := v.(lua.LValue); ok {
		return lv
	}
	return refConv(L, reflect.ValueOf(v), 0)
}

func refConv(L *lua.LState, v reflect.Value, depth int) lua.LValue {
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
		if v.Kind() == reflect.Pointer && !refHasTextOrString(v) {
			return refConv(L, v.Elem(), depth+1)
		}
		if v.Kind() == reflect.Interface {
			return refConv(L, v.Elem(), depth+1)
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
			t.RawSetInt(i+1, refConv(L, v.Index(i), depth+1))
		}
		return t
	case reflect.Map:
		if v.IsNil() {
			return lua.LNil
		}
		t := L.CreateTable(0, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := refConv(L, iter.Key(), depth+1)
			if k == lua.LNil {
				continue
			}
			t.RawSet(k, refConv(L, iter.Value(), depth+1))
		}
		return t
	case reflect.Struct:
		t := L.CreateTable(0, v.NumField())
		refStruct(L, t, v, depth)
		return t
	}
	return lua.LString(fmt.Sprint(v.Interface()))
}

func refHasTextOrString(v reflect.Value) bool {
	if !v.CanInterface() {
		return false
	}
	switch v.Interface().(type) {
	case encoding.TextMarshaler, fmt.Stringer:
		return true
	}
	return false
}

func refStruct(L *lua.LState, t *lua.LTable, v reflect.Value, depth int) {
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
				refStruct(L, t, fv, depth+1)
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
		lv := refConv(L, fv, depth+1)
		if lv != lua.LNil {
			t.RawSetString(name, lv)
		}
	}
}
