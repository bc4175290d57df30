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
	w := &attrWalk{a: a}
	return w.tableToMap(field, t, 1)
}

// Bounds of an attribute tree from Lua: netlink nests are a few levels
// deep, so a deeper table is a mistake (or a cyclic table), and a bound
// on the values visited keeps a table that shares subtables (a DAG with
// exponentially many paths) from running until the deadline.
const (
	maxAttrDepth = 32
	maxAttrNodes = 1 << 16
)

// attrWalk converts one attribute table, counting what it visited.
type attrWalk struct {
	a     *bindings.Args
	nodes int
}

func (w *attrWalk) tableToMap(path string, t *lua.LTable, depth int) map[string]any {
	if depth > maxAttrDepth {
		w.a.Fail(path, "nested deeper than %d levels (a cyclic table?)", maxAttrDepth)
	}
	m := map[string]any{}
	t.ForEach(func(k, v lua.LValue) {
		var name string
		switch k := k.(type) {
		case lua.LString:
			name = string(k)
		case lua.LNumber:
			f := float64(k)
			if f != math.Trunc(f) || f < 0 || f > maxAttrType {
				w.a.Fail(path, "key %s: want an attribute number 0..%d or a name", k, maxAttrType)
			}
			name = "attr_" + strconv.Itoa(int(f))
		default:
			w.a.Fail(path, "key of type %s: want an attribute number or a name", k.Type())
		}
		m[name] = w.valueFromLua(path+"."+name, v, depth)
	})
	return m
}

func (w *attrWalk) valueFromLua(path string, v lua.LValue, depth int) any {
	if w.nodes++; w.nodes > maxAttrNodes {
		w.a.Fail(path, "more than %d values in the attribute tree", maxAttrNodes)
	}
	switch v := v.(type) {
	case lua.LString:
		return string(v)
	case lua.LBool:
		return bool(v)
	case lua.LNumber:
		f := float64(v)
		if f != math.Trunc(f) || math.IsInf(f, 0) || math.Abs(f) > bindings.MaxExactInt {
			w.a.Fail(path, "want an integer, got %s", bindings.Describe(v))
		}
		return int64(f)
	case *lua.LTable:
		if depth+1 > maxAttrDepth {
			w.a.Fail(path, "nested deeper than %d levels (a cyclic table?)", maxAttrDepth)
		}
		n := v.Len()
		count := 0
		v.ForEach(func(lua.LValue, lua.LValue) { count++ })
		if n > 0 && count == n {
			l := make([]any, n)
			for i := 1; i <= n; i++ {
				l[i-1] = w.valueFromLua(fmt.Sprintf("%s[%d]", path, i), v.RawGetInt(i), depth+1)
			}
			return l
		}
		return w.tableToMap(path, v, depth+1)
	}
	w.a.Fail(path, "want a string, number, boolean or table, got %s", bindings.Describe(v))
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
