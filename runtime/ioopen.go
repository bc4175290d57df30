package runtime

import (
	"errors"
	"os"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// installExclusiveOpen gives io.open C11's exclusive mode: a mode with
// "x" ("wx", "wbx", "w+x") creates the file only if it does not exist —
// atomically, with O_CREAT|O_EXCL — and otherwise fails as io.open fails
// (nil, "path: file exists", 17). Scripts that claim a resource by
// creating its file (the CNI example's address leases) need it: two
// processes checking for the file and then writing it can both win.
// Other modes go to gopher-lua's io.open unchanged; the sandbox's path
// check wraps this function like the original.
func installExclusiveOpen(L *lua.LState) {
	ioT, ok := L.GetGlobal("io").(*lua.LTable)
	if !ok {
		return
	}
	orig, ok := ioT.RawGetString("open").(*lua.LFunction)
	if !ok {
		return
	}
	ioT.RawSetString("open", L.NewFunction(func(L *lua.LState) int {
		path, ok := L.Get(1).(lua.LString)
		mode, _ := L.Get(2).(lua.LString)
		if ok && strings.Contains(string(mode), "x") {
			plain := strings.ReplaceAll(string(mode), "x", "")
			if plain != "w" && plain != "wb" && plain != "w+" && plain != "w+b" {
				L.ArgError(2, "invalid mode "+string(mode)+" (x goes with w, wb, w+ or w+b)")
			}
			f, err := os.OpenFile(string(path), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				L.Push(lua.LNil)
				L.Push(lua.LString(err.Error()))
				var errno syscall.Errno
				if errors.As(err, &errno) {
					L.Push(lua.LNumber(errno))
				} else {
					L.Push(lua.LNumber(0))
				}
				return 3
			}
			f.Close()
			// Created, and ours: open it as the plain mode would (it is
			// empty, so truncating loses nothing).
			L.Replace(2, lua.LString(plain))
		}
		return bindings.Forward(L, orig)
	}))
}
