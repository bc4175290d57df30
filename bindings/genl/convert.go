package genl

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// maxAttrType is the largest attribute number (the type field without
// the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits).
const maxAttrType = 0x3fff

// attrsFromLua converts the attrs table of genl.request into the map
// EncodeAttrs takes. Top-level integer keys are attribute numbers
// ([5] = "\1\0\0\0", raw bytes); string keys are schema names (or
// "attr_N"). Nested tables whose keys are exactly 1..n are lists (Multi
// attributes, arrays); other nested tables are nests, where integer keys
// are attribute numbers too. It raises naming the field for keys and
// values it cannot take.
func attrsFromLua(a *bindings.Args, field string, t *lua.LTable) map[string]any {
	return tableToMap(a, field, t)
}

func tableToMap(a *bindings.Args, path string, t *lua.LTable) map[string]any {
	m := map[string]any{}
	t.ForEach(func(k, v lua.LValue) {
		var name string
		switch k := k.(type) {
		case lua.LString:
			name = string(k)
		case lua.LNumber:
			f := float64(k)
			if f != math.Trunc(f) || f < 0 || f > maxAttrType {
				a.Fail(path, "key %s: want an attribute number 0..%d or a name", k, maxAttrType)
			}
			name = "attr_" + strconv.Itoa(int(f))
		default:
			a.Fail(path, "key of type %s: want an attribute number or a name", k.Type())
		}
		m[name] = valueFromLua(a, path+"."+name, v)
	})
	return m
}

func valueFromLua(a *bindings.Args, path string, v lua.LValue) any {
	switch v := v.(type) {
	case lua.LString:
		return string(v)
	case lua.LBool:
		return bool(v)
	case lua.LNumber:
		f := float64(v)
		if f != math.Trunc(f) || math.IsInf(f, 0) || math.Abs(f) > bindings.MaxExactInt {
			a.Fail(path, "want an integer, got %s", bindings.Describe(v))
		}
		return int64(f)
	case *lua.LTable:
		n := v.Len()
		count := 0
		v.ForEach(func(lua.LValue, lua.LValue) { count++ })
		if n > 0 && count == n {
			l := make([]any, n)
			for i := 1; i <= n; i++ {
				l[i-1] = valueFromLua(a, fmt.Sprintf("%s[%d]", path, i), v.RawGetInt(i))
			}
			return l
		}
		return tableToMap(a, path, v)
	}
	a.Fail(path, "want a string, number, boolean or table, got %s", bindings.Describe(v))
	return nil
}

// treeToLua converts a decoded attribute map (codec.Tree.Map) into a Lua
// table: schema names as keys, unknown attributes ("attr_N") under their
// number N, byte payloads as strings, u64 values past 2^53 as decimal
// strings.
func treeToLua(L *lua.LState, m map[string]any) *lua.LTable {
	t := L.CreateTable(0, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var key lua.LValue = lua.LString(k)
		if s, ok := strings.CutPrefix(k, "attr_"); ok {
			if n, err := strconv.Atoi(s); err == nil {
				key = lua.LNumber(n)
			}
		}
		t.RawSet(key, plainToLua(L, m[k]))
	}
	return t
}

func plainToLua(L *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case map[string]any:
		return treeToLua(L, v)
	case []any:
		l := L.CreateTable(len(v), 0)
		for _, x := range v {
			l.Append(plainToLua(L, x))
		}
		return l
	}
	return bindings.ToLua(L, v)
}
