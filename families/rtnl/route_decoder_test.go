package rtnl

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// routeDump is a fake route dump: the kernel's route seeds, with bad
// spoiled (its RTA_DST made an RTA_VIA too short for one) when >= 0.
func routeDump(t *testing.T, bad int) *ipFakeConn {
	var routes []codec.Message
	for _, m := range kernelSeeds(t, "routes") {
		if m.Header.Type == rtmNewRoute {
			m.Data = append([]byte(nil), m.Data...)
			routes = append(routes, m)
		}
	}
	if len(routes) < 3 {
		t.Fatalf("%d route seeds", len(routes))
	}
	if bad >= 0 {
		d := codec.NewDecoder(routes[bad].Data[rtmsgLen:])
		off := rtmsgLen
		for d.Next() {
			if d.Type() == rtaDst {
				routes[bad].Data[off+2] = byte(rtaVia)
				break
			}
			off += codec.Align(4 + len(d.Bytes()))
		}
	}
	return &ipFakeConn{t: t, dump: func(m codec.Message) []codec.Message {
		if m.Header.Type == rtmGetRoute {
			return routes
		}
		return nil // the link dump that names devices
	}}
}

// EachRouteMessage hands out the messages EachRoute decodes: decoded by
// their RouteDecoder, now or again later, they are EachRoute's routes; a
// malformed one is Decode's error, which reads as the error EachRoute
// stops with.
func TestEachRouteMessage(t *testing.T) {
	ctx := context.Background()
	var want []Route
	if err := New(routeDump(t, -1)).EachRoute(ctx, RouteFilter{}, func(r Route) error { want = append(want, r); return nil }); err != nil {
		t.Fatal(err)
	}
	var (
		dec  *RouteDecoder
		msgs [][]byte
	)
	err := New(routeDump(t, -1)).EachRouteMessage(ctx, RouteFilter{}, func(rd *RouteDecoder, b []byte) error {
		dec = rd
		msgs = append(msgs, append([]byte(nil), b...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != len(want) {
		t.Fatalf("%d messages, %d routes", len(msgs), len(want))
	}
	for pass := range 2 { // decoding again gives the same
		r := Route{Dev: "stale", Nexthops: []Nexthop{{}}}
		for i, b := range msgs {
			ok, err := dec.Decode(&r, b)
			if err != nil || !ok || !reflect.DeepEqual(r, want[i]) {
				t.Fatalf("pass %d message %d: %v %v\n%+v\nwant %+v", pass, i, ok, err, r, want[i])
			}
		}
	}
	// A malformed message: EachRoute stops with the error Decode gives.
	eachErr := New(routeDump(t, 1)).EachRoute(ctx, RouteFilter{}, func(Route) error { return nil })
	var decErr error
	n := 0
	err = New(routeDump(t, 1)).EachRouteMessage(ctx, RouteFilter{}, func(rd *RouteDecoder, b []byte) error {
		n++
		var r Route
		_, decErr = rd.Decode(&r, b)
		return decErr
	})
	if eachErr == nil || decErr == nil || decErr.Error() != eachErr.Error() || !strings.Contains(decErr.Error(), "RTA_VIA") {
		t.Errorf("malformed: Decode %v, EachRoute %v", decErr, eachErr)
	}
	if n != 2 || !errors.Is(err, decErr) {
		t.Errorf("malformed: stopped after %d messages with %v", n, err)
	}
}

// Decode filters as the dump's filter asks, for kernels that do not.
func TestRouteDecoderFilters(t *testing.T) {
	in := Route{Dst: netip.MustParsePrefix("10.0.0.0/8"), Ifindex: 3, Table: 100}
	q, err := in.normalize("route add", BuiltinTables(), false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := encodeRoute(&in, q)
	if err != nil {
		t.Fatal(err)
	}
	devs := &devResolver{byIdx: map[int]string{3: "eth3"}, all: true}
	for _, c := range []struct {
		table uint32
		idx   int
		want  bool
	}{{0, 0, true}, {100, 0, true}, {254, 0, false}, {0, 3, true}, {0, 4, false}, {100, 3, true}} {
		rd := &RouteDecoder{rd: routeDecoder{tables: BuiltinTables()}, devs: devs, table: c.table, idx: c.idx}
		var r Route
		ok, err := rd.Decode(&r, b)
		if err != nil || ok != c.want || (ok && r.Dev != "eth3") {
			t.Errorf("table %d dev %d: %v %v %+v", c.table, c.idx, ok, err, r)
		}
	}
}

// FuzzRouteDecoder: any message decodes through a dump's RouteDecoder
// as DecodeRoute decodes it, without a panic.
func FuzzRouteDecoder(f *testing.F) {
	for _, m := range kernelSeeds(f, "routes") {
		if m.Header.Type == rtmNewRoute {
			f.Add(m.Data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := &RouteDecoder{rd: routeDecoder{tables: BuiltinTables()}, devs: &devResolver{byIdx: map[int]string{1: "lo"}, all: true}}
		var r Route
		_, err := rd.Decode(&r, data)
		_, want := DecodeRoute(codec.Message{Data: data})
		if (err == nil) != (want == nil) {
			t.Errorf("Decode %v, DecodeRoute %v", err, want)
		}
		checkAgrees(t, data)
	})
}

// checkAgrees fails t unless RouteDecoder.Check, CheckDst and
// AppendRouteDst agree with Decode (and CheckDst with the other two) on b, under no filter and under filters by table and device
// (those b selects and others); it reports whether Check was sure of b.
func checkAgrees(t *testing.T, b []byte) bool {
	t.Helper()
	var r Route
	plain := &RouteDecoder{rd: routeDecoder{tables: BuiltinTables()}, devs: &devResolver{byIdx: map[int]string{1: "lo"}, all: true}}
	wantOK, err := plain.Decode(&r, b)
	table, idx := r.Table, r.Ifindex
	sure := false
	for _, f := range [][2]int{{0, 0}, {int(table), 0}, {int(table) + 1, 0}, {0, idx}, {0, idx + 1}, {int(table), idx}} {
		rd := &RouteDecoder{rd: routeDecoder{tables: BuiltinTables()}, devs: plain.devs, table: uint32(f[0]), idx: f[1]}
		ok, s := rd.Check(b)
		out, dok, ds := rd.CheckDst([]byte("x"), b)
		if dok != ok || ds != s {
			t.Fatalf("% x, table %d dev %d: CheckDst %v %v, Check %v %v", b, f[0], f[1], dok, ds, ok, s)
		}
		if !s {
			if string(out) != "x" {
				t.Fatalf("% x, table %d dev %d: CheckDst not sure appended %q", b, f[0], f[1], out)
			}
			continue
		}
		if want, _ := AppendRouteDst([]byte("x"), b); ok && string(out) != string(want) || !ok && string(out) != "x" {
			t.Fatalf("% x, table %d dev %d: CheckDst (ok %v) appended %q, AppendRouteDst %q", b, f[0], f[1], ok, out, want)
		}
		sure = true
		var r2 Route
		want, err := rd.Decode(&r2, b)
		if err != nil || ok != want {
			t.Fatalf("% x, table %d dev %d: Check ok %v (sure), Decode %v %v", b, f[0], f[1], ok, want, err)
		}
	}
	got, ok := AppendRouteDst([]byte("x"), b)
	switch {
	case err == nil && (!ok || string(got) != "x"+r.DstString()):
		t.Fatalf("% x: AppendRouteDst %q %v, want %q (Decode %v)", b, got, ok, "x"+r.DstString(), wantOK)
	case err != nil && sure:
		t.Fatalf("% x: Check sure of a message Decode fails: %v", b, err)
	}
	return sure
}

// Check is sure only of what Decode decodes without an error, and then
// says what Decode's ok says, filters and all; AppendRouteDst appends
// the decoded route's dst: the kernel's routes, routes as a W2 dump
// carries them (of which Check is sure), and thousands of random changes
// to them (lengths, types, bytes, cut short).
func TestRouteCheck(t *testing.T) {
	seeds := [][]byte{benchRouteMessage()}
	for _, m := range kernelSeeds(t, "routes") {
		if m.Header.Type == rtmNewRoute {
			seeds = append(seeds, m.Data)
		}
	}
	sure := 0
	for _, b := range seeds {
		if checkAgrees(t, b) {
			sure++
		}
	}
	if ok, s := (&RouteDecoder{table: 254, idx: 3}).Check(benchRouteMessage()); !ok || !s {
		t.Errorf("Check of a plain route: %v %v, want sure and selected", ok, s)
	}
	if sure < 2 {
		t.Errorf("Check sure of %d of %d seeds", sure, len(seeds))
	}
	rng := rand.New(rand.NewPCG(9, 2))
	for range 20000 {
		b := append([]byte(nil), seeds[rng.IntN(len(seeds))]...)
		for range 1 + rng.IntN(3) {
			if len(b) == 0 {
				break
			}
			switch i := rng.IntN(len(b)); rng.IntN(4) {
			case 0:
				b[i] = byte(rng.IntN(256))
			case 1:
				b[i] = byte(rng.IntN(32)) // types, lengths, prefix lengths
			case 2:
				b = b[:i]
			case 3:
				if i >= rtmsgLen && (i-rtmsgLen)%4 == 0 { // an attribute's length
					b[i] = byte(4 + 4*rng.IntN(5))
				}
			}
		}
		checkAgrees(t, b)
	}
}

// AppendDst appends DstString's text, which is ip's: "default" for the
// zero prefix and any /0, a host prefix's bare address, else the prefix.
func TestAppendDst(t *testing.T) {
	for _, c := range []struct {
		dst  netip.Prefix
		want string
	}{
		{netip.Prefix{}, "default"},
		{netip.MustParsePrefix("0.0.0.0/0"), "default"},
		{netip.MustParsePrefix("::/0"), "default"},
		{netip.MustParsePrefix("10.0.0.1/32"), "10.0.0.1"},
		{netip.MustParsePrefix("10.1.0.0/16"), "10.1.0.0/16"},
		{netip.MustParsePrefix("2001:db8::1/128"), "2001:db8::1"},
		{netip.MustParsePrefix("2001:db8::/32"), "2001:db8::/32"},
		{netip.MustParsePrefix("::ffff:192.0.2.0/120"), "::ffff:192.0.2.0/120"},
		{netip.MustParsePrefix("::ffff:192.0.2.1/128"), "::ffff:192.0.2.1"},
	} {
		r := Route{Dst: c.dst}
		if got := r.DstString(); got != c.want {
			t.Errorf("%v: DstString %q, want %q", c.dst, got, c.want)
		}
		if got := string(r.AppendDst([]byte("x"))); got != "x"+c.want {
			t.Errorf("%v: AppendDst %q, want %q", c.dst, got, "x"+c.want)
		}
	}
}

// benchRouteMessage is a route as W2's dump carries it: an rtmsg with
// RTA_TABLE, RTA_DST and RTA_OIF.
func benchRouteMessage() []byte {
	b := make([]byte, rtmsgLen, 64)
	b[0], b[1], b[4], b[5], b[6], b[7] = ipFamily4, 32, 254, 3, 253, rtnUnicast
	e := codec.NewEncoder(b)
	e.Uint32(rtaTable, 254)
	e.Addr(rtaDst, netip.MustParseAddr("10.0.1.2"))
	e.Uint32(rtaOif, 3)
	out, err := e.Encode()
	if err != nil {
		panic(err)
	}
	return out
}

// BenchmarkRouteDecode: one route of a dump decoded into a reused Route,
// names and all.
func BenchmarkRouteDecode(b *testing.B) {
	devs := &devResolver{byIdx: map[int]string{3: "bench0"}}
	rd := &RouteDecoder{rd: routeDecoder{tables: BuiltinTables()}, devs: devs}
	m := benchRouteMessage()
	var r Route
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := rd.Decode(&r, m); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
	if r.Dev != "bench0" || r.TableName != "main" || r.Protocol != "boot" || r.DstString() != "10.0.1.2" {
		b.Fatalf("%+v", r)
	}
}

// BenchmarkRouteCheckDst: what route.each's reader does per route (one
// walk: checked, dst appended), beside Check then AppendRouteDst.
func BenchmarkRouteCheckDst(b *testing.B) {
	rd := &RouteDecoder{table: 254}
	m := benchRouteMessage()
	dst := make([]byte, 0, 64)
	b.Run("one-walk", func(b *testing.B) {
		for b.Loop() {
			out, ok, sure := rd.CheckDst(dst[:0], m)
			if !ok || !sure || string(out) != "10.0.1.2" {
				b.Fatal(string(out), ok, sure)
			}
		}
	})
	b.Run("two-walks", func(b *testing.B) {
		for b.Loop() {
			if ok, sure := rd.Check(m); !ok || !sure {
				b.Fatal(ok, sure)
			}
			if out, ok := AppendRouteDst(dst[:0], m); !ok || string(out) != "10.0.1.2" {
				b.Fatal(string(out), ok)
			}
		}
	})
}

// The decoder's tables by value name every byte as ipEnumName does.
func TestRouteEnumNames(t *testing.T) {
	for _, c := range []struct {
		n     *u8Names
		table []ipEnumEntry
	}{{routeTypeNames, ipRouteTypes}, {routeProtocolNames, ipRouteProtocols}, {routeScopeNames, ipScopes}} {
		for v := range 256 {
			if got, want := c.n.name(uint8(v), c.table), ipEnumName(uint32(v), c.table); got != want {
				t.Errorf("%d: %q, want %q", v, got, want)
			}
		}
	}
}
