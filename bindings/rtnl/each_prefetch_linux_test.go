package rtnl_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// The each iterators read their dump on a goroutine of their own, a few
// batches ahead of the loop. These tests watch that goroutine and the
// stream's connection through a transport of their own (tap): the
// goroutine must end and the connection be released or closed however
// the loop ends, and what the loop sees must not change.

// tap counts what the connections of one runtime do, and can make their
// dumps misbehave.
type tap struct {
	opened, closed atomic.Int32
	routes         atomic.Int64 // RTM_NEWROUTE messages received
	lastDst        atomic.Value // netip.Addr of the last of them
	// holdAt > 0: once routes reaches it, a receive waits (a kernel that
	// does not answer) until the read deadline is set in the past or the
	// transport closes; then the replies flow again.
	holdAt  atomic.Int64
	holding atomic.Int32 // receives waiting now
	heldAt  atomic.Int64 // routes when the last hold began
	// failAt > 0: the route message after that many ends the dump with
	// an EIO error in its place (the dump's later replies never come).
	failAt atomic.Int64
	// slow > 0: every receive takes that much longer.
	slow     atomic.Int64            // time.Duration
	lastConn atomic.Pointer[tapConn] // the last to receive a route
}

func (tp *tap) wrap(tr socket.Transport) socket.Transport {
	tp.opened.Add(1)
	return &tapConn{Transport: tr, tap: tp}
}

type tapConn struct {
	socket.Transport
	tap      *tap
	inFlight atomic.Int32 // receives running now
	mu       sync.Mutex
	past     bool          // the read deadline is in the past
	wake     chan struct{} // closed when past becomes true or on Close
}

func (c *tapConn) Receive(b []byte) ([]byte, uint32, error) {
	c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	if d := time.Duration(c.tap.slow.Load()); d > 0 {
		time.Sleep(d)
	}
	if at := c.tap.holdAt.Load(); at > 0 && c.tap.routes.Load() >= at {
		if err := c.hold(); err != nil {
			return nil, 0, err
		}
	}
	d, g, err := c.Transport.Receive(b)
	if err == nil {
		d = c.tap.see(c, d)
	}
	return d, g, err
}

func (c *tapConn) TryReceive(b []byte) ([]byte, uint32, bool, error) {
	d, g, ok, err := c.Transport.TryReceive(b)
	if ok && err == nil {
		d = c.tap.see(c, d)
	}
	return d, g, ok, err
}

// hold waits for a past read deadline or Close, as a receive the kernel
// does not answer, and returns the error the receive then fails with.
func (c *tapConn) hold() error {
	c.mu.Lock()
	if c.past {
		c.mu.Unlock()
		return fmt.Errorf("tap: %w", os.ErrDeadlineExceeded)
	}
	if c.wake == nil {
		c.wake = make(chan struct{})
	}
	w := c.wake
	c.mu.Unlock()
	c.tap.heldAt.Store(c.tap.routes.Load())
	c.tap.holding.Add(1)
	<-w
	c.tap.holding.Add(-1)
	c.tap.holdAt.Store(0) // answered: the rest of the dump flows
	return fmt.Errorf("tap: %w", os.ErrDeadlineExceeded)
}

func (c *tapConn) wakeUp() {
	if c.wake != nil {
		close(c.wake)
		c.wake = nil
	}
}

func (c *tapConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.past = !t.IsZero() && !t.After(time.Now())
	if c.past {
		c.wakeUp()
	}
	c.mu.Unlock()
	return c.Transport.SetReadDeadline(t)
}

func (c *tapConn) Close() error {
	c.tap.closed.Add(1)
	c.mu.Lock()
	c.past = true
	c.wakeUp()
	c.mu.Unlock()
	return c.Transport.Close()
}

// see counts the route messages of datagram d, and cuts it with an error
// when failAt says so; c received it.
func (tp *tap) see(c *tapConn, d []byte) []byte {
	for off := 0; off+16 <= len(d); {
		n := int(binary.LittleEndian.Uint32(d[off:]))
		if n < 16 || off+n > len(d) {
			break
		}
		if binary.LittleEndian.Uint16(d[off+4:]) == 24 { // RTM_NEWROUTE
			if at := tp.failAt.Load(); at > 0 && tp.routes.Load() == at && n >= 36 && tp.failAt.CompareAndSwap(at, 0) {
				// An NLMSG_ERROR of EIO for the request, where this
				// message was.
				eio := syscall.EIO
				seq, pid := binary.LittleEndian.Uint32(d[off+8:]), binary.LittleEndian.Uint32(d[off+12:])
				e := d[off : off+36]
				binary.LittleEndian.PutUint32(e[0:], 36)
				binary.LittleEndian.PutUint16(e[4:], 2)     // NLMSG_ERROR
				binary.LittleEndian.PutUint16(e[6:], 0x100) // NLM_F_CAPPED: the request's header only
				binary.LittleEndian.PutUint32(e[8:], seq)
				binary.LittleEndian.PutUint32(e[12:], pid)
				binary.LittleEndian.PutUint32(e[16:], uint32(-int32(eio)))
				binary.LittleEndian.PutUint32(e[20:], 32)
				binary.LittleEndian.PutUint16(e[24:], 26) // RTM_GETROUTE
				binary.LittleEndian.PutUint16(e[26:], 0x301)
				binary.LittleEndian.PutUint32(e[28:], seq)
				binary.LittleEndian.PutUint32(e[32:], 0)
				return d[:off+36]
			}
			tp.routes.Add(1)
			tp.lastDst.Store(routeDst(d[off+16 : off+n]))
			tp.lastConn.Store(c)
		}
		off += (n + 3) &^ 3
	}
	return d
}

// routeDst is the RTA_DST of an IPv4 route message's data.
func routeDst(m []byte) netip.Addr {
	for a := m[min(12, len(m)):]; len(a) >= 4; {
		n := int(binary.LittleEndian.Uint16(a))
		if n < 4 || n > len(a) {
			break
		}
		if binary.LittleEndian.Uint16(a[2:]) == 1 && n == 8 {
			return netip.AddrFrom4([4]byte(a[4:8]))
		}
		a = a[min((n+3)&^3, len(a)):]
	}
	return netip.Addr{}
}

// eachEnv is a namespace with routes 10.40.0.0 ... (count of them, /32,
// on device e0) and a runtime over it whose connections tp taps.
type eachEnv struct {
	t    *testing.T
	ns   *testutil.NS
	tp   *tap
	rt   *runtime.Runtime
	base int // goroutines before the runtime
}

func newEachEnv(t *testing.T, count int) *eachEnv {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "e0", "type", "veth", "peer", "name", "e1")
	ns.IP("link", "set", "e0", "up")
	e := &eachEnv{t: t, ns: ns, tp: &tap{}, base: goruntime.NumGoroutine()}
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Timeout: 60 * time.Second, WrapTransport: e.tp.wrap})
	if err != nil {
		t.Fatal(err)
	}
	e.rt = rt
	t.Cleanup(rt.Close)
	e.run(fmt.Sprintf(`local rtnl = require "rtnl"
		rtnl.batch(function()
			for i = 0, %d do
				rtnl.route.add{dst = string.format("10.40.%%d.%%d/32", math.floor(i / 256), i %% 256), dev = "e0",
					metric = i %% 7, protocol = ({"static", "boot", "dhcp"})[i %% 3 + 1]}
			end
		end)`, count-1))
	return e
}

// call runs code under ctx, failing the test if it has not returned
// within 30 seconds (a stream that waits forever).
func (e *eachEnv) call(ctx context.Context, code string) ([]lua.LValue, error) {
	e.t.Helper()
	f, err := e.rt.Compile("t", code)
	if err != nil {
		e.t.Fatal(err)
	}
	type result struct {
		vals []lua.LValue
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		vals, err := e.rt.Call(ctx, f)
		ch <- result{vals, err}
	}()
	select {
	case r := <-ch:
		return r.vals, r.err
	case <-time.After(30 * time.Second):
		e.t.Fatalf("still running after 30s: %s", code)
		return nil, nil
	}
}

func (e *eachEnv) run(code string) []lua.LValue {
	e.t.Helper()
	vals, err := e.call(context.Background(), code)
	if err != nil {
		e.t.Fatal(code, err)
	}
	return vals
}

// close closes the runtime, failing the test if that has not returned
// within 30 seconds.
func (e *eachEnv) close() {
	e.t.Helper()
	done := make(chan struct{})
	go func() {
		e.rt.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		e.t.Fatal("closing the runtime did not return within 30s")
	}
}

// waitFor waits until cond holds, failing the test after 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%s: still not so after 10s\n%s", what, buf[:goruntime.Stack(buf, true)])
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// closeClean closes e's runtime and checks that it left nothing: no
// goroutine beyond those before it, every connection it opened closed.
func (e *eachEnv) closeClean(t *testing.T) {
	t.Helper()
	e.close()
	goroutinesAtMost(t, e.base, "runtime closed")
	if o, c := e.tp.opened.Load(), e.tp.closed.Load(); o != c {
		t.Fatalf("%d connections opened, %d closed", o, c)
	}
}

// readers is the number of stream readers running (goroutines in
// reader.run).
func readers() int {
	buf := make([]byte, 4<<20)
	n := goruntime.Stack(buf, true)
	return strings.Count(string(buf[:n]), "bindings/rtnl.(*reader[...]).run(")
}

// goroutinesAtMost waits until at most n goroutines run.
func goroutinesAtMost(t *testing.T, n int, what string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%s: %d goroutines or fewer", what, n), func() bool { return goruntime.NumGoroutine() <= n })
}

// A loop that breaks out leaves its stream suspended, its reader waiting;
// the fifth such stream pushes the oldest out, whose reader ends and
// whose connection, read to the end of its dump (by the time the stream
// lets it go: slow receives make a reader that still read after it
// visible), is the next stream's (no new one dialled, every route seen);
// closing the runtime ends every reader and closes every connection.
func TestEachReaderEndsWhenLoopBreaks(t *testing.T) {
	e := newEachEnv(t, 3000)
	count := `local n = 0; for r in require("rtnl").route.each{family = "inet"} do n = n + 1 end; return n`
	if n := e.run(count)[0].(lua.LNumber); n != 3000 {
		t.Fatalf("%v routes, want 3000", n)
	}
	// A stream run to the end leaves no reader running. (Counting all
	// goroutines instead flaked: the batch's sender and the reader can
	// still be returning when the count is taken.)
	waitFor(t, "no reader after a loop to the end", func() bool { return readers() == 0 })
	first := e.tp.lastConn.Load() // its connection, a spare now
	opened := e.tp.opened.Load()
	e.run(`local rtnl = require "rtnl"
		for r in rtnl.route.each{family = "inet"} do break end`)
	if got := e.tp.opened.Load(); got != opened {
		t.Fatalf("the loop dialled %d connections, want none (a spare)", got-opened)
	}
	// Three more: four suspended streams.
	e.run(`local rtnl = require "rtnl"
		for i = 1, 3 do for r in rtnl.route.each{family = "inet"} do if r.dst then break end end end`)
	if r := readers(); r != 4 {
		t.Fatalf("%d readers with four streams suspended, want one each", r)
	}
	// A fifth pushes the first out: its reader ends, its connection is
	// a spare again (closed: none).
	closed := e.tp.closed.Load()
	e.tp.slow.Store(int64(2 * time.Millisecond))
	e.run(`local it = require("rtnl").route.each{family = "inet"}; it()`)
	if n := first.inFlight.Load(); n != 0 {
		t.Fatalf("the pushed-out stream let its connection go with %d receives still running", n)
	}
	e.tp.slow.Store(0)
	waitFor(t, "four readers once the oldest stream is pushed out", func() bool { return readers() == 4 })
	if got := e.tp.closed.Load(); got != closed {
		t.Fatalf("pushing a stream out closed %d connections, want none (released)", got-closed)
	}
	opened = e.tp.opened.Load()
	if n := e.run(count)[0].(lua.LNumber); n != 3000 {
		t.Fatalf("on the released connection: %v routes, want 3000", n)
	}
	if got := e.tp.opened.Load(); got != opened {
		t.Fatalf("the loop after the push-out dialled %d connections, want none (the released one)", got-opened)
	}
	e.closeClean(t)
}

// Closing the runtime while a stream's reader waits for a reply the
// kernel does not send (held by the tap) ends the reader and closes the
// connections: the stop cancels the receive.
func TestEachReaderEndsWhenRuntimeCloses(t *testing.T) {
	e := newEachEnv(t, 3000)
	e.tp.holdAt.Store(e.tp.routes.Load() + 700)
	e.run(`it = require("rtnl").route.each{family = "inet"}; it()`)
	waitFor(t, "the reader waiting for the held reply", func() bool { return e.tp.holding.Load() == 1 })
	e.closeClean(t)
}

// A loop whose call times out while it waits for the reader (the kernel
// not answering) ends, after the full batches read before, with the
// call's deadline (the stream raises the dump's error, a cancelled
// receive, which the runtime reports as the call's timeout, as it did
// before the read-ahead); its reader ends and its connection is closed
// before the runtime closes, as a stream that failed.
func TestEachReaderEndsWhenContextDone(t *testing.T) {
	e := newEachEnv(t, 3000)
	start := e.tp.routes.Load()
	e.tp.holdAt.Store(start + 600) // two batches and more
	idle := goruntime.NumGoroutine()
	closed := e.tp.closed.Load()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := e.call(ctx, `n = 0; for r in require("rtnl").route.each{family = "inet"} do n = n + 1 end`)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the call's deadline", err)
	}
	if n, want := e.run(`return n`)[0], lua.LNumber((e.tp.heldAt.Load()-start)/256*256); n != want {
		t.Errorf("the loop saw %v routes, want %v (the full batches received before the wait)", n, want)
	}
	goroutinesAtMost(t, idle, "the stream failed")
	if got := e.tp.closed.Load(); got != closed+1 {
		t.Fatalf("%d connections closed, want the stream's", got-closed)
	}
	// Cancelled while the loop runs (not waiting): the loop ends with
	// the call's error, the stream is left suspended; closing the
	// runtime ends it.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	setFunc(e.rt, "cancel", func(*lua.LState) int { cancel(); return 0 })
	if _, err := e.call(ctx, `for r in require("rtnl").route.each{family = "inet"} do cancel() end`); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want the call's context.Canceled", err)
	}
	e.closeClean(t)
}

// A dump that fails after 1,000 routes (not a whole number of batches)
// hands the loop those 1,000, the last the last received, then raises
// the dump's error; the next dump works.
func TestEachDumpErrorAfterItems(t *testing.T) {
	e := newEachEnv(t, 3000)
	e.tp.failAt.Store(e.tp.routes.Load() + 1000)
	_, err := e.call(context.Background(), `n, last = 0, nil
		for r in require("rtnl").route.each{family = "inet"} do n = n + 1; last = r.dst end`)
	if err == nil || !strings.Contains(err.Error(), "RTM_GETROUTE dump") || !strings.Contains(err.Error(), "EIO") {
		t.Fatalf("error %v, want the dump's EIO", err)
	}
	vals := e.run(`return n, last`)
	if vals[0] != lua.LNumber(1000) {
		t.Errorf("the loop saw %v routes before the error, want 1000", vals[0])
	}
	if want := e.tp.lastDst.Load().(netip.Addr).String(); vals[1].String() != want {
		t.Errorf("last route before the error %v, want %v", vals[1], want)
	}
	if n := e.run(`local n = 0; for r in require("rtnl").route.each{family = "inet"} do n = n + 1 end; return n`)[0]; n != lua.LNumber(3000) {
		t.Errorf("the next dump: %v routes, want 3000", n)
	}
}

// With the reader well ahead of the loop (the loop waits, on its first
// route, until more than four batches have been received: the reader
// must run while the loop does), the loop sees every route ip -j shows,
// in its order, field for field, in the records it kept as well as when
// it read them.
func TestEachReadAheadMatchesIP(t *testing.T) {
	e := newEachEnv(t, 4000)
	start := e.tp.routes.Load()
	setFunc(e.rt, "aheadOf", func(L *lua.LState) int {
		n := int64(L.CheckNumber(1))
		deadline := time.Now().Add(3 * time.Second)
		for e.tp.routes.Load()-start < n+4*256 {
			if time.Now().After(deadline) {
				L.Push(lua.LFalse)
				return 1
			}
			time.Sleep(time.Millisecond)
		}
		L.Push(lua.LTrue)
		return 1
	})
	vals := e.run(`local rtnl = require "rtnl"
		local seen, kept, ahead = {}, {}, true
		local function line(r) return string.format("%s %s %s %s", r.dst, r.dev, r.metric or 0, r.protocol) end
		for r in rtnl.route.each{family = "inet"} do
			if #kept == 0 or #kept == 2000 then ahead = ahead and aheadOf(#kept + 1) end
			kept[#kept + 1] = r
			seen[#seen + 1] = line(r)
		end
		local later = {}
		for i = #kept, 1, -1 do later[i] = line(kept[i]) end
		return ahead, table.concat(seen, "\n"), table.concat(later, "\n")`)
	if vals[0] != lua.LTrue {
		t.Error("the reader did not read ahead of a waiting loop")
	}
	var ip []struct {
		Dst, Dev, Protocol string
		Metric             int
	}
	e.ns.IPJSON(&ip, "-4", "route", "show")
	want := make([]string, len(ip))
	for i, r := range ip {
		if r.Protocol == "" {
			r.Protocol = "boot" // ip leaves out the default
		}
		want[i] = fmt.Sprintf("%s %s %d %s", r.Dst, r.Dev, r.Metric, r.Protocol)
	}
	if len(want) != 4000 {
		t.Fatalf("ip shows %d routes, want 4000", len(want))
	}
	for i, got := range []string{vals[1].String(), vals[2].String()} {
		if g := strings.Split(got, "\n"); strings.Join(g, "\n") != strings.Join(want, "\n") {
			for j := range max(len(g), len(want)) {
				if j >= len(g) || j >= len(want) || g[j] != want[j] {
					t.Fatalf("%s: %d routes, ip shows %d; first difference at %d: %q, ip %q",
						[]string{"in the loop", "kept"}[i], len(g), len(want), j, at(g, j), at(want, j))
				}
			}
		}
	}
}

// setFunc sets global name of rt's state to fn.
func setFunc(rt *runtime.Runtime, name string, fn lua.LGFunction) {
	L := rt.LState()
	L.SetGlobal(name, L.NewFunction(fn))
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

// Every each iterator, traced, in loops whose bodies make other rtnl
// calls and keep records, with one left suspended and one printed as
// JSON after it started: the readers run beside the Lua side (go test
// -race checks that they share nothing unguarded), and each loop sees
// what list does.
func TestEachReadersBesideLoops(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "e0", "type", "veth", "peer", "name", "e1")
	ns.IP("link", "set", "e0", "up")
	ns.IP("addr", "add", "10.41.0.1/16", "dev", "e0")
	ns.IP("neigh", "add", "10.41.0.9", "lladdr", "02:00:00:00:00:09", "dev", "e0")
	var trace strings.Builder
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Timeout: 60 * time.Second, Trace: &trace})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	ctx := context.Background()
	run := func(code string) []lua.LValue {
		t.Helper()
		vals, err := rt.EvalString(ctx, "t", code)
		if err != nil {
			t.Fatal(code, err)
		}
		return vals
	}
	run(`local rtnl = require "rtnl"
		rtnl.batch(function()
			for i = 0, 999 do rtnl.route.add{dst = string.format("10.42.%d.%d/32", math.floor(i / 256), i % 256), dev = "e0"} end
		end)
		for i = 1, 140 do rtnl.link.add{ifname = "k" .. i, kind = "veth", peer = {ifname = "p" .. i}} end`)
	vals := run(`local rtnl = require "rtnl"
		local bad = {}
		for _, kind in ipairs{"route", "link", "addr", "neigh"} do
			local kept = {}
			for r in rtnl[kind].each{} do
				kept[#kept + 1] = r
				if #kept % 300 == 0 then local _ = rtnl.link.get{ifname = "e0"} end
			end
			local list = rtnl[kind].list{}
			if #kept ~= #list then bad[#bad + 1] = kind .. ": " .. #kept .. " seen, " .. #list .. " listed" end
		end
		suspended = rtnl.route.each{}
		suspended()
		started = rtnl.link.each{}
		started()
		return table.concat(bad, "; ")`)
	if vals[0].String() != "" {
		t.Fatal(vals[0])
	}
	var out strings.Builder
	if err := rt.PrintJSON(ctx, &out, run(`return started`)); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), `"ifname"`); n < 280 {
		t.Errorf("--json of a started link.each printed %d links, want the rest of 283", n)
	}
	if !strings.Contains(trace.String(), "RTM_NEWROUTE") {
		t.Error("the route dump was not traced")
	}
}

// Closing the runtime with a stream suspended (a loop that broke out of
// the dump) does not read the rest of the dump, which nothing would use:
// it closes the connection and the reader ends at once, having read no
// more than its read-ahead.
func TestEachRuntimeCloseDoesNotDrain(t *testing.T) {
	const routes = 20000
	e := newEachEnv(t, routes)
	before := e.tp.routes.Load()
	e.run(`for r in require("rtnl").route.each{family = "inet"} do break end`)
	waitFor(t, "the reader waiting with its read-ahead full", func() bool { return readers() == 1 })
	e.closeClean(t)
	if got := e.tp.routes.Load() - before; got >= routes/2 {
		t.Fatalf("closing the runtime read %d of the dump's %d routes; want no more than the read-ahead", got, routes)
	}
}
