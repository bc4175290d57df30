package runtime

import (
	"math"
	"math/rand/v2"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// fastFormat gives what gopher-lua's string.format gives, for every call
// it takes, and declines the rest: a table of edge cases, then random
// formats and arguments.
func TestFastFormatMatchesOriginal(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	orig := L.GetGlobal("string").(*lua.LTable).RawGetString("format").(*lua.LFunction)
	check := func(args ...lua.LValue) (took bool) {
		t.Helper()
		L.SetTop(0)
		for _, a := range args {
			L.Push(a)
		}
		got, ok := fastFormat(L, nil)
		L.SetTop(0)
		L.Push(orig)
		for _, a := range args {
			L.Push(a)
		}
		if err := L.PCall(len(args), 1, nil); err != nil {
			if ok {
				t.Errorf("format%v: fast path gave %q, the original fails: %v", args, got, err)
			}
			return ok
		}
		want := L.Get(-1).String()
		if ok && string(got) != want {
			t.Errorf("format%v = %q, original %q", args, got, want)
		}
		return ok
	}
	n, s := func(f float64) lua.LValue { return lua.LNumber(f) }, func(x string) lua.LValue { return lua.LString(x) }
	taken := 0
	for _, c := range [][]lua.LValue{
		{s("10.%d.%d.%d/32"), n(0), n(1), n(255)},
		{s("%s-%i"), s("eth"), n(-3)},
		{s("%d"), n(1.9)}, {s("%d"), n(-1.9)}, {s("%s"), n(1.5)}, {s("%s"), n(1e300)},
		{s("%d"), n(math.Inf(1))}, {s("%d"), n(math.NaN())}, {s("%s"), n(math.NaN())},
		{s("%d")}, {s("%d %d"), n(1)}, {s("%d"), n(1), n(2)}, {s("%%%d"), n(1), n(2)},
		{s("100%%")}, {s("%")}, {s("a%")}, {s("%5d"), n(1)}, {s("%-s"), s("x")}, {s("%x"), n(255)},
		{s("%s"), lua.LTrue}, {s("%d"), s("12")}, {s("%s"), lua.LNil}, {n(5)}, {s("")},
		{s("%s%s"), s(""), s("\x00é")},
	} {
		if check(c...) {
			taken++
		}
	}
	if taken < 8 {
		t.Errorf("fast path took %d of the table's calls; it should take the plain ones", taken)
	}
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "%d", "%i", "%s", "%%", "%", ".", "%x", "%5d", "é"}
	for range 5000 {
		var f string
		for range r.IntN(6) {
			f += pieces[r.IntN(len(pieces))]
		}
		args := []lua.LValue{s(f)}
		for range r.IntN(5) {
			switch r.IntN(4) {
			case 0:
				args = append(args, n(float64(r.IntN(2000)-1000)))
			case 1:
				args = append(args, n(r.NormFloat64()*1e6))
			case 2:
				args = append(args, s(pieces[r.IntN(len(pieces))]))
			default:
				args = append(args, lua.LBool(r.IntN(2) == 0))
			}
		}
		check(args...)
	}
}

func BenchmarkStringFormat(b *testing.B) {
	for _, impl := range []string{"gopher-lua", "fast"} {
		b.Run(impl, func(b *testing.B) {
			L := lua.NewState()
			defer L.Close()
			if impl == "fast" {
				installFastFormat(L)
			}
			fn, err := L.LoadString(`local f, fmt = 0, string.format for i = 1, 1000 do f = fmt("10.%d.%d.%d/32", i % 7, i % 256, i) end`)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				L.Push(fn)
				L.Call(0, 0)
			}
		})
	}
}
