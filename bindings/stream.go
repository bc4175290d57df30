package bindings

import (
	lua "github.com/yuin/gopher-lua"
)

// A FieldStream is the Go side of an iterator function that hands out
// records (rtnl.route.each{...}): each call hands the next object's fields
// to emit — what EachField would give for its record — without making
// the record, and reports false at the end. A writer that only reads the
// values (--json printing a returned iterator) pulls the stream instead of
// calling the function; calling the function goes on working as before.
type FieldStream func(L *lua.LState, emit func(k, v lua.LValue)) bool

// SetFieldStream ties s to iterator fn in L's state; nil unties it (when
// the iterator is finished, so the state does not keep it).
func SetFieldStream(L *lua.LState, fn *lua.LFunction, s FieldStream) {
	c := convCacheOf(L)
	if s == nil {
		delete(c.streams, fn)
		return
	}
	if c.streams == nil {
		c.streams = map[*lua.LFunction]FieldStream{}
	}
	c.streams[fn] = s
}

// FieldStreamOf returns the stream tied to fn, or nil.
func FieldStreamOf(L *lua.LState, fn *lua.LFunction) FieldStream {
	return convCacheOf(L).streams[fn]
}

// EachFieldOf calls emit for the fields the record of *v under spec would
// have (EachField of NewRecord(L, spec, v)), in name order, without making
// the record or copying v.
func EachFieldOf[T any](L *lua.LState, spec *RecordSpec, v *T, emit func(k, v lua.LValue)) {
	k := kindOf[T](L, spec)
	if k.shape.plan == nil {
		if t, ok := ToLua(L, *v).(*lua.LTable); ok {
			EachField(t, emit)
		}
		return
	}
	r := record{kind: k, ptr: v}
	r.each(nil, emit)
}
