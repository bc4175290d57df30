package runtime

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestWriteJSONMatchesJSON(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	cases := []string{
		`return 1`, `return nil`, `return "a<b>&\"\\\n\t\1é"`, `return 1.5, -0.0, 2^53, 2^60, 1e-9, 1e300`,
		`return {}`, `return {1, 2, {3}, {}}`, `return {a = 1, b = {c = "d"}, [1] = "x", [2.5] = true}`,
		`return {ifname = "lo", mtu = 65536, flags = {"UP", "LOOPBACK"}, stats = {rx = {bytes = 0}}}`,
		`local t = {}; t.self = t; return t`, `return print`, `return {[1] = "a", ["1"] = "a"}`,
		`return 1, "two", {three = 3}`, `return {1, nil, 3}`, `return {[true] = 1}`,
	}
	for _, code := range cases {
		if err := L.DoString(code); err != nil {
			t.Fatal(err)
		}
		vals := make([]lua.LValue, L.GetTop())
		for i := range vals {
			vals[i] = L.Get(i + 1)
		}
		L.SetTop(0)
		want, werr := JSON(vals)
		var got bytes.Buffer
		gerr := WriteJSON(&got, vals)
		if (werr != nil) != (gerr != nil) {
			t.Errorf("%s: errors %v, %v", code, werr, gerr)
			continue
		}
		if werr == nil && got.String() != string(want)+"\n" {
			t.Errorf("%s:\nWriteJSON %s\nJSON      %s", code, got.String(), want)
		}
	}
}

// BenchmarkJSON encodes a list of 1,000 route-shaped tables: through a Go
// copy (JSON) and streamed (WriteJSON).
func BenchmarkJSON(b *testing.B) {
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(`local l = {}
		for i = 1, 1000 do
			l[i] = {family = "inet", type = "unicast", dst = "10.0." .. math.floor(i / 256) .. "." .. (i % 256),
				dev = "bench0", ifindex = 2, table = "main", protocol = "boot", scope = "link"}
		end
		return l`); err != nil {
		b.Fatal(err)
	}
	vals := []lua.LValue{L.Get(-1)}
	b.Run("FromLua+MarshalIndent", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := JSON(vals); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("WriteJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteJSON(io.Discard, vals); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestPrettyScalarMatchesPP(t *testing.T) {
	rt, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	for _, code := range []string{"nil", "true", "false", "1", "-0.0", "1.5", "2^53", "2^53-1", "-2^53", "2^63", "1/0", "-1/0", "0/0", "1e300", "-7"} {
		vals, err := rt.EvalString(context.Background(), "t", "return "+code)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := prettyScalar(vals[0])
		res, err := rt.EvalString(context.Background(), "t", "return require('pp').format("+code+")")
		if err != nil {
			t.Fatal(err)
		}
		if want := lua.LVAsString(res[0]); got != want {
			t.Errorf("%s: prettyScalar %q, pp.format %q", code, got, want)
		}
	}
}

// A returned iterator prints as the list of its values, exactly as the
// list itself would; an error inside it is the call's error.
func TestPrintJSONIterator(t *testing.T) {
	rt, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	ctx := context.Background()
	run := func(code string) []lua.LValue {
		fn, err := rt.Compile("t", code)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := rt.Call(ctx, fn)
		if err != nil {
			t.Fatal(err)
		}
		return vals
	}
	const list = `{{n = 1, s = {"a"}}, {n = 2}, {}}`
	for _, c := range []struct{ iter, list string }{
		{`local l = ` + list + `; local i = 0; return function() i = i + 1; return l[i] end`, `return ` + list},
		{`return function() return nil end`, `return {}`},
		{`local i = 0; return 7, function() i = i + 1; if i < 3 then return i end end`, `return 7, {1, 2}`},
	} {
		var got, want bytes.Buffer
		if err := rt.PrintJSON(ctx, &got, run(c.iter)); err != nil {
			t.Fatal(c.iter, err)
		}
		if err := WriteJSON(&want, run(c.list)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s:\ngot  %s\nwant %s", c.iter, got.String(), want.String())
		}
	}
	vals := run(`local i = 0; return function() i = i + 1; if i > 2 then error("boom") end; return i end`)
	if err := rt.PrintJSON(ctx, io.Discard, vals); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("iterator error: %v", err)
	}
}

// errClosedOutput is the failure of a reader that went away.
var errClosedOutput = errors.New("output closed")

// closingWriter takes n bytes, then fails every write.
type closingWriter struct{ n int }

func (w *closingWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, errClosedOutput
	}
	w.n -= len(p)
	return len(p), nil
}

// An output that fails ends an iterator's JSON stream with its error: an
// endless iterator written to a closed pipe must not run on.
func TestPrintJSONStopsWhenOutputFails(t *testing.T) {
	rt, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	ctx := context.Background()
	vals, err := rt.EvalString(ctx, "endless", `local i = 0
		return function() i = i + 1; return {n = i, name = "x"} end`)
	if err != nil {
		t.Fatal(err)
	}
	err = rt.PrintJSON(ctx, &closingWriter{n: 200 << 10}, vals)
	if !errors.Is(err, errClosedOutput) {
		t.Fatalf("PrintJSON = %v; want the output's error", err)
	}
}
