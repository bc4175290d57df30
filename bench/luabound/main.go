// Command luabound is a bound of the benchmarks: what gopher-lua alone
// costs for the loop of a workload, with no netlink and no nlsh binding.
//
//	luabound each N    W2's loop (for r in each do if r.dst ... end) over a
//	                   Go iterator handing out N records that hold nothing:
//	                   each a fresh table with a metatable whose Go __index
//	                   gives one string made beforehand, run as nlsh
//	                   runs a script (under a context, GC at 300)
//
// A record of nlsh's route.each is that and more (its route is decoded,
// its dst made a string), so floor + this process's time over a bare Go
// start is the least a streaming Lua loop over the dump can take.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

const eachLoop = `local n = 0
for r in each() do
  if r.dst then n = n + 1 end
end
return n`

func main() {
	if len(os.Args) != 3 || os.Args[1] != "each" {
		fmt.Fprintln(os.Stderr, "usage: luabound each N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 0 {
		fmt.Fprintln(os.Stderr, "luabound: N must be a count")
		os.Exit(2)
	}
	debug.SetGCPercent(300) // as nlsh runs scripts (cmd/nlsh/gc.go)
	L := lua.NewState()
	defer L.Close()
	// As nlsh runs a script: under a context that can be cancelled, so
	// that Ctrl-C or a timeout stops a loop. gopher-lua then checks it
	// before every instruction (some 10% of this loop).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	L.SetContext(ctx)
	mt := L.CreateTable(0, 1)
	dst := lua.LString("10.0.0.0/32")
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.Push(dst)
		return 1
	}))
	left := n
	next := L.NewFunction(func(L *lua.LState) int {
		if left == 0 {
			L.Push(lua.LNil)
			return 1
		}
		left--
		t := L.CreateTable(1, 0)
		t.RawSetInt(1, lua.LTrue) // a record's one hidden slot
		t.Metatable = mt
		L.Push(t)
		return 1
	})
	L.SetGlobal("each", L.NewFunction(func(L *lua.LState) int {
		L.Push(next)
		return 1
	}))
	if err := L.DoString(eachLoop); err != nil {
		fmt.Fprintln(os.Stderr, "luabound:", err)
		os.Exit(1)
	}
	fmt.Println(L.Get(-1))
}
