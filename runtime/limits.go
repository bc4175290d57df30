package runtime

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/core/netns"
)

// ErrMemoryLimit is the error of a run stopped by Sandbox.MemoryLimit.
var ErrMemoryLimit = errors.New("memory limit exceeded")

// Sandbox bounds on single allocations a script asks for in one call,
// which the heap watch could only see after the fact.
const (
	// MaxRepBytes bounds the result of string.rep in the sandbox.
	MaxRepBytes = 16 << 20
	// MaxChunkBytes bounds the source text load and loadstring compile
	// in the sandbox.
	MaxChunkBytes = 4 << 20
)

// memPoll is how often the heap is read while a limited run goes on.
const memPoll = 5 * time.Millisecond

// watchMemory returns a context that is cancelled with ErrMemoryLimit once
// the Go heap (objects, live or not yet swept: MemStats.HeapAlloc) passes
// limit bytes, and the function that ends the watch. The Lua VM checks the
// context between instructions, so a growing string or table stops within
// one poll. (ReadMemStats stops the world for some µs each poll, where
// runtime/metrics would not; but runtime/metrics builds its table of
// metrics at every start of every nlsh process, sandboxed or not, 80 µs.)
func watchMemory(ctx context.Context, limit int64) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		var ms goruntime.MemStats
		tick := time.NewTicker(memPoll)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				goruntime.ReadMemStats(&ms)
				if int64(ms.HeapAlloc) > limit {
					cancel(ErrMemoryLimit)
					return
				}
			}
		}
	}()
	return ctx, func() {
		close(done)
		cancel(nil)
	}
}

// limitAllocations replaces string.rep, load and loadstring with versions
// that refuse results and chunks past MaxRepBytes and MaxChunkBytes.
func limitAllocations(L *lua.LState) {
	if strT, ok := L.GetGlobal("string").(*lua.LTable); ok {
		if orig, ok := strT.RawGetString("rep").(*lua.LFunction); ok {
			strT.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
				s := L.CheckString(1)
				n := L.CheckInt64(2)
				if n > 0 && len(s) > 0 && n > MaxRepBytes/int64(len(s)) {
					L.RaiseError("string.rep: result of %d x %d bytes is over the sandbox's %d MiB: %v", n, len(s), MaxRepBytes>>20, ErrSandbox)
				}
				L.Push(orig)
				L.Push(lua.LString(s))
				L.Push(lua.LNumber(n))
				L.Call(2, 1)
				return 1
			}))
		}
	}
	for _, name := range []string{"load", "loadstring"} {
		name := name
		orig, ok := L.GetGlobal(name).(*lua.LFunction)
		if !ok {
			continue
		}
		L.SetGlobal(name, L.NewFunction(func(L *lua.LState) int {
			chunk := L.Get(1)
			if fn, isFn := chunk.(*lua.LFunction); isFn {
				// Gather the pieces here, counting, then compile the text.
				var b strings.Builder
				for {
					L.Push(fn)
					L.Call(0, 1)
					piece := L.Get(-1)
					L.Pop(1)
					s, isStr := piece.(lua.LString)
					if !isStr || s == "" {
						break
					}
					if b.Len()+len(s) > MaxChunkBytes {
						L.RaiseError("%s: chunk over the sandbox's %d MiB: %v", name, MaxChunkBytes>>20, ErrSandbox)
					}
					b.WriteString(string(s))
				}
				chunk = lua.LString(b.String())
			}
			if s, isStr := chunk.(lua.LString); isStr && len(s) > MaxChunkBytes {
				L.RaiseError("%s: chunk of %d bytes is over the sandbox's %d MiB: %v", name, len(s), MaxChunkBytes>>20, ErrSandbox)
			}
			top := L.GetTop()
			L.Push(orig)
			L.Push(chunk)
			for i := 2; i <= top; i++ {
				L.Push(L.Get(i))
			}
			L.Call(max(top, 1), lua.MultRet)
			return L.GetTop() - top
		}))
	}
}

// allowNetns installs the namespace allow-list of Sandbox.AllowedNetns:
// the namespaces are identified by inode now, and any target a script
// names later is compared with them.
func allowNetns(env *bindings.Env, targets []netns.Target) error {
	if targets == nil {
		return nil
	}
	ids := make(map[uint64]string, len(targets))
	for _, t := range targets {
		id, err := t.ID()
		if err != nil {
			return fmt.Errorf("nlsh runtime: allowed namespace %s: %w", t, err)
		}
		ids[id] = t.String()
	}
	env.SetValue(nsbind.AllowKey, nsbind.AllowFunc(func(t netns.Target) error {
		id, err := t.ID()
		if err != nil {
			return fmt.Errorf("namespace %s: %w", t, err)
		}
		if _, ok := ids[id]; !ok {
			return fmt.Errorf("namespace %s is not one this script may use (the container's or the host's): %w", t, ErrSandbox)
		}
		return nil
	}))
	return nil
}
