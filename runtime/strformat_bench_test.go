package runtime

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// BenchmarkStringFormat runs 1,000 string.format calls per op, with
// gopher-lua's function and with the replacement side by side, on W1's
// route prefix and on a %s-heavy name pattern; "concat" builds the same
// strings with `..` for scale. ns/call and allocs/call are per call.
func BenchmarkStringFormat(b *testing.B) {
	const calls = 1000
	patterns := []struct{ name, format, concat string }{
		{"W1-prefix",
			`local s, fmt = nil, string.format local a, b = 3, 200 for i = 1, 1000 do s = fmt("10.%d.%d.%d/32", a, b, i) end`,
			`local s, a, b = nil, 3, 200 for i = 1, 1000 do s = "10." .. a .. "." .. b .. "." .. i .. "/32" end`},
		{"strings",
			`local s, fmt = nil, string.format for i = 1, 1000 do s = fmt("%s-%s:%s.%s", "veth", "ns1", "eth0", i) end`,
			`local s for i = 1, 1000 do s = "veth" .. "-" .. "ns1" .. ":" .. "eth0" .. "." .. i end`},
	}
	for _, p := range patterns {
		for _, impl := range []string{"gopher-lua", "nlsh", "concat"} {
			b.Run(p.name+"/"+impl, func(b *testing.B) {
				L := lua.NewState()
				defer L.Close()
				src := p.format
				switch impl {
				case "nlsh":
					installFastFormat(L)
				case "concat":
					src = p.concat
				}
				fn, err := L.LoadString(src)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					L.Push(fn)
					L.Call(0, 0)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/calls, "ns/call")
			})
		}
	}
}
