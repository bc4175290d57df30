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

// SetJSONStream ties s to iterator fn in L's state; nil unties it (when
// the iterator is finished, so the state does not keep it).
func SetJSONStream(L *lua.LState, fn *lua.LFunction, s JSONStream) {
	c := convCacheOf(L)
	if s == nil {
		delete(c.streams, fn)
		return
	}
	if c.streams == nil {
		c.streams = map[*lua.LFunction]JSONStream{}
	}
	c.streams[fn] = s
}

// JSONStreamOf returns the stream tied to fn, or nil.
func JSONStreamOf(L *lua.LState, fn *lua.LFunction) JSONStream {
	return convCacheOf(L).streams[fn]
}
