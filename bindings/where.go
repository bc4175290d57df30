package bindings

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// StdlibPrefix starts the chunk names of the embedded Lua stdlib. Where
// skips such frames so errors name the user's script line, not the helper's.
const StdlibPrefix = "stdlib/"

// Where returns "file:line:" of the innermost Lua frame of the script that
// called the running Go function (skipping Go frames and stdlib helpers),
// or "" when there is none.
func Where(L *lua.LState) string {
	var fallback string
	for level := 1; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 || dbg.Source == trampolineName {
			continue
		}
		w := fmt.Sprintf("%s:%d:", dbg.Source, dbg.CurrentLine)
		if strings.HasPrefix(dbg.Source, StdlibPrefix) {
			if fallback == "" {
				fallback = w
			}
			continue
		}
		return w
	}
	if fallback == "" && L.Parent != nil && L.Parent != L {
		return Where(L.Parent)
	}
	return fallback
}
