package nfnl

import (
	"context"
	"errors"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/nfnl"
)

// seconds reads a timeout in seconds (fractions allowed).
func seconds(args *bindings.Args, name string) time.Duration {
	v := args.Value(name, bindings.Optional)
	if v == lua.LNil {
		return 0
	}
	n, ok := v.(lua.LNumber)
	if !ok || n <= 0 || n > 1e6 || n != n {
		args.Fail(name, "want a number of seconds > 0, got %s", bindings.Describe(v))
	}
	return time.Duration(float64(n) * float64(time.Second))
}

// eventToLua is an event: action ("add", "delete"), object ("table",
// "rule", ..., "generation") and the object under its own name.
func eventToLua(L *lua.LState, ev *nfnl.Event) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("action", lua.LString(ev.Action))
	t.RawSetString("object", lua.LString(ev.Object))
	switch {
	case ev.Table != nil:
		t.RawSetString("table", jsonToLua(L, ev.Table))
	case ev.Chain != nil:
		t.RawSetString("chain", jsonToLua(L, ev.Chain))
	case ev.Rule != nil:
		t.RawSetString("rule", ruleToLua(L, ev.Rule))
	case ev.Flowtable != nil:
		t.RawSetString("flowtable", jsonToLua(L, ev.Flowtable))
	case ev.Obj != nil:
		t.RawSetString("obj", jsonToLua(L, ev.Obj))
	}
	if ev.Set != nil {
		t.RawSetString("set", jsonToLua(L, ev.Set))
	}
	if ev.Elements != nil {
		t.RawSetString("elem", listToLua(L, ev.Elements, anyToLua))
	}
	if ev.Generation != 0 {
		t.RawSetString("generation", lua.LNumber(ev.Generation))
	}
	return t
}

// monitor is nfnl.monitor{timeout=, count=, fn=}: follows ruleset
// changes, to fn (return false to stop) or collected and returned.
func (a *api) monitor(L *lua.LState) int {
	const fn = "nfnl.monitor"
	args := bindings.OptTable(L, 1, fn)
	timeout := seconds(args, "timeout")
	count := int(args.Int("count", bindings.Optional, 1, 1<<31))
	cb := args.Func("fn", bindings.Optional)
	args.Done()
	if timeout == 0 && count == 0 && cb == nil {
		args.Fail("timeout", "give a timeout, a count or fn (or the monitor never returns)")
	}
	m, err := a.client(L, fn).Monitor()
	if err != nil {
		bindings.Raise(L, fn, err)
	}
	defer m.Close()
	ctx := bindings.Context(L)
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	out := L.NewTable()
	n := 0
	for {
		evs, err := m.Receive(ctx)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) && bindings.Context(L).Err() == nil {
				break
			}
			bindings.Raise(L, fn, err)
		}
		for i := range evs {
			ev := eventToLua(L, &evs[i])
			n++
			if cb != nil {
				L.Push(cb)
				L.Push(ev)
				L.Call(1, 1)
				r := L.Get(-1)
				L.Pop(1)
				if r == lua.LFalse {
					return pushNil(L, cb, out)
				}
			} else {
				out.Append(ev)
			}
			if count > 0 && n >= count {
				return pushNil(L, cb, out)
			}
		}
	}
	return pushNil(L, cb, out)
}

// pushNil returns the collected events, or nothing when fn got them.
func pushNil(L *lua.LState, cb *lua.LFunction, out *lua.LTable) int {
	if cb != nil {
		return 0
	}
	L.Push(out)
	return 1
}
