package bindings

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Call runs fn(args...) protected, on its own coroutine, and returns its
// results, or the error value it raised. With a handler (as xpcall's) the
// handler is called with the error value while the failing stack is still
// there, and its result becomes the error value.
//
// Running on a fresh coroutine (LState.NewThread + Resume) is what keeps
// Lua's semantics on gopher-lua v1.1.2: its own protected calls close every
// open upvalue of the state when they catch an error (issue #448), so
// closures in the caller lose the locals they captured. A coroutine's
// error unwinds only the coroutine's stack.
//
// When the runtime's context is done, Call raises the context error in L
// instead of returning it, so no pcall can swallow a deadline.
func Call(L *lua.LState, fn lua.LValue, args []lua.LValue, handler lua.LValue) (results []lua.LValue, errv lua.LValue, ok bool) {
	results, errv, ok = Protect(L, fn, args, handler)
	if ctx := L.Context(); !ok && ctx != nil && ctx.Err() != nil {
		L.RaiseError("%v", ctx.Err())
	}
	return results, errv, ok
}

// trampolineName is the chunk name of the Lua function at the bottom of
// every protected coroutine; Where and tracebacks skip it.
const trampolineName = "=(nlsh protected call)"

// trampoline returns the per-state Lua function that calls its argument:
// a coroutine must start in a Lua function for Resume to report success.
func trampoline(L *lua.LState) *lua.LFunction {
	const key = "nlsh.trampoline"
	if f, ok := L.G.Registry.RawGetString(key).(*lua.LFunction); ok {
		return f
	}
	f, err := L.Load(strings.NewReader("local g = ... g()"), trampolineName)
	if err != nil {
		panic("nlsh: trampoline does not compile: " + err.Error())
	}
	L.G.Registry.RawSetString(key, f)
	return f
}

// Protect is Call without the deadline check: it never raises, so Go code
// outside any Lua call (the runtime's top level) can use it. The caller
// checks the context itself.
func Protect(L *lua.LState, fn lua.LValue, args []lua.LValue, handler lua.LValue) (results []lua.LValue, errv lua.LValue, ok bool) {
	env := EnvOf(L)
	th, cancel := env.coroutine(L)
	if cancel != nil {
		defer cancel()
	}
	var (
		failed bool
		hErr   lua.LValue
	)
	body := L.NewFunction(func(T *lua.LState) int {
		T.Push(fn)
		for _, a := range args {
			T.Push(a)
		}
		if handler != nil && handler != lua.LNil {
			h, isFn := handler.(*lua.LFunction)
			if !isFn {
				h = T.NewFunction(func(T *lua.LState) int {
					T.Push(handler)
					T.Push(T.Get(1))
					T.Call(1, 1)
					return 1
				})
			}
			if err := T.PCall(len(args), lua.MultRet, h); err != nil {
				failed = true
				if aerr, isAPI := err.(*lua.ApiError); isAPI {
					hErr = aerr.Object
				} else {
					hErr = lua.LString(err.Error())
				}
				return 0
			}
		} else {
			T.Call(len(args), lua.MultRet)
		}
		results = make([]lua.LValue, T.GetTop())
		for i := range results {
			results[i] = T.Get(i + 1)
		}
		return 0
	})
	state, err, _ := L.Resume(th, trampoline(L), body)
	if state == lua.ResumeOK {
		env.keepCoroutine(th)
	}
	switch {
	case state == lua.ResumeYield:
		return nil, lua.LString("attempt to yield across a protected call"), false
	case err != nil:
		if aerr, isAPI := err.(*lua.ApiError); isAPI {
			// error("x") called directly by the protected call names the
			// trampoline's line; Lua names no position there.
			if s, isStr := aerr.Object.(lua.LString); isStr {
				return nil, lua.LString(trimTrampoline(string(s))), false
			}
			return nil, aerr.Object, false
		}
		return nil, lua.LString(err.Error()), false
	case failed:
		if s, isStr := hErr.(lua.LString); isStr {
			hErr = lua.LString(trimTrampoline(string(s)))
		}
		return nil, hErr, false
	}
	return results, nil, true
}

// trimTrampoline drops a "=(nlsh protected call):N: " position from the
// front of an error message: an error raised with the trampoline as the
// current frame (error("x") called directly, or the deadline the VM
// raises when its context ends) would otherwise name nlsh's internal
// chunk instead of the script.
func trimTrampoline(s string) string {
	rest, ok := strings.CutPrefix(s, trampolineName+":")
	if !ok {
		return s
	}
	line, msg, ok := strings.Cut(rest, ": ")
	if !ok || line == "" || strings.Trim(line, "0123456789") != "" {
		return s
	}
	return msg
}

// pcall is the global pcall: Lua 5.1 semantics on a coroutine (see Call).
func pcall(L *lua.LState) int {
	fn := L.CheckAny(1)
	if !callable(L, fn) {
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + fn.Type().String() + " value"))
		return 2
	}
	args := make([]lua.LValue, 0, L.GetTop()-1)
	for i := 2; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	res, errv, ok := Call(L, fn, args, nil)
	return pushResult(L, res, errv, ok)
}

// xpcall is the global xpcall(f, handler, ...): as pcall, with the handler
// seeing the error value before the failing stack unwinds.
func xpcall(L *lua.LState) int {
	fn := L.CheckAny(1)
	h := L.CheckAny(2)
	if !callable(L, h) {
		L.ArgError(2, "function expected")
	}
	args := make([]lua.LValue, 0, L.GetTop())
	for i := 3; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	if !callable(L, fn) {
		L.Push(h)
		L.Push(lua.LString("attempt to call a " + fn.Type().String() + " value"))
		L.Call(1, 1)
		r := L.Get(-1)
		L.Pop(1)
		L.Push(lua.LFalse)
		L.Push(r)
		return 2
	}
	res, errv, ok := Call(L, fn, args, h)
	return pushResult(L, res, errv, ok)
}

func pushResult(L *lua.LState, res []lua.LValue, errv lua.LValue, ok bool) int {
	if !ok {
		L.Push(lua.LFalse)
		L.Push(errv)
		return 2
	}
	L.Push(lua.LTrue)
	for _, v := range res {
		L.Push(v)
	}
	return len(res) + 1
}

func callable(L *lua.LState, v lua.LValue) bool {
	return v.Type() == lua.LTFunction || L.GetMetaField(v, "__call").Type() == lua.LTFunction
}

// InstallProtected replaces the globals pcall and xpcall with the
// coroutine-based versions. Their companion, GuardYield, goes with the
// coroutine library, which a runtime may open later.
func InstallProtected(L *lua.LState) {
	L.SetGlobal("pcall", L.NewFunction(pcall))
	L.SetGlobal("xpcall", L.NewFunction(xpcall))
}

// errYieldAcrossGo is the error of a yield that would cross a Go call.
const errYieldAcrossGo = "attempt to yield across a Go function call (pcall, a callback such as rtnl.batch's, or outside a coroutine)"

// GuardYield makes coroutine.yield raise an error, as Lua 5.1's does at
// a C-call boundary, when a Go function is between it and its coroutine's
// start: pcall (which runs its function on a coroutine of its own), a Go
// function that called back into Lua (rtnl.batch's body, netns.run's
// function, table.sort's comparator). gopher-lua would switch threads
// anyway, returning to that Go function as if the call had ended, and
// crash a few steps later (a nil dereference in its VM). An error instead
// unwinds as any error does: pcall returns false, batch and run restore
// their state. The runtime calls it once coroutine is open.
func GuardYield(L *lua.LState) {
	co, ok := L.G.Global.RawGetString("coroutine").(*lua.LTable)
	if !ok {
		return
	}
	yield, ok := co.RawGetString("yield").(*lua.LFunction)
	if !ok || !yield.IsG {
		return
	}
	orig := yield.GFunction
	co.RawSetString("yield", L.NewFunction(func(L *lua.LState) int {
		if yieldCrossesGo(L) {
			L.RaiseError(errYieldAcrossGo)
		}
		return orig(L)
	}))
}

// yieldCrossesGo reports whether a Go function is on L's stack below the
// running one (level 0, coroutine.yield itself).
func yieldCrossesGo(L *lua.LState) bool {
	for level := 1; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return false
		}
		if _, err := L.GetInfo("S", dbg, lua.LNil); err != nil || dbg.What == "G" {
			return true
		}
	}
}

// maxIdleCoroutines bounds the coroutines an Env keeps for protected calls.
const maxIdleCoroutines = 8

// coroutine returns a coroutine of L's state for a protected call: one a
// protected call returned from, or a new one. gopher-lua's NewThread
// builds a whole global state (a table of 64 slots, one of 32, their
// maps) that a coroutine never uses, besides its own stacks: 14 KB and
// some 20 µs a pcall, where a coroutine used again costs neither. A kept
// coroutine finished its call: its stack is empty and it is dead, as
// gopher-lua leaves a coroutine whose function returned; it stays dead
// while kept, so a script holding it (coroutine.running() inside a
// pcall) cannot resume it; it takes L's context and environment anew.
func (e *Env) coroutine(L *lua.LState) (*lua.LState, func()) {
	n := len(e.coroutines)
	if n == 0 {
		return L.NewThread()
	}
	th := e.coroutines[n-1]
	e.coroutines[n-1] = nil
	e.coroutines = e.coroutines[:n-1]
	th.Dead = false
	th.Env = L.Env
	if ctx := L.Context(); ctx != nil {
		th.SetContext(ctx)
	} else {
		th.RemoveContext()
	}
	return th, nil
}

// keepCoroutine keeps th, whose protected call returned (Resume said
// ResumeOK: its stack is empty), for the next protected call.
func (e *Env) keepCoroutine(th *lua.LState) {
	if len(e.coroutines) < maxIdleCoroutines && th.Dead {
		e.coroutines = append(e.coroutines, th)
	}
}
