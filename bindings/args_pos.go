package bindings

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// StringArg returns positional argument n of function fn as a string,
// raising with the function's name otherwise.
func StringArg(L *lua.LState, n int, fn string) string {
	v := L.Get(n)
	s, ok := v.(lua.LString)
	if !ok {
		ArgError(L, fn, "argument #%d: want a string, got %s", n, describe(v))
	}
	return string(s)
}

// IntArg returns positional argument n of function fn as an integer in
// [lo, hi]; 1.5, nan, out-of-range values and non-numbers raise.
func IntArg(L *lua.LState, n int, fn string, lo, hi int64) int64 {
	v := L.Get(n)
	num, ok := v.(lua.LNumber)
	f := float64(num)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		ArgError(L, fn, "argument #%d: want an integer, got %s", n, describe(v))
	}
	if f < float64(lo) || f > float64(hi) {
		ArgError(L, fn, "argument #%d: %s out of range [%d, %d]", n, describe(v), lo, hi)
	}
	return int64(f)
}

// FuncArg returns positional argument n of function fn as a function.
func FuncArg(L *lua.LState, n int, fn string) *lua.LFunction {
	v := L.Get(n)
	f, ok := v.(*lua.LFunction)
	if !ok {
		ArgError(L, fn, "argument #%d: want a function, got %s", n, describe(v))
	}
	return f
}

// Describe renders a Lua value for an error message: strings quoted,
// numbers as Lua prints them, others by type (or metatable __name).
func Describe(v lua.LValue) string { return describe(v) }
