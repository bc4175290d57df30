package rtnl

import (
	"context"
	"net/netip"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/rtnl"
	"github.com/nlsh/nlsh/internal/testutil"
)

// eachLoop is W2's loop (bench/lua/w2_dump.lua) over a global iterator.
const eachLoop = `local n = 0
for r in each() do
  if r.dst then n = n + 1 end
end
return n`

// BenchmarkRouteEachLuaSide is the Lua side of rtnl.route.each alone:
// W2's loop over 100,000 routes already received and prepared (as the
// dump's reader prepares them), each made a record as the iterator makes
// it, side by side with gopher-lua's bare loop over records that hold
// nothing (bench/luabound's bound). The ratio of the two is what nlsh's
// records add to the loop; W2's time over the sum of this and the dump's
// own is what handing batches between the two goroutines costs.
func BenchmarkRouteEachLuaSide(b *testing.B) {
	const n = 100000
	dec, msgs := preparedRouteDump(b, n)
	b.Run("records", func(b *testing.B) {
		benchEachLoop(b, n, func(L *lua.LState) *lua.LFunction {
			recs := bindings.NewLazyRecordMaker(L, routeSpec, func(r *rtnl.Route, m []byte) (bool, error) { return dec.Decode(r, m) })
			recs.Fast(nil, map[string]func(dst, b []byte) ([]byte, bool){"dst": rtnl.AppendRouteDst})
			recs.ReadAhead("dst", func(dst, m []byte) ([]byte, bool, bool) { return dec.CheckDst(dst, m) })
			prep := recs.Preparer()
			batch := make([]bindings.Prepared, len(msgs))
			for j, m := range msgs {
				if !prep.Prepare(&batch[j], m) {
					b.Fatalf("route %d not prepared", j)
				}
			}
			next := 0
			return L.NewFunction(func(L *lua.LState) int {
				if next == len(batch) {
					return 0
				}
				t, err := recs.Table(L, &batch[next])
				if err != nil {
					L.RaiseError("%v", err)
				}
				next++
				L.Push(t)
				return 1
			})
		})
	})
	b.Run("bare-gopher-lua", func(b *testing.B) {
		benchEachLoop(b, n, func(L *lua.LState) *lua.LFunction {
			mt := L.CreateTable(0, 1)
			dst := lua.LString("10.0.0.0/32")
			mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int { L.Push(dst); return 1 }))
			left := n
			return L.NewFunction(func(L *lua.LState) int {
				if left == 0 {
					return 0
				}
				left--
				t := L.CreateTable(1, 0)
				t.RawSetInt(1, lua.LTrue) // a record's one hidden slot
				t.Metatable = mt
				L.Push(t)
				return 1
			})
		})
	})
}

// benchEachLoop times eachLoop over the iterator iterFor makes, in a
// fresh state per iteration run as the runtime runs scripts (under a
// context that can be cancelled); making the state and the iterator is
// not timed.
func benchEachLoop(b *testing.B, n int, iterFor func(L *lua.LState) *lua.LFunction) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		L := lua.NewState()
		ctx, cancel := context.WithCancel(context.Background())
		L.SetContext(ctx)
		iter := iterFor(L)
		b.StartTimer()
		runEachLoop(b, L, iter, n)
		b.StopTimer()
		cancel()
		L.Close()
		b.StartTimer()
	}
}

// runEachLoop runs eachLoop over iter and checks it counted want.
func runEachLoop(b *testing.B, L *lua.LState, iter *lua.LFunction, want int) {
	L.SetGlobal("each", L.NewFunction(func(L *lua.LState) int { L.Push(iter); return 1 }))
	if err := L.DoString(eachLoop); err != nil {
		b.Fatal(err)
	}
	if got := L.Get(-1); got != lua.LNumber(want) {
		b.Fatalf("the loop counted %v routes, want %d", got, want)
	}
	L.Pop(1)
}

// preparedRouteDump makes a namespace with n /32 routes on a veth and
// returns its dump's decoder and IPv4 unicast route messages of the main
// table (copied).
func preparedRouteDump(b *testing.B, n int) (*rtnl.RouteDecoder, [][]byte) {
	ns := testutil.NewNetNS(b)
	ns.IP("link", "add", "bench0", "type", "veth", "peer", "name", "bench1")
	ns.IP("link", "set", "bench0", "up")
	cl, err := rtnl.Dial(&socket.Config{NetNS: ns.Target})
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	rs := make([]rtnl.Route, n)
	for i := range rs {
		rs[i] = rtnl.Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32), Dev: "bench0"}
	}
	if _, err := cl.AddRoutes(context.Background(), rs); err != nil {
		b.Fatal(err)
	}
	var (
		dec   *rtnl.RouteDecoder
		msgs  [][]byte
		arena []byte
	)
	err = cl.EachRouteMessage(context.Background(), rtnl.RouteFilter{Table: 254}, func(rd *rtnl.RouteDecoder, m []byte) error {
		dec = rd
		k := len(arena)
		arena = append(arena, m...)
		msgs = append(msgs, arena[k:len(arena):len(arena)])
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if len(msgs) != n {
		b.Fatalf("dumped %d routes of the main table, want %d", len(msgs), n)
	}
	return dec, msgs
}
