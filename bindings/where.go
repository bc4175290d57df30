package bindings

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unsafe"

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

// WhereFrame is Where's position, unformatted. For a call made from a
// script line (the calling frame a Lua function of neither the stdlib
// nor the protected-call trampoline, its line known) that is the calling
// frame's line, read without allocating (see callerLine); otherwise it
// walks out through gopher-lua's GetStack, which allocates a *Debug a
// level.
func WhereFrame(L *lua.LState) Frame {
	if src, line, ok := callerLine(L); ok && line > 0 && src != trampolineName && !strings.HasPrefix(src, StdlibPrefix) {
		return Frame{Source: src, Line: line}
	}
	return whereFrameWalk(L)
}

// whereFrameWalk is WhereFrame through GetStack, level by level.
func whereFrameWalk(L *lua.LState) Frame {
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

// frameOffsets are the offsets of the unexported gopher-lua fields
// callerLine reads: LState.currentFrame, and the callFrame fields Fn,
// Parent, Pc and TailCall (callFrame is unexported, its fields are not).
// They are found and their types checked through reflect once; nil if
// anything is not as expected, and callerLine then answers false.
type frameOffsets struct {
	current, fn, parent, pc, tailCall uintptr
}

var callerOffsets = sync.OnceValue(func() *frameOffsets {
	field := func(t reflect.Type, name string, want reflect.Type) (uintptr, bool) {
		f, ok := t.FieldByName(name)
		if !ok || len(f.Index) != 1 || f.Type != want {
			return 0, false
		}
		return f.Offset, true
	}
	ls := reflect.TypeFor[lua.LState]()
	cur, ok := ls.FieldByName("currentFrame")
	if !ok || len(cur.Index) != 1 || cur.Type.Kind() != reflect.Pointer || cur.Type.Elem().Kind() != reflect.Struct {
		return nil
	}
	cf := cur.Type.Elem()
	var o frameOffsets
	o.current = cur.Offset
	var okFn, okParent, okPc, okTail bool
	o.fn, okFn = field(cf, "Fn", reflect.TypeFor[*lua.LFunction]())
	o.parent, okParent = field(cf, "Parent", cur.Type)
	o.pc, okPc = field(cf, "Pc", reflect.TypeFor[int]())
	o.tailCall, okTail = field(cf, "TailCall", reflect.TypeFor[int]())
	if !okFn || !okParent || !okPc || !okTail {
		return nil
	}
	return &o
})

// callerLine is the source and current line of the frame gopher-lua's
// GetStack(1) finds, as GetInfo("Sl") reports them, read without
// allocating; ok is false when that frame is not a Lua function's, or
// is found through a tail call, or anything is not as expected. The
// frames are gopher-lua's own, read in place (fields at the offsets
// callerOffsets checked), never written.
func callerLine(L *lua.LState) (src string, line int, ok bool) {
	o := callerOffsets()
	if o == nil || L == nil {
		return "", 0, false
	}
	frame := *(*unsafe.Pointer)(unsafe.Add(unsafe.Pointer(L), o.current))
	// GetStack's walk: a Lua frame's tail calls count as levels.
	level := 1
	for level > 0 && frame != nil {
		level--
		fn := *(**lua.LFunction)(unsafe.Add(frame, o.fn))
		if fn == nil {
			return "", 0, false
		}
		if !fn.IsG {
			level -= *(*int)(unsafe.Add(frame, o.tailCall))
		}
		frame = *(*unsafe.Pointer)(unsafe.Add(frame, o.parent))
	}
	if level != 0 || frame == nil {
		return "", 0, false
	}
	fn := *(**lua.LFunction)(unsafe.Add(frame, o.fn))
	if fn == nil || fn.IsG || fn.Proto == nil {
		return "", 0, false
	}
	pos := fn.Proto.DbgSourcePositions
	pc := *(*int)(unsafe.Add(frame, o.pc))
	if pc <= 0 || pc > len(pos) {
		return "", 0, false
	}
	return fn.Proto.SourceName, pos[pc-1], true
}
