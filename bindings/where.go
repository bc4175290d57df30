package bindings

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// StdlibPrefix starts the chunk names of the embedded Lua stdlib. Where
// skips such frames so errors name the user's script line, not the helper's.
const StdlibPrefix = "stdlib/"

// Where returns "file:line:" of the innermost Lua frame of the script that
// called the running Go function (skipping Go frames and stdlib helpers),
// or "" when there is none.
func Where(L *lua.LState) string { return WhereFrame(L).String() }

// Frame is a script position as Where finds it, before it is formatted:
// a caller that records a position per call (rtnl.batch queues thousands)
// and prints few of them formats only those.
type Frame struct {
	Source string // chunk name
	Line   int    // 0: no position
}

// String is "file:line:", or "" for no position.
func (f Frame) String() string {
	if f.Line <= 0 {
		return ""
	}
	return f.Source + ":" + strconv.Itoa(f.Line) + ":"
}

// WhereFrame is Where's position, unformatted.
func WhereFrame(L *lua.LState) Frame {
	var fallback Frame
	for level := 1; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 || dbg.Source == trampolineName {
			continue
		}
		w := Frame{Source: dbg.Source, Line: dbg.CurrentLine}
		if strings.HasPrefix(dbg.Source, StdlibPrefix) {
			if fallback.Line == 0 {
				fallback = w
			}
			continue
		}
		return w
	}
	if fallback.Line == 0 && L.Parent != nil && L.Parent != L {
		return WhereFrame(L.Parent)
	}
	return fallback
}
