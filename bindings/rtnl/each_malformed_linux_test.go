package rtnl_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// spoilRoute is a transport that, once armed, spoils the route to dst in
// the next dump reply carrying it: its RTA_DST (4 bytes) becomes an
// RTA_VIA, which must hold a family and an address, so decoding it fails.
type spoilRoute struct {
	socket.Transport
	dst   [4]byte
	armed *atomic.Bool
}

func (s spoilRoute) spoil(d []byte) {
	for len(d) >= 16 {
		n := int(binary.LittleEndian.Uint32(d[0:4]))
		if n < 16 || n > len(d) {
			return
		}
		if binary.LittleEndian.Uint16(d[4:6]) == 24 && n >= 16+12 { // RTM_NEWROUTE
			a := d[16+12 : n]
			for len(a) >= 4 {
				al := int(binary.LittleEndian.Uint16(a[0:2]))
				if al < 4 || al > len(a) {
					break
				}
				if binary.LittleEndian.Uint16(a[2:4]) == 1 && al == 8 && [4]byte(a[4:8]) == s.dst && s.armed.CompareAndSwap(true, false) {
					binary.LittleEndian.PutUint16(a[2:4], 18) // RTA_VIA
				}
				a = a[min((al+3)&^3, len(a)):]
			}
		}
		d = d[min((n+3)&^3, len(d)):]
	}
}

func (s spoilRoute) Receive(b []byte) ([]byte, uint32, error) {
	d, g, err := s.Transport.Receive(b)
	if err == nil {
		s.spoil(d)
	}
	return d, g, err
}

func (s spoilRoute) TryReceive(b []byte) ([]byte, uint32, bool, error) {
	d, g, ok, err := s.Transport.TryReceive(b)
	if ok && err == nil {
		s.spoil(d)
	}
	return d, g, ok, err
}

// A malformed route message in a dump raises a Lua error naming
// rtnl.route.each when the loop reaches that route, whether or not the
// loop reads its fields, after handing out every route before it; --json
// of the iterator fails with it; the next dump works.
func TestRouteEachMalformed(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "e0", "type", "veth", "peer", "name", "e1")
	ns.IP("link", "set", "e0", "up")
	for i := range 600 { // more than one batch of the stream
		ns.IP("route", "add", fmt.Sprintf("10.9.%d.%d/32", i/256, i%256), "dev", "e0")
	}
	var armed atomic.Bool
	ctx := context.Background()
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Timeout: 30 * time.Second,
		WrapTransport: func(tr socket.Transport) socket.Transport {
			return spoilRoute{Transport: tr, dst: [4]byte{10, 9, 1, 144}, armed: &armed} // the 401st
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	run := func(code string) []lua.LValue {
		t.Helper()
		f, err := rt.Compile("t", code)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := rt.Call(ctx, f)
		if err != nil {
			t.Fatal(code, err)
		}
		return vals
	}
	for _, body := range []string{"n = n + 1", "if r.dst then n = n + 1 end"} {
		armed.Store(true)
		vals := run(`local rtnl = require "rtnl"; local n, last = 0
			local ok, err = pcall(function() for r in rtnl.route.each{} do ` + body + `; last = r end end)
			return ok, tostring(err), n, last and last.dst`)
		if vals[0] != lua.LFalse || !strings.Contains(vals[1].String(), "rtnl.route.each") || !strings.Contains(vals[1].String(), "RTA_VIA") {
			t.Fatalf("%s: got %v, want an error of rtnl.route.each about RTA_VIA", body, vals)
		}
		if vals[3].String() != "10.9.1.143" {
			t.Errorf("%s: last route handed out %v (%v of them), want 10.9.1.143, the one before the bad one", body, vals[3], vals[2])
		}
		if armed.Load() {
			t.Fatal("route not spoiled")
		}
		// The next dump works.
		if vals := run(`local n = 0; for r in require("rtnl").route.each{} do n = n + 1 end; return n`); vals[0].(lua.LNumber) < 600 {
			t.Errorf("next dump: %v routes", vals[0])
		}
	}
	armed.Store(true)
	vals := run(`return require("rtnl").route.each{}`)
	var out bytes.Buffer
	err = rt.PrintJSON(ctx, &out, vals)
	if err == nil || !strings.Contains(err.Error(), "rtnl.route.each") || !strings.Contains(err.Error(), "RTA_VIA") {
		t.Errorf("--json: error %v, want one of rtnl.route.each about RTA_VIA", err)
	}
}
