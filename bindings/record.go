package bindings

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Records are how dumps reach Lua cheaply. A record is a plain Lua table
// (type() says "table") standing for one Go struct value: its fields are
// converted, as ToLua would convert them, when a script first reads them,
// not when the dump hands the value over. Building a table of ten fields
// in gopher-lua costs ~34 allocations (each key is boxed and listed for
// ordered iteration); a record costs four, and a loop that reads r.dst of
// 100,000 routes converts one field of each.
//
// A record behaves as the table ToLua would have built: reading a field
// gives what that table would hold; writing any field, setmetatable, and
// the functions that walk a table's raw contents (pairs, next, ipairs,
// rawget, rawset, unpack, table.*) first turn it into that very table
// (materialise: every field set, the metatable gone), as do the Go readers
// (Args, FromLua, SortedKeys, EachField's callers). #r is 0, as for any
// table with only named fields. A nested table (a link's stats) is built
// whole on first read and kept, so changes to it stick.
//
// The table keeps its Go value in its array slot 1, as a value of type
// userdata (the *record itself: no lua.LUserData is made for it) with no
// metatable and nothing a script can do with it, and shares one
// metatable per Lua state. Reading r[1] of a record not yet materialised
// is the one way to see that slot (every raw reader materialises first);
// a key that no script can make would cost twice the allocations.

// RecordSpec describes how values of one struct type show as records:
// ToLua's fields, with the Computed ones given by their functions instead.
// A spec is static data: declare it once per type, as a package variable
// that nothing modifies.
type RecordSpec struct {
	// Computed gives fields that are not ToLua's conversion of the
	// struct's own field of that name (or that the struct lacks). The
	// function gets a pointer to the struct value; ok false falls back
	// to ToLua's field, a nil value leaves the field out.
	Computed map[string]func(L *lua.LState, v any) (lua.LValue, bool)
	// AppendComputed gives Computed fields whose value is a string a
	// second form, for writers that only render it (JSON): it appends
	// the bytes of the string Computed would give to dst, without making
	// the string; ok false (dst unchanged) says Computed gives another
	// value, and Computed is called. It must agree with Computed, and
	// must not run Lua code.
	AppendComputed map[string]func(dst []byte, v any) ([]byte, bool)
	// DropEmpty leaves out fields whose value is "" (zero addresses,
	// which ToLua renders as empty strings), nested tables included.
	DropEmpty bool
}

// recordShape is a spec applied to one struct type, per Lua state.
type recordShape struct {
	spec   *RecordSpec
	typ    reflect.Type            // the struct type
	plan   *structPlan             // nil: the type is not shown as a table of fields
	fields []recordField           // every field, sorted by name
	byName map[string]*recordField // the same, by name
	last   *recordField            // the field found last (field)
	json   []jsonField             // the JSON plan, made on first use
	// jsonLines are the plan's member lines by depth (jsonLinesAt).
	jsonLines [][]jsonLine
}

// recordField is one field a record can show.
type recordField struct {
	name     string
	ls       lua.LValue   // name, boxed once
	path     []*fieldPlan // embedded structs, then the field; nil: computed only
	computed func(L *lua.LState, v any) (lua.LValue, bool)
	// appendComputed is computed's append form (RecordSpec.AppendComputed).
	appendComputed func(dst []byte, v any) ([]byte, bool)
	index          int // in the shape's fields
}

// record is what a record's hidden slot holds: its Go value and what
// the records of one type share. It is a lua.LValue of type userdata of
// its own, so the slot costs no lua.LUserData.
type record struct {
	kind *recordKind
	// val is, when the kind is not lazy, the pointer to the Go value
	// (for Computed); when it is, the value (a lua.LValue) of the kind's
	// field read ahead when the record was prepared (Preparer), or nil.
	val any
	// src, for a lazy record (its kind has a lazy source), is the bytes
	// its value decodes from.
	src []byte
}

// lazySource decodes the values of lazy records.
type lazySource interface {
	// load returns a pointer to the value of src, a record's bytes,
	// decoding them if the value it holds is of other bytes.
	load(src []byte) any
}

// recordKind is what the records of one shape made in one state share.
type recordKind struct {
	shape *recordShape
	mt    *lua.LTable
	L     *lua.LState // the state they were made in
	c     *convCache  // its conversion plans
	// lazy, when set, holds the records' values: each decoded from its
	// record's src when read (a LazyRecordMaker's own kind).
	lazy lazySource
	// raw, when set, are the append forms of fields read from a lazy
	// record's bytes without decoding them, by field index (nil: none).
	raw []func(dst, src []byte) ([]byte, bool)
	// ahead is the index of the field a lazy record prepared by a
	// Preparer holds the value of (LazyRecordMaker.ReadAhead); -1: none,
	// as for every kind that is not lazy.
	ahead int
}

// String is how tostring shows the hidden slot, as a userdata.
func (r *record) String() string { return fmt.Sprintf("userdata: %p", r) }

// Type is userdata: type(r[1]) of a record not yet materialised.
func (r *record) Type() lua.LValueType { return lua.LTUserData }

// pointer is the pointer to the Go value, decoded first if r is lazy: it
// stays valid only until another record of r's maker is read.
func (r *record) pointer() any {
	if l := r.kind.lazy; l != nil {
		return l.load(r.src)
	}
	return r.val
}

// recordState is a Lua state's record metatable and shapes, kept in its
// convCache.
type recordState struct {
	mt     *lua.LTable
	shapes map[recordShapeKey]*recordShape
	kinds  map[recordShapeKey]*recordKind
	// last is the kind asked for last: a dump asks for one kind
	// thousands of times in a row (the map's hash of a reflect.Type
	// showed in profiles).
	lastKey recordShapeKey
	last    *recordKind
}

type recordShapeKey struct {
	spec *RecordSpec
	t    reflect.Type
}

// NewRecord returns v as a record under spec. v is copied: the caller may
// reuse it. T is a struct type that ToLua shows as a table of its fields
// (for another type the result is ToLua's table, or an empty one).
func NewRecord[T any](L *lua.LState, spec *RecordSpec, v *T) *lua.LTable {
	k := kindOf[T](L, spec)
	if k.shape.plan == nil {
		// Not shown as a table of fields: ToLua's value, if a table.
		if t, ok := ToLua(L, *v).(*lua.LTable); ok {
			return t
		}
		return L.CreateTable(0, 0)
	}
	// The record and its copy of v are one allocation.
	b := &recordBox[T]{val: *v}
	b.record = record{kind: k, val: &b.val}
	return k.table(L, &b.record)
}

// NewRecordOwned is NewRecord for a value the caller hands over: the
// record keeps v itself, without a copy, so v must not change afterwards
// (a dump's batch that is never reused).
func NewRecordOwned[T any](L *lua.LState, spec *RecordSpec, v *T) *lua.LTable {
	k := kindOf[T](L, spec)
	if k.shape.plan == nil {
		return NewRecord(L, spec, v)
	}
	return k.table(L, &record{kind: k, val: v})
}

// RecordMaker makes records of values of T under one spec in one state,
// for a dump that makes thousands in a row: the look-ups NewRecord makes
// per record are made once, and the records' Go sides are allocated
// many at a time. Not for use from several goroutines.
type RecordMaker[T any] struct {
	kind *recordKind
	spec *RecordSpec
	free recordPool
}

// recordPool hands out records allocated recordChunk at a time.
type recordPool []record

// recordChunk is how many records a recordPool allocates at once; a
// record kept alive keeps its chunk (48 bytes a record).
const recordChunk = 256

// next returns a zero record.
func (p *recordPool) next() *record {
	if len(*p) == 0 {
		*p = make([]record, recordChunk)
	}
	r := &(*p)[0]
	*p = (*p)[1:]
	return r
}

// NewRecordMaker returns a maker of records of T under spec in L.
func NewRecordMaker[T any](L *lua.LState, spec *RecordSpec) *RecordMaker[T] {
	return &RecordMaker[T]{kind: kindOf[T](L, spec), spec: spec}
}

// Owned is NewRecordOwned(L, spec, v): the record keeps v itself, which
// must not change afterwards.
func (m *RecordMaker[T]) Owned(L *lua.LState, v *T) *lua.LTable {
	k := m.kind
	if k.shape.plan == nil {
		return NewRecord(L, m.spec, v)
	}
	r := m.free.next()
	r.kind, r.val = k, v
	return k.table(L, r)
}

// LazyRecordMaker makes records of values of T kept encoded: a record
// holds the bytes its value decodes from (b of Load), not the value, and
// decodes them again when a field is read and the maker's one decoded
// value is another record's. A dump whose records are read one after the
// other (for r in each do ... end) decodes each once into the same value
// and keeps only bytes, which hold no pointers and are a fraction of the
// value's size. Not for use from several goroutines.
type LazyRecordMaker[T any] struct {
	kind   *recordKind // the maker's own: its records decode through it
	plain  *recordKind // the spec's, for values at hand (AppendJSON)
	spec   *RecordSpec
	free   recordPool
	decode func(v *T, b []byte) (bool, error)
	check  func(b []byte) (ok, sure bool) // nil: none (Fast)
	// read is ReadAhead's check that reads a field (nil: none).
	read func(dst, b []byte) (out []byte, ok, sure bool)
	val  T      // the value decoded last
	src  []byte // the bytes it was decoded from; nil: none
	cur  []byte // the bytes of the last Load or Check, for Record
}

// Fast gives the maker ways to skip decoding. check, for bytes Load would
// be given, reports what Load would report when it can tell without
// decoding: sure true says decode gives no error for b, ok what decode's
// ok would be; sure false, and Check decodes. raw gives fields (by name)
// whose value is a string a form that appends that string, read from a
// record's bytes without decoding them: it must append exactly the bytes
// of the string the field's value is (before DropEmpty) for every b
// decode decodes without an error, or report false (dst unchanged), and
// then the field is read from the decoded value. Call it before the
// first record is made.
func (m *LazyRecordMaker[T]) Fast(check func(b []byte) (ok, sure bool), raw map[string]func(dst, b []byte) ([]byte, bool)) {
	m.check = check
	k := m.kind
	k.raw = nil
	for name, fn := range raw {
		f := k.shape.field(name)
		if f == nil {
			continue
		}
		if k.raw == nil {
			k.raw = make([]func(dst, src []byte) ([]byte, bool), len(k.shape.fields))
		}
		k.raw[f.index] = fn
	}
}

// NewLazyRecordMaker returns a maker of records of T under spec in L.
// decode fills all of v from b (ok false: b is not to be shown). It must
// decode the same bytes to the same value every time: a record's bytes
// are decoded once by Load, which reports an error, and again, without
// one, whenever the record is read after another.
func NewLazyRecordMaker[T any](L *lua.LState, spec *RecordSpec, decode func(v *T, b []byte) (ok bool, err error)) *LazyRecordMaker[T] {
	m := &LazyRecordMaker[T]{spec: spec, decode: decode, plain: kindOf[T](L, spec)}
	k := *m.plain
	k.lazy = m
	k.ahead = -1
	m.kind = &k
	return m
}

// Load decodes b into the maker's value and returns it, with decode's ok
// and error. The value is the maker's: valid until the next Load or
// field read of one of its records. A record of b is made by Record.
func (m *LazyRecordMaker[T]) Load(b []byte) (*T, bool, error) {
	m.src, m.cur = b, b
	ok, err := m.decode(&m.val, b)
	if err != nil {
		m.src, m.cur = nil, nil
	}
	return &m.val, ok, err
}

// Check is Load for a caller that only makes a record of b, which does
// not need b decoded: it reports decode's ok and error, decoding b only
// when the check given to Fast cannot tell them; a record of b is made by
// Record.
func (m *LazyRecordMaker[T]) Check(b []byte) (bool, error) {
	if m.check != nil && m.kind.shape.plan != nil {
		if ok, sure := m.check(b); sure {
			m.cur = b // the value, and m.src, stay another's
			return ok, nil
		}
	}
	_, ok, err := m.Load(b)
	return ok, err
}

// Record returns the record of the bytes the last Load decoded, or the
// last Check checked, without error; the record keeps the bytes, which
// must not change afterwards.
func (m *LazyRecordMaker[T]) Record(L *lua.LState) *lua.LTable {
	k := m.kind
	if k.shape.plan == nil {
		return NewRecord(L, m.spec, &m.val)
	}
	r := m.free.next()
	r.kind, r.src = k, m.cur
	return k.table(L, r)
}

// load is lazySource's: the value of src, decoded again when the maker's
// value is of other bytes (records are told apart by their bytes, which
// no two share). The bytes decoded once without error; should they not
// now (a decode that is not deterministic), the record reads as the zero
// value rather than as another record's.
func (m *LazyRecordMaker[T]) load(src []byte) any {
	if len(src) == 0 || len(m.src) != len(src) || &m.src[0] != &src[0] {
		m.src = src
		if _, err := m.decode(&m.val, src); err != nil {
			var zero T
			m.val = zero
		}
	}
	return &m.val
}

// kindOf returns what the records of spec over T made in L share.
func kindOf[T any](L *lua.LState, spec *RecordSpec) *recordKind {
	c := convCacheOf(L)
	return c.records(L).kind(L, c, spec, reflect.TypeFor[T]())
}

// table is the table of record r.
func (k *recordKind) table(L *lua.LState, r *record) *lua.LTable {
	t := L.CreateTable(1, 0)
	t.RawSetInt(1, r)
	t.Metatable = k.mt
	return t
}

// recordBox is a record with its copy of the Go value.
type recordBox[T any] struct {
	record
	val T
}

// recordOf returns t's record, or nil when t is not an unmaterialised
// record.
func recordOf(t *lua.LTable) *record {
	if t.Metatable == lua.LNil {
		return nil
	}
	r, ok := t.RawGetInt(1).(*record)
	if !ok || t.Metatable != lua.LValue(r.kind.mt) {
		return nil
	}
	return r
}

// IsRecord says whether t is a record not yet materialised.
func IsRecord(t *lua.LTable) bool { return recordOf(t) != nil }

// Materialize turns record t into the plain table ToLua would have built
// (fields already read as tables keep their identity, fields written
// keep their value); any other table is left alone. Go code that walks a
// table it got from a script calls it first (Args and FromLua do).
func Materialize(t *lua.LTable) {
	r := recordOf(t)
	if r == nil {
		return
	}
	t.Metatable = lua.LNil
	t.RawSetInt(1, lua.LNil)
	r.each(t, func(k, v lua.LValue) { t.RawSetString(string(k.(lua.LString)), v) })
}

// EachField calls fn for every field of t without materialising a
// record: a record's raw fields, then the fields it would convert (those
// not shadowed by a raw one). Other tables: every key, as Next hands
// them out. Writers that only read (JSON) use it.
func EachField(t *lua.LTable, fn func(k, v lua.LValue)) {
	r := recordOf(t)
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if r != nil {
			if _, ok := k.(lua.LNumber); ok {
				continue // the hidden slot
			}
		}
		fn(k, v)
	}
	if r != nil {
		r.each(t, fn)
	}
}

// each calls fn for the fields r converts (in name order) that its table
// t does not hold raw; t nil: every field.
func (r *record) each(t *lua.LTable, fn func(k, v lua.LValue)) {
	fields := r.kind.shape.fields
	for i := range fields {
		f := &fields[i]
		if t != nil && t.RawGetString(f.name) != lua.LNil {
			continue
		}
		// The value is taken per field: fn may read another record of
		// a lazy maker, which decodes that one's into the same place.
		if v := r.get(f); v != lua.LNil {
			fn(f.ls, v)
		}
	}
}

// get converts field f of the record (nil when the table ToLua builds
// would not have it).
func (r *record) get(f *recordField) lua.LValue {
	if f.index == r.kind.ahead && r.val != nil {
		if v, ok := r.val.(lua.LValue); ok {
			return v // read ahead
		}
	}
	if raw := r.kind.raw; raw != nil && raw[f.index] != nil {
		// Read from the bytes, without decoding them.
		a := &r.kind.c.text
		b, ok := raw[f.index](a.tmp[:0], r.src)
		if ok {
			a.tmp = b[:0]
			return r.dropEmpty(lua.LString(a.cut(b)))
		}
	}
	if f.appendComputed != nil {
		// The append form, cut from the state's text: no allocation
		// for the string's bytes (one for the value).
		a := &r.kind.c.text
		b, ok := f.appendComputed(a.tmp[:0], r.pointer())
		if ok {
			a.tmp = b[:0]
			return r.dropEmpty(lua.LString(a.cut(b)))
		}
	}
	if f.computed != nil {
		if v, ok := f.computed(r.kind.L, r.pointer()); ok {
			return r.dropEmpty(v)
		}
	}
	return r.dropEmpty(r.convert(f))
}

// convert converts the struct's own field of f as ToLua would, before
// DropEmpty (nil when the table ToLua builds would not have it).
func (r *record) convert(f *recordField) lua.LValue {
	fv, ok := r.fieldValue(f)
	if !ok {
		return lua.LNil
	}
	return r.kind.c.field(f.path[len(f.path)-1], r.kind.L, fv, len(f.path)-1)
}

// fieldValue is the struct's own field of f (addressable); ok false when
// there is none (a computed field only, a nil embedded pointer on the
// way).
func (r *record) fieldValue(f *recordField) (reflect.Value, bool) {
	if f.path == nil {
		return reflect.Value{}, false
	}
	v := reflect.ValueOf(r.pointer()).Elem()
	for _, fp := range f.path[:len(f.path)-1] {
		v = v.Field(fp.index)
		if fp.embedPtr {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
	}
	return v.Field(f.path[len(f.path)-1].index), true
}

func (r *record) dropEmpty(v lua.LValue) lua.LValue {
	if !r.kind.shape.spec.DropEmpty || v == lua.LNil {
		return v
	}
	switch x := v.(type) {
	case lua.LString:
		if x == "" {
			return lua.LNil
		}
	case *lua.LTable:
		dropEmpty(x)
	}
	return v
}

// dropEmpty removes fields whose value is "" at every level of t. It
// walks with Next, which hands out the table's own keys, and clears as it
// goes (assigning nil to a visited field keeps Next valid).
func dropEmpty(t *lua.LTable) {
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		switch v := v.(type) {
		case lua.LString:
			if v == "" {
				t.RawSet(k, lua.LNil)
			}
		case *lua.LTable:
			dropEmpty(v)
		}
	}
}

// records returns L's record state, making the metatable on first use.
func (c *convCache) records(L *lua.LState) *recordState {
	if c.rec != nil {
		return c.rec
	}
	rs := &recordState{shapes: map[recordShapeKey]*recordShape{}, kinds: map[recordShapeKey]*recordKind{}}
	mt := L.CreateTable(0, 4)
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		name, ok := L.Get(2).(lua.LString)
		r := recordOf(t)
		if !ok || r == nil {
			return 0
		}
		f := r.kind.shape.field(string(name))
		if f == nil {
			return 0
		}
		v := r.get(f)
		if _, ok := v.(*lua.LTable); ok {
			t.RawSetString(string(name), v) // kept: changes to it stick
		}
		L.Push(v)
		return 1
	}))
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		Materialize(t)
		L.RawSet(t, L.Get(2), L.Get(3))
		return 0
	}))
	mt.RawSetString("__len", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(0))
		return 1
	}))
	rs.mt = mt
	c.rec = rs
	return rs
}

// kind returns what the records of spec over struct type t made in L
// share.
func (rs *recordState) kind(L *lua.LState, c *convCache, spec *RecordSpec, t reflect.Type) *recordKind {
	key := recordShapeKey{spec, t}
	if rs.last != nil && rs.lastKey == key {
		return rs.last
	}
	k, ok := rs.kinds[key]
	if !ok {
		k = &recordKind{shape: rs.shape(c, spec, t), mt: rs.mt, L: L, c: c, ahead: -1}
		rs.kinds[key] = k
	}
	rs.lastKey, rs.last = key, k
	return k
}

// field returns the field called name, or nil. A loop reads one name of
// many records in a row, each time with the same string (a constant of
// the script): the last one found is checked first.
func (s *recordShape) field(name string) *recordField {
	if last := s.last; last != nil && last.name == name {
		return last
	}
	f := s.byName[name]
	if f != nil {
		s.last = f
	}
	return f
}

// shape returns the shape of spec over struct type t.
func (rs *recordState) shape(c *convCache, spec *RecordSpec, t reflect.Type) *recordShape {
	key := recordShapeKey{spec, t}
	if s, ok := rs.shapes[key]; ok {
		return s
	}
	s := &recordShape{spec: spec, typ: t, byName: map[string]*recordField{}}
	rs.shapes[key] = s
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(textMarshalerType) ||
		(reflect.PointerTo(t).Implements(stringerType) && t.NumField() == 0) {
		return s // no plan: ToLua shows it as something else than its fields
	}
	s.plan = c.structPlanOf(t)
	paths := map[string][]*fieldPlan{}
	var walk func(sp *structPlan, path []*fieldPlan)
	walk = func(sp *structPlan, path []*fieldPlan) {
		for i := range sp.fields {
			fp := &sp.fields[i]
			p := append(slices.Clip(path), fp)
			if fp.embed != nil {
				walk(fp.embed, p)
				continue
			}
			// Of two fields with one name the later wins, as it
			// overwrites the earlier in the table ToLua builds.
			paths[fp.name] = p
		}
	}
	walk(s.plan, nil)
	for name, p := range paths {
		s.fields = append(s.fields, recordField{name: name, ls: lua.LString(name), path: p, computed: spec.Computed[name]})
	}
	for name, fn := range spec.Computed {
		if _, ok := paths[name]; !ok {
			s.fields = append(s.fields, recordField{name: name, ls: lua.LString(name), computed: fn})
		}
	}
	for i := range s.fields {
		if f := &s.fields[i]; f.computed != nil {
			f.appendComputed = spec.AppendComputed[f.name]
		}
	}
	// Sorted by name: JSON writes fields in that order, and a sorted list
	// sorts in one pass.
	slices.SortFunc(s.fields, func(a, b recordField) int { return strings.Compare(a.name, b.name) })
	for i := range s.fields {
		s.fields[i].index = i
		s.byName[s.fields[i].name] = &s.fields[i]
	}
	return s
}

// InstallRecordFuncs makes the base and table functions that read or
// change a table's raw contents (pairs, next, ipairs, rawget, rawset,
// unpack, setmetatable, table.insert, ...) materialise a record given as
// their first argument before they run, and getmetatable give nil for
// one, as for the plain table it stands for. The runtime calls it once
// the standard libraries are open.
func InstallRecordFuncs(L *lua.LState) {
	wrap := func(orig lua.LValue) lua.LValue {
		return L.NewFunction(func(L *lua.LState) int {
			if t, ok := L.Get(1).(*lua.LTable); ok {
				Materialize(t)
			}
			return Forward(L, orig)
		})
	}
	replace := func(tb *lua.LTable, names ...string) {
		for _, name := range names {
			if orig, ok := tb.RawGetString(name).(*lua.LFunction); ok {
				tb.RawSetString(name, wrap(orig))
			}
		}
	}
	g := L.G.Global
	// pairs hands out the original next, which a materialised table needs.
	if next, ok := g.RawGetString("next").(*lua.LFunction); ok {
		if _, ok := g.RawGetString("pairs").(*lua.LFunction); ok {
			g.RawSetString("pairs", L.NewFunction(func(L *lua.LState) int {
				t := L.CheckTable(1)
				Materialize(t)
				L.Push(next)
				L.Push(t)
				L.Push(lua.LNil)
				return 3
			}))
		}
	}
	replace(g, "next", "ipairs", "rawget", "rawset", "unpack", "setmetatable")
	if orig, ok := g.RawGetString("getmetatable").(*lua.LFunction); ok {
		g.RawSetString("getmetatable", L.NewFunction(func(L *lua.LState) int {
			if t, ok := L.Get(1).(*lua.LTable); ok && IsRecord(t) {
				L.Push(lua.LNil)
				return 1
			}
			return Forward(L, orig)
		}))
	}
	if tl, ok := g.RawGetString("table").(*lua.LTable); ok {
		replace(tl, "insert", "remove", "concat", "sort", "maxn", "getn")
	}
}

// Forward calls fn with the arguments of the Go function running on L and
// returns what fn returned, for a wrapper to return: `return
// bindings.Forward(L, orig)`.
func Forward(L *lua.LState, fn lua.LValue) int {
	top := L.GetTop()
	L.Push(fn)
	for i := 1; i <= top; i++ {
		L.Push(L.Get(i))
	}
	L.Call(top, lua.MultRet)
	return L.GetTop() - top
}
