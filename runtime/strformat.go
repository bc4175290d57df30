package runtime

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// gopher-lua's string.format hands the Lua values to fmt.Sprintf, and a
// number formats itself by building a second format string and calling
// Sprintf again: string.format("10.%d.%d.%d/32", a, b, c) costs about a
// microsecond and a dozen allocations, a fifth of a 10,000-route
// provisioning loop (issue 9, W1). fastFormat writes the common case —
// plain text, %%, and %d, %i, %s without flags, width or precision, on
// numbers and strings — itself, byte for byte as the original would, and
// hands anything else (other verbs, flags, other argument types,
// non-integral numbers for %s, missing arguments) to the original.

// installFastFormat replaces string.format with fastFormat over the
// original.
func installFastFormat(L *lua.LState) {
	strT, ok := L.GetGlobal("string").(*lua.LTable)
	if !ok {
		return
	}
	orig, ok := strT.RawGetString("format").(*lua.LFunction)
	if !ok || orig.GFunction == nil {
		return
	}
	var buf []byte
	strT.RawSetString("format", L.NewFunction(func(L *lua.LState) int {
		var ok bool
		if buf, ok = fastFormat(L, buf[:0]); ok {
			L.Push(lua.LString(buf))
			return 1
		}
		return orig.GFunction(L) // the same arguments, still on the stack
	}))
}

// fastFormat appends string.format(...)'s result to buf, or reports that
// the call is not one it formats exactly as the original does.
func fastFormat(L *lua.LState, buf []byte) ([]byte, bool) {
	f, ok := L.Get(1).(lua.LString)
	if !ok {
		return buf, false
	}
	format := string(f)
	arg, top := 2, L.GetTop()
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			buf = append(buf, c)
			continue
		}
		i++
		if i == len(format) {
			return buf, false
		}
		verb := format[i]
		if verb == '%' {
			buf = append(buf, '%')
			continue
		}
		if arg > top {
			return buf, false
		}
		v := L.Get(arg)
		arg++
		switch verb {
		case 'd', 'i':
			n, ok := v.(lua.LNumber)
			if !ok {
				return buf, false
			}
			buf = strconv.AppendInt(buf, int64(n), 10)
		case 's':
			switch x := v.(type) {
			case lua.LString:
				buf = append(buf, x...)
			case lua.LNumber:
				if float64(x) != float64(int64(x)) {
					return buf, false
				}
				buf = strconv.AppendInt(buf, int64(x), 10)
			default:
				return buf, false
			}
		default:
			return buf, false
		}
	}
	// The original passes min(#%s - #%%s, #args) arguments to Sprintf,
	// which reports any it did not use ("%!(EXTRA ...)"): leave that to it.
	npat := strings.Count(format, "%") - strings.Count(format, "%%")
	if min(npat, top-1) > arg-2 {
		return buf, false
	}
	return buf, true
}
