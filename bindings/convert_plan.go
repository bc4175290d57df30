package bindings

import (
	"encoding"
	"fmt"
	"net/netip"
	"reflect"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// ToLua works from a conversion plan per Go type, built once per Lua
// state (kept in its registry, so there is no package-level cache): the
// type's methods, kind and struct tags are looked at when the plan is
// made, never again per value. Struct fields are converted into a scratch
// list first so each table is made at its final size.

// convKey is where the plan cache is kept in the Lua registry.
const convKey = "nlsh.convert"

// maxDepth is how deep ToLua follows nested values before giving nil.
const maxDepth = 64

// convFunc converts one value of the type it was planned for.
type convFunc func(c *convCache, L *lua.LState, v reflect.Value, depth int) lua.LValue

// typeConv is the plan of one type; conv is set once the plan is built
// (a recursive type refers to its own typeConv while it is being made).
type typeConv struct {
	conv convFunc
}

// convCache holds the plans of one Lua state and scratch space.
type convCache struct {
	types   map[reflect.Type]*typeConv
	nums    [256]lua.LValue // pre-boxed small integers: no allocation each
	scratch []fieldValue
	rec     *recordState // records' metatable and shapes, made on first use
	streams map[*lua.LFunction]jsonStreams
	// text is where the short strings of records are cut from.
	text textArena
}

// textChunk is the size of the chunks a textArena cuts strings from.
const textChunk = 4 << 10

// textArena cuts short strings from chunks of text: the strings a dump's
// records make one by one (a route's dst, read for each of 100,000) cost
// one allocation a chunk, not one each. A Builder never changes what it
// wrote, so the strings it gave stay as they are; a string kept keeps its
// chunk. Not for use from several goroutines.
type textArena struct {
	text strings.Builder
	// tmp is where a string's bytes are put together first (append).
	tmp []byte
}

// cut returns b as a string cut from the arena's chunk of text.
func (a *textArena) cut(b []byte) string {
	if len(b) > textChunk/16 {
		return string(b)
	}
	if a.text.Cap()-a.text.Len() < len(b) {
		a.text.Reset() // the strings cut so far keep the old chunk
		a.text.Grow(textChunk)
	}
	n := a.text.Len()
	a.text.Write(b)
	return a.text.String()[n:]
}

// fieldValue is one converted struct field waiting for its table.
type fieldValue struct {
	name string
	v    lua.LValue
}

var (
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	stringerType      = reflect.TypeFor[fmt.Stringer]()
	lvalueType        = reflect.TypeFor[lua.LValue]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
	addrType          = reflect.TypeFor[netip.Addr]()
	prefixType        = reflect.TypeFor[netip.Prefix]()
	stringsType       = reflect.TypeFor[[]string]()
)

// convCacheOf returns L's plan cache, making it on first use.
func convCacheOf(L *lua.LState) *convCache {
	if ud, ok := L.G.Registry.RawGetString(convKey).(*lua.LUserData); ok {
		if c, ok := ud.Value.(*convCache); ok {
			return c
		}
	}
	c := &convCache{types: map[reflect.Type]*typeConv{}}
	for i := range c.nums {
		c.nums[i] = lua.LNumber(i)
	}
	ud := L.NewUserData()
	ud.Value = c
	L.G.Registry.RawSetString(convKey, ud)
	return c
}

func (c *convCache) convert(L *lua.LState, v reflect.Value, depth int) lua.LValue {
	if !v.IsValid() || depth > maxDepth {
		return lua.LNil
	}
	return c.plan(v.Type()).conv(c, L, v, depth)
}

// plan returns the conversion plan of t.
func (c *convCache) plan(t reflect.Type) *typeConv {
	if tc, ok := c.types[t]; ok {
		return tc
	}
	tc := &typeConv{}
	c.types[t] = tc
	tc.conv = c.build(t)
	return tc
}

func (c *convCache) int(n int64) lua.LValue {
	if uint64(n) < uint64(len(c.nums)) {
		return c.nums[n]
	}
	if n > MaxExactInt || n < -MaxExactInt {
		return lua.LString(strconv.FormatInt(n, 10))
	}
	return lua.LNumber(n)
}

func (c *convCache) uint(n uint64) lua.LValue {
	if n < uint64(len(c.nums)) {
		return c.nums[n]
	}
	if n > MaxExactInt {
		return lua.LString(strconv.FormatUint(n, 10))
	}
	return lua.LNumber(n)
}

// build makes the conversion function of t, in the order ToLua documents:
// pointers and interfaces, then text and string methods, then the kind.
func (c *convCache) build(t reflect.Type) convFunc {
	switch t.Kind() {
	case reflect.Pointer:
		return c.buildPointer(t)
	case reflect.Interface:
		return convInterface
	}
	switch {
	case t == addrType:
		return convAddr
	case t == prefixType:
		return convPrefix
	case t.Implements(textMarshalerType):
		return convText
	case t.Implements(stringerType) && (t.Kind() != reflect.Struct || t.NumField() == 0):
		return convStringer
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue { return lua.LBool(v.Bool()) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(c *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue { return c.int(v.Int()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(c *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue { return c.uint(v.Uint()) }
	case reflect.Float32, reflect.Float64:
		return func(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue { return lua.LNumber(v.Float()) }
	case reflect.String:
		return func(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue { return lua.LString(v.String()) }
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return func(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue {
				if v.IsNil() {
					return lua.LNil
				}
				return lua.LString(v.Bytes())
			}
		}
		return c.buildList(t, true)
	case reflect.Array:
		return c.buildList(t, false)
	case reflect.Map:
		return c.buildMap(t)
	case reflect.Struct:
		return c.buildStruct(t)
	}
	return func(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue {
		return lua.LString(fmt.Sprint(v.Interface()))
	}
}

func (c *convCache) buildPointer(t reflect.Type) convFunc {
	switch {
	case t.Implements(lvalueType):
		return func(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue {
			if v.IsNil() {
				return lua.LNil
			}
			return v.Interface().(lua.LValue)
		}
	case t.Implements(textMarshalerType):
		return func(c *convCache, L *lua.LState, v reflect.Value, d int) lua.LValue {
			if v.IsNil() {
				return lua.LNil
			}
			return convText(c, L, v, d)
		}
	case t.Implements(stringerType):
		return func(c *convCache, L *lua.LState, v reflect.Value, d int) lua.LValue {
			if v.IsNil() {
				return lua.LNil
			}
			return convStringer(c, L, v, d)
		}
	}
	elem := c.plan(t.Elem())
	return func(c *convCache, L *lua.LState, v reflect.Value, depth int) lua.LValue {
		if v.IsNil() || depth+1 > maxDepth {
			return lua.LNil
		}
		return elem.conv(c, L, v.Elem(), depth+1)
	}
}

func convInterface(c *convCache, L *lua.LState, v reflect.Value, depth int) lua.LValue {
	if v.IsNil() {
		return lua.LNil
	}
	e := v.Elem()
	if lv, ok := e.Interface().(lua.LValue); ok {
		return lv
	}
	return c.convert(L, e, depth+1)
}

func convAddr(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue {
	var a netip.Addr
	if v.CanAddr() {
		a = *v.Addr().Interface().(*netip.Addr)
	} else {
		a = v.Interface().(netip.Addr)
	}
	if !a.IsValid() {
		return lua.LString("")
	}
	return lua.LString(a.String())
}

func convPrefix(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue {
	var p netip.Prefix
	if v.CanAddr() {
		p = *v.Addr().Interface().(*netip.Prefix)
	} else {
		p = v.Interface().(netip.Prefix)
	}
	if !p.IsValid() {
		return lua.LString("")
	}
	return lua.LString(p.String())
}

// methods returns v's value as an interface holding a pointer when v is
// addressable (no copy, no allocation), else holding the value.
func methods(v reflect.Value) any {
	if v.CanAddr() && v.Kind() != reflect.Pointer {
		return v.Addr().Interface()
	}
	return v.Interface()
}

func convText(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue {
	if v.Kind() == reflect.Slice && v.IsNil() {
		return lua.LNil
	}
	x := methods(v).(encoding.TextMarshaler)
	b, err := x.MarshalText()
	if err != nil {
		return lua.LString(fmt.Sprint(v.Interface()))
	}
	return lua.LString(b)
}

func convStringer(_ *convCache, _ *lua.LState, v reflect.Value, _ int) lua.LValue {
	if v.Kind() == reflect.Slice && v.IsNil() {
		return lua.LNil
	}
	return lua.LString(methods(v).(fmt.Stringer).String())
}

func (c *convCache) buildList(t reflect.Type, slice bool) convFunc {
	elem := c.plan(t.Elem())
	return func(c *convCache, L *lua.LState, v reflect.Value, depth int) lua.LValue {
		if slice && v.IsNil() {
			return lua.LNil
		}
		n := v.Len()
		tb := L.CreateTable(n, 0)
		for i := 0; i < n; i++ {
			var lv lua.LValue = lua.LNil
			if depth+1 <= maxDepth {
				lv = elem.conv(c, L, v.Index(i), depth+1)
			}
			tb.RawSetInt(i+1, lv)
		}
		return tb
	}
}

func (c *convCache) buildMap(t reflect.Type) convFunc {
	key, val := c.plan(t.Key()), c.plan(t.Elem())
	return func(c *convCache, L *lua.LState, v reflect.Value, depth int) lua.LValue {
		if v.IsNil() {
			return lua.LNil
		}
		tb := L.CreateTable(0, v.Len())
		if depth+1 > maxDepth {
			return tb
		}
		iter := v.MapRange()
		for iter.Next() {
			k := key.conv(c, L, iter.Key(), depth+1)
			if k == lua.LNil {
				continue
			}
			tb.RawSet(k, val.conv(c, L, iter.Value(), depth+1))
		}
		return tb
	}
}

// omission says when a struct field is left out.
type omission uint8

const (
	omitNever omission = iota
	omitEmpty          // omitempty: the zero value, or an empty slice or map
	omitZero           // omitzero: the zero value (IsZero when the type has it)
)

// fieldPlan is one struct field, or one embedded struct flattened in.
type fieldPlan struct {
	index    int
	name     string
	omit     omission
	isZeroer bool        // omitzero through the type's IsZero method
	deref    bool        // an embedded pointer to a non-struct: convert the element
	embed    *structPlan // an embedded struct (or pointer to one) flattened in
	embedPtr bool
	tc       *typeConv
	typ      reflect.Type // the field's type (the element's, for deref)
	// str marks a plain string field: its last value is kept boxed, so a
	// run of values such as "inet", "main", "link" boxes each once.
	str   bool
	lastS string
	lastV lua.LValue
}

// structPlan is the fields of a struct type, in order.
type structPlan struct {
	fields []fieldPlan
}

func (c *convCache) buildStruct(t reflect.Type) convFunc {
	sp := c.structPlanOf(t)
	return func(c *convCache, L *lua.LState, v reflect.Value, depth int) lua.LValue {
		start := len(c.scratch)
		c.fields(sp, L, v, depth)
		vals := c.scratch[start:]
		tb := L.CreateTable(0, len(vals))
		for _, f := range vals {
			tb.RawSetString(f.name, f.v)
		}
		clear(vals)
		c.scratch = c.scratch[:start]
		return tb
	}
}

func (c *convCache) structPlanOf(t reflect.Type) *structPlan {
	sp := &structPlan{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		fp := fieldPlan{index: i}
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				fp.embedPtr = true
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				fp.embed = c.structPlanOf(ft)
				sp.fields = append(sp.fields, fp)
				continue
			}
			fp.deref = fp.embedPtr
			fp.embedPtr = false
		}
		if name == "" {
			name = f.Name
		}
		fp.name = name
		switch {
		case strings.Contains(opts, "omitempty"):
			fp.omit = omitEmpty
		case strings.Contains(opts, "omitzero"):
			fp.omit = omitZero
			fp.isZeroer = ft.Kind() != reflect.Interface && ft.Implements(isZeroerType)
		}
		fp.tc, fp.typ = c.plan(ft), ft
		fp.str = ft == reflect.TypeFor[string]()
		sp.fields = append(sp.fields, fp)
	}
	return sp
}

// field converts field fp of a struct whose value is fv (v.Field(fp.index)),
// giving nil when the field is left out (omitempty, omitzero, a nil
// pointer it dereferences, too deep).
func (c *convCache) field(fp *fieldPlan, L *lua.LState, fv reflect.Value, depth int) lua.LValue {
	if fp.deref {
		if fv.IsNil() {
			return lua.LNil
		}
		fv = fv.Elem()
	}
	switch fp.omit {
	case omitEmpty:
		if fv.IsZero() {
			return lua.LNil
		}
		if k := fv.Kind(); (k == reflect.Slice || k == reflect.Map) && fv.Len() == 0 {
			return lua.LNil
		}
	case omitZero:
		if fp.isZeroer {
			if methods(fv).(interface{ IsZero() bool }).IsZero() {
				return lua.LNil
			}
		} else if fv.IsZero() {
			return lua.LNil
		}
	}
	if depth+1 > maxDepth {
		return lua.LNil
	}
	if fp.str {
		s := fv.String()
		if fp.lastV == nil || s != fp.lastS {
			fp.lastS, fp.lastV = s, lua.LString(s)
		}
		return fp.lastV
	}
	return fp.tc.conv(c, L, fv, depth+1)
}

// fields appends the converted fields of struct value v to the scratch
// list, flattening embedded structs.
func (c *convCache) fields(sp *structPlan, L *lua.LState, v reflect.Value, depth int) {
	for i := range sp.fields {
		fp := &sp.fields[i]
		fv := v.Field(fp.index)
		if fp.embed != nil {
			if fp.embedPtr {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			c.fields(fp.embed, L, fv, depth+1)
			continue
		}
		lv := c.field(fp, L, fv, depth)
		if lv != lua.LNil {
			c.scratch = append(c.scratch, fieldValue{fp.name, lv})
		}
	}
}
