package load

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/rtnl"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
	lua "github.com/yuin/gopher-lua"
)

// size is one run's dimensions.
type size struct {
	namespaces int // throwaway namespaces created, worked on, removed
	rounds     int // rounds of opsPerRound operations in each
	workers    int // goroutines working on namespaces concurrently
	luaEvery   int // every luaEvery-th namespace goes through the Lua runtime
}

// opsPerRound is what one round does in a namespace: add a veth pair, set
// both ends, add an address and a route, one dump, then either delete the
// route, the address and the pair (odd rounds) or read both ends back and
// set an alias (even rounds).
const opsPerRound = 9

// loadSize is the CI size by default; NLSH_LOAD_FULL=1 asks for 100,000
// operations across 1,000 namespaces.
func loadSize() size {
	if os.Getenv("NLSH_LOAD_FULL") == "1" {
		return size{namespaces: 1000, rounds: 11, workers: 12, luaEvery: 5}
	}
	return size{namespaces: 50, rounds: 11, workers: 8, luaEvery: 5}
}

// usage is one sample of the process's resources.
type usage struct {
	threads, fds, goroutines int
	heapInuse, rss           uint64
}

func (u usage) String() string {
	return fmt.Sprintf("threads %d, fds %d, goroutines %d, heap in use %.1f MiB, RSS %.1f MiB",
		u.threads, u.fds, u.goroutines, mib(u.heapInuse), mib(u.rss))
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func sample() usage {
	var ms goruntime.MemStats
	goruntime.ReadMemStats(&ms)
	return usage{
		threads: countDir("/proc/self/task"), fds: countDir("/proc/self/fd") - 1, // minus the one reading the directory
		goroutines: goruntime.NumGoroutine(), heapInuse: ms.HeapInuse, rss: rss(),
	}
}

// settled is a sample after a full collection, with freed memory handed
// back to the kernel, so heap and RSS show what is still held.
func settled() usage {
	goruntime.GC()
	debug.FreeOSMemory()
	return sample()
}

func (u *usage) max(v usage) {
	u.threads = max(u.threads, v.threads)
	u.fds = max(u.fds, v.fds)
	u.goroutines = max(u.goroutines, v.goroutines)
	u.heapInuse = max(u.heapInuse, v.heapInuse)
	u.rss = max(u.rss, v.rss)
}

func countDir(p string) int {
	ents, err := os.ReadDir(p)
	if err != nil {
		return -1
	}
	return len(ents)
}

// rss is the process's resident set in bytes (/proc/self/statm).
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.ParseUint(f[1], 10, 64)
	return n * uint64(os.Getpagesize())
}

// TestLoadAndLeaks creates many namespaces and, from a pool of workers,
// does about a hundred rtnetlink operations in each, through rtnl.Dial
// with a namespace target (most namespaces) and through the Lua runtime's
// netns.run (every luaEvery-th). Every operation must succeed, every
// namespace must end in the state the operations leave (checked by dump in
// each, and with ip -j in a sample), no thread may stay in a foreign
// namespace (checked at quiet points during the run and after), and
// threads, descriptors, goroutines and memory must come back to baseline.
func TestLoadAndLeaks(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCommand(t, "ip", "iproute2")
	sz := loadSize()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Minute)
	defer cancel()
	var rnd [3]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	prefix := "nlsh-load-" + hex.EncodeToString(rnd[:]) + "-"

	// Namespaces created so far, removed at cleanup whatever happens.
	var mu sync.Mutex
	created := map[string]bool{}
	removeAll := func() error {
		mu.Lock()
		defer mu.Unlock()
		var errs []string
		for name := range created {
			if err := netns.Del(name); err != nil {
				errs = append(errs, err.Error())
				continue
			}
			delete(created, name)
		}
		if len(errs) > 0 {
			return fmt.Errorf("remove namespaces: %s", strings.Join(errs, "; "))
		}
		return nil
	}
	t.Cleanup(func() {
		if err := removeAll(); err != nil {
			t.Error(err)
		}
	})
	var ops atomic.Int64
	work := func(i int) error {
		name := prefix + strconv.Itoa(i)
		tgt, err := netns.Add(name)
		if err != nil {
			return err
		}
		mu.Lock()
		created[name] = true
		mu.Unlock()
		if sz.luaEvery > 0 && i%sz.luaEvery == 0 {
			return luaNamespace(ctx, name, tgt, sz.rounds, &ops)
		}
		return goNamespace(ctx, tgt, sz.rounds, &ops)
	}

	// Warm up once (lazily built tables, the poller, the Lua stdlib), so
	// the baseline is the steady state the load must come back to.
	for i := range 2 {
		if err := work(-1 - i); err != nil {
			t.Fatalf("warm-up: %v", err)
		}
	}
	if err := removeAll(); err != nil {
		t.Fatal(err)
	}
	ops.Store(0)
	if err := testutil.CheckThreads(); err != nil {
		t.Fatalf("before the load: %v", err)
	}
	fdsBefore := testutil.OpenFDs()
	base := settled()
	t.Logf("baseline: %v", base)

	// Sample resources while the load runs.
	peak := base
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-tick.C:
				peak.max(sample())
			}
		}
	}()

	// Workers take namespaces from jobs. At quiet points (every quarter)
	// the dispatcher takes gate exclusively, which waits for the
	// namespaces in flight to finish, and checks that no thread is left in
	// a foreign namespace.
	start := time.Now()
	var gate sync.RWMutex
	jobs := make(chan int)
	errc := make(chan error, sz.namespaces)
	var wg sync.WaitGroup
	for range sz.workers {
		wg.Go(func() {
			for i := range jobs {
				gate.RLock()
				err := work(i)
				gate.RUnlock()
				if err != nil {
					errc <- fmt.Errorf("namespace %d: %w", i, err)
				}
			}
		})
	}
	var threadErrs []error
	quiet := 0
	for i := range sz.namespaces {
		if i > 0 && i%max(sz.namespaces/4, 1) == 0 {
			gate.Lock()
			quiet++
			if err := testutil.CheckThreads(); err != nil {
				threadErrs = append(threadErrs, fmt.Errorf("after %d namespaces: %w", i, err))
			}
			gate.Unlock()
		}
		if len(errc) > 0 || ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	close(stopSampling)
	<-sampled
	close(errc)
	var failures []string
	for err := range errc {
		failures = append(failures, err.Error())
	}
	if len(failures) > 0 {
		if len(failures) > 10 {
			failures = append(failures[:10], fmt.Sprintf("... %d more", len(failures)-10))
		}
		t.Fatalf("%d namespaces failed:\n%s", len(failures), strings.Join(failures, "\n"))
	}
	for _, err := range threadErrs {
		t.Errorf("during the load: %v", err)
	}
	if quiet < 3 {
		t.Errorf("the load had %d quiet points, want 3", quiet)
	}
	luaNS := 0
	if sz.luaEvery > 0 {
		luaNS = (sz.namespaces + sz.luaEvery - 1) / sz.luaEvery
	}
	wantOps := int64(sz.namespaces * (sz.rounds*opsPerRound + 4))
	wantOps += int64(luaNS * 3) // a Lua namespace: its script's ops, then a Go dial and three dumps
	if got := ops.Load(); got != wantOps {
		t.Errorf("%d operations done, want %d", got, wantOps)
	}

	// ip -j agrees on a sample of namespaces, Go and Lua ones.
	for _, i := range spotSample(sz) {
		checkWithIP(t, prefix+strconv.Itoa(i), sz.rounds)
	}

	if err := removeAll(); err != nil {
		t.Fatal(err)
	}
	if err := testutil.CheckThreads(); err != nil {
		t.Errorf("after the load: %v", err)
	}
	after := waitSettled(base)
	t.Logf("%d operations in %d namespaces (%d through Lua), %d workers, in %v (%.0f ops/s)",
		ops.Load(), sz.namespaces, luaNS, sz.workers, elapsed.Round(time.Millisecond), float64(ops.Load())/elapsed.Seconds())
	t.Logf("peak:     %v", peak)
	t.Logf("after:    %v", after)
	t.Logf("delta:    threads %+d, fds %+d, goroutines %+d, heap in use %+.2f MiB, RSS %+.1f MiB",
		after.threads-base.threads, after.fds-base.fds, after.goroutines-base.goroutines,
		mib(after.heapInuse)-mib(base.heapInuse), mib(after.rss)-mib(base.rss))

	// Discarded threads end: during the load there were never many more
	// than the workers could hold at once (each holds at most two: a
	// namespace's thread and a socket's inside it).
	if limit := base.threads + 3*sz.workers + 16; peak.threads > limit {
		t.Errorf("peak threads %d > %d: threads that entered namespaces pile up", peak.threads, limit)
	}
	// The runtime keeps idle Ms it made for blocking system calls; a few
	// may stay, not one per namespace.
	if limit := base.threads + 16; after.threads > limit {
		t.Errorf("threads after the load: %d, baseline %d", after.threads, base.threads)
	}
	if after.goroutines > base.goroutines {
		t.Errorf("goroutines after the load: %d, baseline %d", after.goroutines, base.goroutines)
	}
	if leaked := newFDs(fdsBefore); len(leaked) > 0 {
		t.Errorf("descriptors open after the load that were not before: %v", leaked)
	}
	if grown := int64(after.heapInuse) - int64(base.heapInuse); grown > 8<<20 {
		t.Errorf("heap in use after GC grew by %.1f MiB", mib(uint64(grown)))
	}
	if grown := int64(after.rss) - int64(base.rss); grown > 64<<20 {
		t.Errorf("RSS after GC grew by %.1f MiB", mib(uint64(grown)))
	}
}

// waitSettled samples until goroutines are back to the baseline (workers
// and finalizers finishing), for at most a few seconds, and returns the
// last settled sample.
func waitSettled(base usage) usage {
	deadline := time.Now().Add(5 * time.Second)
	for {
		u := settled()
		if u.goroutines <= base.goroutines || time.Now().After(deadline) {
			return u
		}
		time.Sleep(10 * time.Millisecond) // polling the condition, with a deadline
	}
}

// newFDs lists descriptors open now that were not before, giving
// finalizers a bounded time to close dropped files.
func newFDs(before map[string]string) []string {
	deadline := time.Now().Add(2 * time.Second)
	for {
		goruntime.GC()
		var leaked []string
		for fd, target := range testutil.OpenFDs() {
			if before[fd] != target && !strings.HasSuffix(target, "/fd") {
				leaked = append(leaked, fd+" -> "+target)
			}
		}
		if len(leaked) == 0 || time.Now().After(deadline) {
			return leaked
		}
		time.Sleep(10 * time.Millisecond) // polling the condition, with a deadline
	}
}

// spotSample picks namespaces to check with ip -j: about ten spread over
// the run, including Lua ones and the last.
func spotSample(sz size) []int {
	var s []int
	step := max(sz.namespaces/10, 1)
	for i := 0; i < sz.namespaces; i += step {
		s = append(s, i, min(i+1, sz.namespaces-1))
	}
	s = append(s, sz.namespaces-1)
	slices.Sort(s)
	return slices.Compact(s)
}

// goNamespace does the rounds through a Go client bound to the namespace,
// then checks the state with three dumps.
func goNamespace(ctx context.Context, tgt netns.Target, rounds int, ops *atomic.Int64) error {
	c, err := rtnl.Dial(&socket.Config{NetNS: tgt})
	if err != nil {
		return err
	}
	defer c.Close()
	ops.Add(1)
	for k := range rounds {
		if err := goRound(ctx, c, k, ops); err != nil {
			return fmt.Errorf("round %d: %w", k, err)
		}
	}
	return checkState(ctx, c, rounds, ops)
}

func goRound(ctx context.Context, c *rtnl.Client, k int, ops *atomic.Int64) error {
	a, b := fmt.Sprintf("a%d", k), fmt.Sprintf("b%d", k)
	addr := rtnl.Address{Dev: a, Local: netip.AddrFrom4([4]byte{10, 1, byte(k), 1}), Prefixlen: 24}
	route := rtnl.Route{Dst: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 2, byte(k), 0}), 24), Dev: a}
	step := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		ops.Add(1)
		return nil
	}
	steps := []func() error{
		func() error {
			return step("add veth", c.AddLink(ctx, rtnl.LinkSpec{Name: a, Kind: "veth", Peer: &rtnl.LinkSpec{Name: b}}))
		},
		func() error {
			return step("set "+a, c.SetLink(ctx, rtnl.ByName(a), rtnl.LinkChange{Up: new(true), MTU: new(1400)}))
		},
		func() error { return step("set "+b, c.SetLink(ctx, rtnl.ByName(b), rtnl.LinkChange{Up: new(true)})) },
		func() error { return step("add address", c.AddAddr(ctx, addr)) },
		func() error { return step("add route", c.AddRoute(ctx, route)) },
		func() error { return step("dump", dumpSees(ctx, c, k, a, addr.Local, route.Dst)) },
	}
	if k%2 == 1 {
		steps = append(steps,
			func() error { return step("del route", c.DelRoute(ctx, route)) },
			func() error { return step("del address", c.DelAddr(ctx, addr)) },
			func() error { return step("del veth", c.DelLink(ctx, rtnl.ByName(a))) },
		)
	} else {
		steps = append(steps,
			func() error { return step("get "+a, getLink(ctx, c, a, 1400)) },
			func() error { return step("get "+b, getLink(ctx, c, b, 1500)) },
			func() error {
				return step("alias", c.SetLink(ctx, rtnl.ByName(a), rtnl.LinkChange{Alias: new(alias(k))}))
			},
		)
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

func alias(k int) string { return fmt.Sprintf("load-%d", k) }

// dumpSees dumps links, addresses or routes (by round) and checks what
// the round just added is there.
func dumpSees(ctx context.Context, c *rtnl.Client, k int, dev string, local netip.Addr, dst netip.Prefix) error {
	switch k % 3 {
	case 0:
		ls, err := c.ListLinks(ctx, rtnl.LinkFilter{NoStats: true})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(ls, func(l *rtnl.Link) bool { return l.Name == dev }) {
			return fmt.Errorf("link dump lacks %s", dev)
		}
	case 1:
		as, err := c.ListAddrs(ctx, rtnl.AddrFilter{Family: "inet"})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(as, func(a rtnl.Address) bool { return a.Local == local }) {
			return fmt.Errorf("address dump lacks %s", local)
		}
	default:
		rs, err := c.ListRoutes(ctx, rtnl.RouteFilter{Family: "inet"})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(rs, func(r rtnl.Route) bool { return r.Dst == dst && r.Dev == dev }) {
			return fmt.Errorf("route dump lacks %s dev %s", dst, dev)
		}
	}
	return nil
}

func getLink(ctx context.Context, c *rtnl.Client, name string, mtu uint32) error {
	l, err := c.GetLink(ctx, rtnl.ByName(name))
	if err != nil {
		return err
	}
	if !l.IsUp() || l.MTU != mtu {
		return fmt.Errorf("%s: up %v mtu %d, want up mtu %d", name, l.IsUp(), l.MTU, mtu)
	}
	return nil
}

// want is the state the rounds leave: the even rounds' pairs, up, their
// addresses and routes, as sorted one-line descriptions.
func want(rounds int) (links, addrs, routes []string) {
	links = []string{"lo down 65536 "}
	for k := 0; k < rounds; k += 2 {
		links = append(links, fmt.Sprintf("a%d up 1400 %s", k, alias(k)), fmt.Sprintf("b%d up 1500 ", k))
		addrs = append(addrs, fmt.Sprintf("10.1.%d.1/24 a%d", k, k))
		routes = append(routes, fmt.Sprintf("10.2.%d.0/24 a%d", k, k))
	}
	slices.Sort(links)
	slices.Sort(addrs)
	slices.Sort(routes)
	return links, addrs, routes
}

// checkState compares the namespace with want, by three dumps.
func checkState(ctx context.Context, c *rtnl.Client, rounds int, ops *atomic.Int64) error {
	wl, wa, wr := want(rounds)
	ls, err := c.ListLinks(ctx, rtnl.LinkFilter{NoStats: true})
	if err != nil {
		return err
	}
	ops.Add(1)
	as, err := c.ListAddrs(ctx, rtnl.AddrFilter{Family: "inet"})
	if err != nil {
		return err
	}
	ops.Add(1)
	rs, err := c.ListRoutes(ctx, rtnl.RouteFilter{Family: "inet", TableName: "main"})
	if err != nil {
		return err
	}
	ops.Add(1)
	var gl, ga, gr []string
	for _, l := range ls {
		up := "down"
		if l.IsUp() {
			up = "up"
		}
		gl = append(gl, fmt.Sprintf("%s %s %d %s", l.Name, up, l.MTU, l.Alias))
	}
	for _, a := range as {
		ga = append(ga, fmt.Sprintf("%s/%d %s", a.Local, a.Prefixlen, a.Dev))
	}
	for _, r := range rs {
		if r.Dst.Addr().As4()[1] == 2 { // 10.2.k.0/24; the kernel's 10.1.k.0/24 are not ours
			gr = append(gr, fmt.Sprintf("%s %s", r.Dst, r.Dev))
		}
	}
	slices.Sort(gl)
	slices.Sort(ga)
	slices.Sort(gr)
	switch {
	case !slices.Equal(gl, wl):
		return fmt.Errorf("links %q, want %q", gl, wl)
	case !slices.Equal(ga, wa):
		return fmt.Errorf("addresses %q, want %q", ga, wa)
	case !slices.Equal(gr, wr):
		return fmt.Errorf("routes %q, want %q", gr, wr)
	}
	return nil
}

// luaScript does the rounds of goRound in Lua inside netns.run, then the
// three final dumps, and returns how many operations it did.
const luaScript = `
local rtnl, netns = require "rtnl", require "netns"
local name, rounds = ...
local ops = 0
local function op(f, t) local r = f(t) ops = ops + 1 return r end
local function has(list, pred)
  for _, x in ipairs(list) do if pred(x) then return true end end
  return false
end
netns.run(netns.named(name), function()
  for k = 0, rounds - 1 do
    local a, b = "a" .. k, "b" .. k
    local addr, dst = "10.1." .. k .. ".1/24", "10.2." .. k .. ".0/24"
    op(rtnl.link.add, {ifname = a, kind = "veth", peer = {ifname = b}})
    op(rtnl.link.set, {ifname = a, up = true, mtu = 1400})
    op(rtnl.link.set, {ifname = b, up = true})
    op(rtnl.addr.add, {dev = a, address = addr})
    op(rtnl.route.add, {dst = dst, dev = a})
    if k % 3 == 0 then
      assert(has(op(rtnl.link.list, {}), function(l) return l.ifname == a end), "link dump lacks " .. a)
    elseif k % 3 == 1 then
      assert(has(op(rtnl.addr.list, {family = "inet"}), function(x) return x["local"] == "10.1." .. k .. ".1" end), "address dump lacks " .. addr)
    else
      assert(has(op(rtnl.route.list, {family = "inet"}), function(r) return r.dst == dst and r.dev == a end), "route dump lacks " .. dst)
    end
    if k % 2 == 1 then
      op(rtnl.route.del, {dst = dst, dev = a})
      op(rtnl.addr.del, {dev = a, address = addr})
      op(rtnl.link.del, {ifname = a})
    else
      assert(op(rtnl.link.get, {ifname = a}).mtu == 1400, a .. " mtu")
      assert(op(rtnl.link.get, {ifname = b}).mtu == 1500, b .. " mtu")
      op(rtnl.link.set, {ifname = a, ifalias = "load-" .. k})
    end
  end
  op(rtnl.link.list, {})
  op(rtnl.addr.list, {})
  op(rtnl.route.list, {})
end)
return ops
`

// luaNamespace runs luaScript in a fresh runtime for the namespace, then
// checks the state from Go.
func luaNamespace(ctx context.Context, name string, tgt netns.Target, rounds int, ops *atomic.Int64) error {
	rt, err := runtime.New(runtime.Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		return err
	}
	fn, err := rt.Compile("load.lua", luaScript)
	if err != nil {
		rt.Close()
		return err
	}
	res, err := rt.Call(ctx, fn, lua.LString(name), lua.LNumber(rounds))
	rt.Close()
	if err != nil {
		return fmt.Errorf("lua: %w", err)
	}
	if len(res) != 1 {
		return fmt.Errorf("lua returned %d values", len(res))
	}
	n, err := strconv.Atoi(res[0].String())
	if err != nil || n != rounds*opsPerRound+3 {
		return fmt.Errorf("lua did %s operations, want %d", res[0], rounds*opsPerRound+3)
	}
	ops.Add(int64(n))
	c, err := rtnl.Dial(&socket.Config{NetNS: tgt})
	if err != nil {
		return err
	}
	defer c.Close()
	ops.Add(1)
	return checkState(ctx, c, rounds, ops)
}

// checkWithIP compares a namespace with want through ip -j.
func checkWithIP(t *testing.T, name string, rounds int) {
	t.Helper()
	ipj := func(v any, args ...string) {
		t.Helper()
		out, err := testutil.Run("ip", append([]string{"-n", name, "-j"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(out), v); err != nil {
			t.Fatalf("ip -j %v in %s: %v", args, name, err)
		}
	}
	var ls []struct {
		Ifname  string   `json:"ifname"`
		Flags   []string `json:"flags"`
		MTU     int      `json:"mtu"`
		Ifalias string   `json:"ifalias"`
	}
	ipj(&ls, "link")
	var as []struct {
		Ifname   string `json:"ifname"`
		AddrInfo []struct {
			Local     string `json:"local"`
			Prefixlen int    `json:"prefixlen"`
		} `json:"addr_info"`
	}
	ipj(&as, "-4", "addr")
	var rs []struct {
		Dst string `json:"dst"`
		Dev string `json:"dev"`
	}
	ipj(&rs, "-4", "route", "show", "table", "main")
	var gl, ga, gr []string
	for _, l := range ls {
		up := "down"
		if slices.Contains(l.Flags, "UP") {
			up = "up"
		}
		gl = append(gl, fmt.Sprintf("%s %s %d %s", l.Ifname, up, l.MTU, l.Ifalias))
	}
	for _, a := range as {
		for _, ai := range a.AddrInfo {
			ga = append(ga, fmt.Sprintf("%s/%d %s", ai.Local, ai.Prefixlen, a.Ifname))
		}
	}
	for _, r := range rs {
		if strings.HasPrefix(r.Dst, "10.2.") {
			gr = append(gr, r.Dst+" "+r.Dev)
		}
	}
	slices.Sort(gl)
	slices.Sort(ga)
	slices.Sort(gr)
	wl, wa, wr := want(rounds)
	if !slices.Equal(gl, wl) || !slices.Equal(ga, wa) || !slices.Equal(gr, wr) {
		t.Errorf("ip -j in %s:\nlinks %q\nwant  %q\naddrs %q\nwant  %q\nroutes %q\nwant   %q", name, gl, wl, ga, wa, gr, wr)
	}
}
