package bindings

import (
	lua "github.com/yuin/gopher-lua"
)

// A JSONStream is the Go side of an iterator function that hands out
// records (rtnl.route.each{...}): each call appends the next object's
// JSON at depth to dst — what the JSON writer writes for its record
// (AppendRecordJSON) — without making the record, and reports false at
// the end (dst unchanged). A writer that only renders the values (--json
// printing a returned iterator) pulls the stream instead of calling the
// function; calling the function goes on working as before.
type JSONStream func(L *lua.LState, dst []byte, depth int, val JSONValue) ([]byte, bool)

// A JSONPush is the push form of a JSONStream: it writes every object
// the iterator has left to sink, one after the other, and returns at the
// end or when sink wants no more. The objects are those the stream
// would give; writing them in one call lets a dump write each from the
// memory it receives it in, which it may reuse for the next (nothing is
// kept), without switching to another goroutine per batch. A writer
// that has a stream's push form uses it instead of pulling.
type JSONPush func(L *lua.LState, sink JSONSink)

// A JSONSink is where a JSONPush writes: the writer's list of the
// iterator's objects.
type JSONSink interface {
	// Next returns the output to append the next object to (what is
	// before it in the list written) and the object's depth.
	Next() (dst []byte, depth int)
	// Put takes the output back after Next: with the object appended
	// (ok), or as Next returned it (not ok: the object is left out, and
	// what Next wrote for it is taken back). It reports whether the
	// writer wants more (false once its output failed).
	Put(dst []byte, ok bool) bool
	// Value is the writer's rule for Lua values, for the objects'
	// fields (a record's plan's JSONValue).
	Value() JSONValue
}

// jsonStreams are the forms of one iterator's stream.
type jsonStreams struct {
	pull JSONStream
	push JSONPush
}

// SetJSONStream ties s and its push form p (nil: none) to iterator fn in
// L's state; a nil s unties both (when the iterator is finished, so the
// state does not keep it).
func SetJSONStream(L *lua.LState, fn *lua.LFunction, s JSONStream, p JSONPush) {
	c := convCacheOf(L)
	if s == nil {
		delete(c.streams, fn)
		return
	}
	if c.streams == nil {
		c.streams = map[*lua.LFunction]jsonStreams{}
	}
	c.streams[fn] = jsonStreams{pull: s, push: p}
}

// JSONStreamOf returns the stream tied to fn, or nil.
func JSONStreamOf(L *lua.LState, fn *lua.LFunction) JSONStream {
	return convCacheOf(L).streams[fn].pull
}

// JSONPushOf returns the push form of the stream tied to fn, or nil.
func JSONPushOf(L *lua.LState, fn *lua.LFunction) JSONPush {
	return convCacheOf(L).streams[fn].push
}
