package runtime

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// gopher-lua's string.format hands the Lua values to fmt.Sprintf, and each
// number or string formats itself by building a second format string and
// calling Sprintf again: string.format("10.%d.%d.%d/32", a, b, c) costs
// about 1.9 µs and ten allocations, a third of a 10,000-route provisioning
// loop (W1). fastFormatter writes the common calls itself, byte for byte as
// the original would, and hands every other call to the original, so that
// output, errors and their text stay gopher-lua's.
//
// The fast path takes a format string (an LString, not a number) made of
// plain text, "%%", and these directives, each with an argument present:
//
//	%d %i %x %X  an integral number; width 1-99, optionally with the '0' or
//	             '-' flag ("%3d", "%02x", "%-4i")
//	%s           a string, or an integral number (written as %d writes it)
//
// Everything else goes to the original: other verbs, other flags,
// precision, '*' and "%[n]" argument indexes, wider widths, a trailing
// '%', missing arguments, non-integral numbers (NaN and infinities too),
// strings for %d and %x, and booleans, nil, tables and functions anywhere.

// maxFormatScratch is the largest scratch buffer a state keeps between
// calls; a bigger one, grown by one long result, is dropped.
const maxFormatScratch = 64 << 10

// installFastFormat replaces the string library's format (which also
// serves ("..."):format(...), the string metatable's __index being the
// library table) with a fastFormatter over the original. It leaves a state
// whose string.format is not gopher-lua's Go function alone.
func installFastFormat(L *lua.LState) {
	strT, ok := L.GetGlobal(lua.StringLibName).(*lua.LTable)
	if !ok {
		return
	}
	orig, ok := strT.RawGetString("format").(*lua.LFunction)
	if !ok || orig.GFunction == nil {
		return
	}
	f := &fastFormatter{fallback: orig.GFunction}
	strT.RawSetString("format", L.NewFunction(f.format))
}

// fastFormatter is one state's string.format: gopher-lua's function, and
// the fast path's scratch space, reused from call to call. A state runs
// one call at a time, and the fast path calls no Lua code.
type fastFormatter struct {
	fallback lua.LGFunction
	steps    []fmtStep
	buf      []byte
}

// fmtStep is one directive of a format the fast path takes: the '%' at
// pct, the text resuming at next, and the argument written (nil for "%%").
type fmtStep struct {
	pct, next int32
	spec      fmtSpec
	arg       lua.LValue
}

// format is the replacement string.format.
func (f *fastFormatter) format(L *lua.LState) int {
	format, ok := L.Get(1).(lua.LString)
	fits := ok && f.plan(L, string(format))
	if fits {
		f.write(string(format))
	}
	clear(f.steps) // hold no argument past the call
	if !fits {
		return f.fallback(L) // the same arguments, still on the stack
	}
	L.Push(lua.LString(f.buf))
	if cap(f.buf) > maxFormatScratch {
		f.buf = nil
	}
	return 1
}

// fmtSpec is one directive of the fast path.
type fmtSpec struct {
	verb  byte  // '%', 'd', 'i', 'x', 'X' or 's'
	flag  byte  // 0, '0' (pad with zeros after the sign) or '-' (pad on the right)
	width uint8 // 0 for none
}

// parseFmtSpec reads the directive whose '%' is at format[i-1], returning
// it and the index after it, or false if the fast path does not take it.
func parseFmtSpec(format string, i int) (fmtSpec, int, bool) {
	if i < len(format) {
		switch c := format[i]; c {
		case 'd', 'i', 'x', 'X', 's', '%':
			return fmtSpec{verb: c}, i + 1, true
		}
	}
	return parseFmtSpecPadded(format, i)
}

// parseFmtSpecPadded is parseFmtSpec for a directive with a flag or a
// width, which the fast path takes for %d, %i, %x and %X.
func parseFmtSpecPadded(format string, i int) (fmtSpec, int, bool) {
	var s fmtSpec
	if i < len(format) && (format[i] == '0' || format[i] == '-') {
		s.flag = format[i]
		i++
	}
	for n := 0; i < len(format) && format[i] >= '0' && format[i] <= '9'; n++ {
		if n == 2 || (n == 0 && format[i] == '0') {
			return s, i, false
		}
		s.width = s.width*10 + format[i] - '0'
		i++
	}
	if i == len(format) || s.width == 0 {
		return s, i, false
	}
	switch s.verb = format[i]; s.verb {
	case 'd', 'i', 'x', 'X':
		return s, i + 1, true
	}
	return s, i, false
}

// plan reports whether the fast path writes string.format(format, ...),
// the arguments at stack slots 2 and up, exactly as the original does, and
// if so leaves its directives in f.steps. It writes no output: a call it
// declines costs one scan.
//
// The original passes Sprintf min(npat, #args) arguments, npat being the
// count of '%' less the count of "%%": each directive of a format the fast
// path takes counts once, and so does each "%%". Sprintf flags arguments
// it does not use ("%!(EXTRA ...)"), so with a "%%" in the format and more
// arguments than directives, the original's output has that tail: the
// fast path declines it.
func (f *fastFormatter) plan(L *lua.LState, format string) bool {
	f.steps = f.steps[:0]
	if len(format) > math.MaxInt32 { // fmtStep's offsets
		return false
	}
	arg, top, escapes := 2, L.GetTop(), false
	for i := 0; ; {
		j := strings.IndexByte(format[i:], '%')
		if j < 0 {
			return !escapes || arg > top
		}
		s, next, ok := parseFmtSpec(format, i+j+1)
		if !ok {
			return false
		}
		step := fmtStep{pct: int32(i + j), next: int32(next), spec: s}
		i = next
		if s.verb == '%' {
			escapes = true
			f.steps = append(f.steps, step)
			continue
		}
		if arg > top {
			return false
		}
		step.arg = L.Get(arg)
		if !fmtArgFits(s, step.arg) {
			return false
		}
		f.steps = append(f.steps, step)
		arg++
	}
}

// fmtArgFits reports whether the fast path writes v under s.
func fmtArgFits(s fmtSpec, v lua.LValue) bool {
	switch x := v.(type) {
	case lua.LNumber:
		// Integral, as gopher-lua tests it: int64(x) is then exact.
		return float64(x) == float64(int64(x))
	case lua.LString:
		return s.verb == 's'
	}
	return false
}

// write puts string.format(format, ...) in f.buf, for a call plan took.
func (f *fastFormatter) write(format string) {
	buf, last := f.buf[:0], int32(0)
	for _, st := range f.steps {
		buf = append(buf, format[last:st.pct]...)
		last = st.next
		switch x := st.arg.(type) {
		case nil:
			buf = append(buf, '%')
		case lua.LString:
			buf = append(buf, x...)
		case lua.LNumber:
			buf = appendFmtInt(buf, st.spec, int64(x))
		}
	}
	f.buf = append(buf, format[last:]...)
}

// appendFmtInt appends n as fmt's %d, %x or %X of an int64 writes it,
// with s's width and flag. %s and %i write as %d: LNumber's String and
// its Format for 'i' both format the int64.
func appendFmtInt(buf []byte, s fmtSpec, n int64) []byte {
	if s.width == 0 && s.verb != 'x' && s.verb != 'X' {
		return strconv.AppendInt(buf, n, 10)
	}
	var tmp [24]byte
	var digits []byte
	switch s.verb {
	case 'x':
		digits = strconv.AppendInt(tmp[:0], n, 16)
	case 'X':
		digits = strconv.AppendInt(tmp[:0], n, 16)
		for k, c := range digits {
			if c >= 'a' {
				digits[k] = c - 'a' + 'A'
			}
		}
	default:
		digits = strconv.AppendInt(tmp[:0], n, 10)
	}
	pad := int(s.width) - len(digits)
	switch {
	case pad <= 0:
		return append(buf, digits...)
	case s.flag == '-':
		buf = append(buf, digits...)
		return appendRepeat(buf, ' ', pad)
	case s.flag == '0':
		if digits[0] == '-' {
			buf = append(buf, '-')
			digits = digits[1:]
		}
		buf = appendRepeat(buf, '0', pad)
		return append(buf, digits...)
	default:
		buf = appendRepeat(buf, ' ', pad)
		return append(buf, digits...)
	}
}

// appendRepeat appends n copies of c.
func appendRepeat(buf []byte, c byte, n int) []byte {
	for ; n > 0; n-- {
		buf = append(buf, c)
	}
	return buf
}
