package runtime

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// fmtPair runs the same string.format calls in a plain gopher-lua state
// and in one with installFastFormat, through the same Lua call sites, so
// that error messages (which name the call site) compare too.
type fmtPair struct {
	ref, fast *lua.LState
	// calls[i] are the chunks of fmtCallSites, compiled in ref and fast.
	calls [][2]*lua.LFunction
}

// fmtCallSites are the ways a script calls string.format.
var fmtCallSites = []string{
	`return string.format(...)`,
	`return (...):format(select(2, ...))`,
	`local fmt = string.format return fmt(...)`,
}

func newFmtPair(t testing.TB) *fmtPair {
	t.Helper()
	p := &fmtPair{ref: lua.NewState(), fast: lua.NewState()}
	t.Cleanup(p.ref.Close)
	t.Cleanup(p.fast.Close)
	installFastFormat(p.fast)
	for _, src := range fmtCallSites {
		var fns [2]*lua.LFunction
		for k, L := range []*lua.LState{p.ref, p.fast} {
			fn, err := L.LoadString(src)
			if err != nil {
				t.Fatal(err)
			}
			fns[k] = fn
		}
		p.calls = append(p.calls, fns)
	}
	return p
}

// fmtCall calls fn(args...) in L and describes its result or error.
func fmtCall(L *lua.LState, fn *lua.LFunction, args []lua.LValue) string {
	L.SetTop(0)
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	if err := L.PCall(len(args), lua.MultRet, nil); err != nil {
		var ae *lua.ApiError
		if !errors.As(err, &ae) {
			return "go error: " + err.Error()
		}
		return fmt.Sprintf("error %d: %s", ae.Type, ae.Object.String())
	}
	var b strings.Builder
	for i := 1; i <= L.GetTop(); i++ {
		fmt.Fprintf(&b, "%s %q; ", L.Get(i).Type(), L.Get(i).String())
	}
	L.SetTop(0)
	return b.String()
}

// check compares every call site's result for args in both states, and
// reports whether the fast path takes the call.
func (p *fmtPair) check(t *testing.T, args []lua.LValue) (took bool) {
	t.Helper()
	for k, fns := range p.calls {
		want := fmtCall(p.ref, fns[0], args)
		got := fmtCall(p.fast, fns[1], args)
		if got != want {
			t.Errorf("call site %q, args %s:\n got  %s\n want %s", fmtCallSites[k], fmtArgsString(args), got, want)
		}
	}
	L := p.fast
	L.SetTop(0)
	for _, a := range args {
		L.Push(a)
	}
	defer L.SetTop(0)
	f, ok := L.Get(1).(lua.LString)
	return ok && (&fastFormatter{}).plan(L, string(f))
}

func fmtArgsString(args []lua.LValue) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		if s, ok := a.(lua.LString); ok {
			fmt.Fprintf(&b, "%q", string(s))
		} else {
			fmt.Fprintf(&b, "%s(%v)", a.Type(), a)
		}
	}
	return b.String()
}

// fmtValues are arguments of every Lua type string.format may meet.
func fmtValues(L *lua.LState) []lua.LValue {
	plain := L.NewTable()
	plain.RawSetString("k", lua.LString("v"))
	withTS := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("TOSTRING"))
		return 1
	}))
	withTS.Metatable = mt
	n := func(f float64) lua.LValue { return lua.LNumber(f) }
	s := func(x string) lua.LValue { return lua.LString(x) }
	return []lua.LValue{
		n(0), n(1), n(-1), n(7), n(255), n(-255), n(4096), n(65535), n(123456789), n(-987654321),
		n(math.Copysign(0, -1)), n(1 << 53), n(-(1 << 53)), n(1e15), n(1e18),
		n(math.Ldexp(1, 63)), n(-math.Ldexp(1, 63)), n(1e300), n(-1e300), n(math.MaxFloat64),
		n(0.5), n(1.5), n(-1.9), n(2.5), n(0.1), n(1e-7), n(123.456), n(1e21 + 0.5),
		n(math.NaN()), n(math.Inf(1)), n(math.Inf(-1)), n(math.SmallestNonzeroFloat64),
		s(""), s("eth0"), s("a\x00b"), s("\x00"), s("é"), s("\xff\xfe"), s("%d"), s("%"), s("12"),
		s("-3"), s("1.5"), s("0x10"), s(" 7 "), s("abc"), s("10.0.0.1/32"), s(strings.Repeat("x", 300)),
		lua.LNil, lua.LTrue, lua.LFalse, plain, withTS, L.NewFunction(func(*lua.LState) int { return 0 }),
	}
}

// TestStringFormatEdgeCases compares the replacement with gopher-lua's
// string.format on hand-picked calls, and checks which the fast path takes.
func TestStringFormatEdgeCases(t *testing.T) {
	p := newFmtPair(t)
	n := func(f float64) lua.LValue { return lua.LNumber(f) }
	s := func(x string) lua.LValue { return lua.LString(x) }
	for _, c := range []struct {
		args []lua.LValue
		fast bool
	}{
		{[]lua.LValue{s("10.%d.%d.%d/32"), n(0), n(1), n(255)}, true},
		{[]lua.LValue{s("%s-%i"), s("eth"), n(-3)}, true},
		{[]lua.LValue{s("%s"), n(-42)}, true},
		{[]lua.LValue{s("%x %X"), n(255), n(-3054)}, true},
		{[]lua.LValue{s("[%5d][%-5d][%05d][%05d]"), n(42), n(42), n(42), n(-42)}, true},
		{[]lua.LValue{s("[%2x][%02X][%-3i][%1d]"), n(10), n(10), n(7), n(12345)}, true},
		{[]lua.LValue{s("%d"), n(-math.Ldexp(1, 63))}, true},
		{[]lua.LValue{s("%d|%s"), n(math.Copysign(0, -1)), n(math.Copysign(0, -1))}, true},
		{[]lua.LValue{s("100%%")}, true},
		{[]lua.LValue{s("%%%d%%"), n(5)}, true},
		{[]lua.LValue{s("%d"), n(1), n(2)}, true},
		{[]lua.LValue{s("%%%d"), n(1)}, true},
		{[]lua.LValue{s("%%%d"), n(1), n(2)}, false}, // "%1%!(EXTRA lua.LNumber=2)"
		{[]lua.LValue{s("100%%"), n(1)}, false},
		{[]lua.LValue{s("")}, true},
		{[]lua.LValue{s("no directives"), n(1), lua.LNil}, true},
		{[]lua.LValue{s("%s%s"), s(""), s("\x00é\xff")}, true},
		{[]lua.LValue{s("%d"), n(1.9)}, false},
		{[]lua.LValue{s("%d"), n(-1.9)}, false},
		{[]lua.LValue{s("%x"), n(2.5)}, false},
		{[]lua.LValue{s("%s"), n(1.5)}, false},
		{[]lua.LValue{s("%s"), n(1e300)}, false},
		{[]lua.LValue{s("%d"), n(math.Ldexp(1, 63))}, false},
		{[]lua.LValue{s("%d"), n(math.Inf(1))}, false},
		{[]lua.LValue{s("%d"), n(math.NaN())}, false},
		{[]lua.LValue{s("%s"), n(math.NaN())}, false},
		{[]lua.LValue{s("%d")}, false},
		{[]lua.LValue{s("%d %d"), n(1)}, false},
		{[]lua.LValue{s("%")}, false},
		{[]lua.LValue{s("a%")}, false},
		{[]lua.LValue{s("%5s"), s("x")}, false},
		{[]lua.LValue{s("%-s"), s("x")}, false},
		{[]lua.LValue{s("%.2d"), n(1)}, false},
		{[]lua.LValue{s("%+d"), n(1)}, false},
		{[]lua.LValue{s("%100d"), n(1)}, false},
		{[]lua.LValue{s("%00d"), n(1)}, false},
		{[]lua.LValue{s("%0d"), n(1)}, false},
		{[]lua.LValue{s("%-05d"), n(1)}, false},
		{[]lua.LValue{s("%*d"), n(5), n(1)}, false},
		{[]lua.LValue{s("%[2]d %[1]d"), n(1), n(2)}, false},
		{[]lua.LValue{s("%5%")}, false},
		{[]lua.LValue{s("%u %c %o %e %f %g %q"), n(1), n(65), n(8), n(1), n(1), n(1), s("x")}, false},
		{[]lua.LValue{s("%é"), n(1)}, false},
		{[]lua.LValue{s("%s"), lua.LTrue}, false},
		{[]lua.LValue{s("%s"), lua.LNil}, false},
		{[]lua.LValue{s("%d"), s("12")}, false},
		{[]lua.LValue{s("%d"), s("abc")}, false},
		{[]lua.LValue{s("%x"), s("abc")}, false},
		{[]lua.LValue{n(5)}, false},
		{[]lua.LValue{n(5), n(6)}, false},
		{[]lua.LValue{lua.LNil}, false},
		{[]lua.LValue{}, false},
		{[]lua.LValue{lua.LFalse, n(1)}, false},
	} {
		if took := p.check(t, c.args); took != c.fast {
			t.Errorf("args %s: fast path took it: %v, want %v", fmtArgsString(c.args), took, c.fast)
		}
	}
	for _, v := range fmtValues(p.ref) {
		for _, f := range []string{"%d", "%i", "%x", "%X", "%s", "%5d", "%05d", "%-3x", "%q", "%f", "%c", "%.3s"} {
			p.check(t, []lua.LValue{s(f), v})
		}
	}
}

// fmtDirective returns a random directive: mostly ones the fast path
// takes, and every verb, flag, width, precision and index fmt knows.
func fmtDirective(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		simple := []string{"%d", "%i", "%s", "%x", "%X", "%%", "%02d", "%5d", "%-3i", "%08X", "%2x", "%99d", "%-1d"}
		return simple[r.IntN(len(simple))]
	}
	flags := []string{"", "", "", "0", "-", "+", " ", "#", "-0", "0-", "00", "+0"}
	widths := []string{"", "", "", "1", "3", "5", "10", "99", "100", "0", "*", "[1]", "[3]", "1000000000"}
	precs := []string{"", "", "", ".", ".0", ".3", ".*", ".10"}
	verbs := []string{"d", "i", "x", "X", "s", "d", "s", "u", "c", "o", "O", "e", "E", "f", "F", "g", "G",
		"q", "a", "A", "b", "p", "v", "T", "t", "U", "%", "é", "z", "\x00", ""}
	return "%" + flags[r.IntN(len(flags))] + widths[r.IntN(len(widths))] +
		precs[r.IntN(len(precs))] + verbs[r.IntN(len(verbs))]
}

// TestStringFormatMatchesGopherLua compares the replacement with
// gopher-lua's string.format, through every call site, on random formats
// (text with '%' escapes, NULs and non-ASCII bytes, every directive) and
// random arguments of every type: same results, or the same error.
func TestStringFormatMatchesGopherLua(t *testing.T) {
	p := newFmtPair(t)
	values := fmtValues(p.ref)
	r := rand.New(rand.NewPCG(1904, 9))
	literals := []string{"a", "10.", ".", "/32", "eth", " ", "é", "\x00", "\xff", "\n", "%%", "%"}
	const calls = 20000
	took := 0
	for range calls {
		var f strings.Builder
		directives := 0
		for range r.IntN(7) {
			if r.IntN(3) == 0 {
				f.WriteString(literals[r.IntN(len(literals))])
			} else {
				f.WriteString(fmtDirective(r))
				directives++
			}
		}
		args := []lua.LValue{lua.LString(f.String())}
		switch r.IntN(20) {
		case 0:
			args[0] = values[r.IntN(len(values))] // not a string format
		case 1:
			args = args[:0] // no format at all
		}
		nargs := directives
		switch r.IntN(4) {
		case 0:
			nargs += r.IntN(3) - 1
		case 1:
			nargs = r.IntN(6)
		}
		for range max(nargs, 0) {
			switch r.IntN(3) {
			case 0:
				args = append(args, lua.LNumber(r.IntN(2001)-1000))
			case 1:
				args = append(args, lua.LString(literals[r.IntN(len(literals))]))
			default:
				args = append(args, values[r.IntN(len(values))])
			}
		}
		if p.check(t, args) {
			took++
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	// The comparison only says something about the fast path if the fast
	// path ran: a broken fits check that declines everything passes it.
	if took < calls/5 {
		t.Errorf("the fast path took %d of %d random calls, want at least %d", took, calls, calls/5)
	}
	t.Logf("the fast path took %d of %d random calls", took, calls)
}

// TestRuntimeInstallsStringFormat checks that every state the runtime
// makes, sandboxed or not, has the replacement, reachable both as
// string.format and as a string method.
func TestRuntimeInstallsStringFormat(t *testing.T) {
	plain := lua.NewState()
	defer plain.Close()
	gopher := plain.GetGlobal("string").(*lua.LTable).RawGetString("format").(*lua.LFunction)
	for _, opts := range []Options{{}, {Sandbox: Sandbox{Enabled: true}}} {
		rt, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		L := rt.LState()
		fn, ok := L.GetGlobal("string").(*lua.LTable).RawGetString("format").(*lua.LFunction)
		if !ok || fn.GFunction == nil {
			t.Fatalf("sandbox %v: string.format is %v", opts.Sandbox.Enabled, fn)
		}
		if reflect.ValueOf(fn.GFunction).Pointer() == reflect.ValueOf(gopher.GFunction).Pointer() {
			t.Errorf("sandbox %v: string.format is still gopher-lua's", opts.Sandbox.Enabled)
		}
		got, err := rt.RunString(context.Background(), "t.lua",
			`return string.format == ("").format, string.format("10.%d.%d.%d/32", 10, 0, 255), ("%s-%02x"):format("veth", 10)`)
		if err != nil {
			t.Fatal(err)
		}
		if want := []any{true, "10.10.0.255/32", "veth-0a"}; !reflect.DeepEqual(got, want) {
			t.Errorf("sandbox %v: got %#v, want %#v", opts.Sandbox.Enabled, got, want)
		}
		rt.Close()
	}
}
