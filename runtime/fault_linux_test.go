package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/socket/faultinject"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// provisionScript is what an engine hook does to a fresh namespace: a
// veth pair, IPv4 and IPv6 addresses (one on lo, which outlives the
// veth), link settings, an nftables transaction committed in the middle,
// routes and a policy rule, then a listing (a dump) that checks the
// result. A fault after the nft commit makes the rollback revert it too:
// one rollback across families.
const provisionScript = `
local rtnl, nfnl = require "rtnl", require "nfnl"
rtnl.link.set{ifname = "lo", up = true}
rtnl.link.add{ifname = "fa0", kind = "veth", peer = {ifname = "fa1"}}
rtnl.addr.add{dev = "fa0", address = "10.77.0.1/24"}
rtnl.addr.add{dev = "fa1", address = "10.77.0.2/24"}
rtnl.addr.add{dev = "fa0", address = "2001:db8:77::1/64", flags = {"nodad"}}
rtnl.addr.add{dev = "lo", address = "10.99.0.1/32"}
rtnl.link.set{ifname = "fa0", up = true, mtu = 1400}
rtnl.link.set{ifname = "fa1", up = true}
nfnl.transaction(function(tx)
  tx.table.add{family = "inet", name = "fa"}
  tx.chain.add{family = "inet", table = "fa", name = "fwd",
               type = "filter", hook = "forward", priority = 0, policy = "accept"}
  tx.rule.add{family = "inet", table = "fa", chain = "fwd", rule = 'iifname "fa0" ip saddr != 10.77.0.1 drop'}
end)
rtnl.route.add{dst = "10.78.0.0/16", gateway = "10.77.0.2"}
rtnl.route.add{dst = "10.79.0.0/16", dev = "fa1"}
rtnl.route.add{dst = "2001:db8:78::/48", gateway = "2001:db8:77::2"}
rtnl.route.add{dst = "10.98.0.0/16", dev = "lo"}
rtnl.rule.add{priority = 1000, src = "10.77.0.0/24", table = 100}
local n = 0
for _, l in ipairs(rtnl.link.list()) do n = n + 1 end
assert(n == 3, "want 3 links, have " .. n)
return n
`

// nsState is a namespace as ip -j and nft show it: links, addresses,
// routes of both families in every table, policy rules, the nft ruleset.
type nsState struct{ links, addrs, routes4, routes6, rules4, rules6, nft string }

func snapshot(t *testing.T, ns *testutil.NS) nsState {
	t.Helper()
	nft, err := ns.Exec("nft", "list", "ruleset")
	if err != nil {
		t.Fatal(err)
	}
	return nsState{
		links:   ns.IP("-j", "link", "show"),
		addrs:   ns.IP("-j", "addr", "show"),
		routes4: ns.IP("-j", "-4", "route", "show", "table", "all"),
		routes6: ns.IP("-j", "-6", "route", "show", "table", "all"),
		rules4:  ns.IP("-j", "-4", "rule", "show"),
		rules6:  ns.IP("-j", "-6", "rule", "show"),
		nft:     nft,
	}
}

func (s nsState) String() string {
	return fmt.Sprintf("links %s\naddrs %s\nroutes %s %s\nrules %s %s\nnft:\n%s",
		s.links, s.addrs, s.routes4, s.routes6, s.rules4, s.rules6, s.nft)
}

// portable is s without what differs between two namespaces given the
// same configuration: veth MAC addresses, the link-local addresses and
// routes derived from them, and address lifetimes and DAD state; rules
// and the nft ruleset are kept whole.
func (s nsState) portable(t *testing.T, ns *testutil.NS) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(s.rules4 + s.rules6 + s.nft)
	var links []struct {
		Ifname, Operstate string
		Mtu               int
		Flags             []string
	}
	ns.IPJSON(&links, "link", "show")
	for _, l := range links {
		fmt.Fprintf(&b, "link %s mtu %d %v\n", l.Ifname, l.Mtu, l.Flags)
	}
	var addrs []struct {
		Ifname   string
		AddrInfo []struct {
			Local     string
			Prefixlen int
		} `json:"addr_info"`
	}
	ns.IPJSON(&addrs, "addr", "show")
	for _, a := range addrs {
		for _, ai := range a.AddrInfo {
			if !strings.HasPrefix(ai.Local, "fe80:") {
				fmt.Fprintf(&b, "addr %s %s/%d\n", a.Ifname, ai.Local, ai.Prefixlen)
			}
		}
	}
	for _, fam := range []string{"-4", "-6"} {
		var routes []struct {
			Dst, Gateway, Dev, Table, Type string
		}
		ns.IPJSON(&routes, fam, "route", "show", "table", "all")
		for _, r := range routes {
			if !strings.HasPrefix(r.Dst, "fe80:") && !strings.HasPrefix(r.Dst, "ff00:") {
				fmt.Fprintf(&b, "route %s %s via %s dev %s table %s\n", r.Type, r.Dst, r.Gateway, r.Dev, r.Table)
			}
		}
	}
	return b.String()
}

// freshNS is a throwaway namespace with lo up. Bringing lo up the first
// time has effects no netlink request undoes (the kernel adds 127.0.0.1
// and its local routes, and a qdisc), so the namespace starts with it up;
// the script's own lo up is then a change the journal undoes exactly.
func freshNS(t *testing.T) *testutil.NS {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "set", "lo", "up")
	return ns
}

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// settle waits until goroutines and descriptors are back at or below the
// baseline (closing a socket's poller entry and ending a timer goroutine
// happen just after Close returns), and fails the test if they are not
// within the deadline.
func settle(t *testing.T, goroutines, fds int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		g, f := goruntime.NumGoroutine(), openFDs(t)
		if g <= goroutines && f <= fds {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := goruntime.Stack(buf, true)
			t.Fatalf("leak: %d goroutines (baseline %d), %d fds (baseline %d)\n%s", g, goroutines, f, fds, buf[:n])
		}
		goruntime.Gosched()
		time.Sleep(10 * time.Millisecond) // polling a condition with a deadline
	}
}

// runProvision runs provisionScript atomically in ns with every netlink
// transport wrapped by inj.
func runProvision(ns *testutil.NS, inj *faultinject.Injector) error {
	rt, err := runtime.New(runtime.Options{
		Netns: ns.Target, Atomic: true, Timeout: 20 * time.Second,
		Stdout: new(strings.Builder), Stderr: new(strings.Builder),
		WrapTransport: inj.Wrap,
	})
	if err != nil {
		return err
	}
	defer rt.Close()
	_, err = rt.RunString(context.Background(), "provision.lua", provisionScript)
	return err
}

// faultStride is how sparsely the table samples k: every k with
// NLSH_FAULT_FULL=1 (the full table, about a minute), every 4th by
// default, every 8th with -short (make race). Each fault kind and
// operation starts at a different offset, so together the kinds still
// land on every k.
func faultStride() int {
	switch {
	case os.Getenv("NLSH_FAULT_FULL") == "1":
		return 1
	case testing.Short():
		return 8
	}
	return 4
}

// faultTally counts what the table saw.
type faultTally struct {
	injected, completed, failed, exact int
}

// TestFaultInjectionProvisioning makes every send and every receive of an
// atomic provisioning script (rtnl and nftables) fail in turn, with every
// kind of fault, each in a fresh namespace. The script either completes
// (the namespace then looks as after a clean run) or fails with a
// one-line error, and then the namespace is exactly as before (ip -j
// dumps and nft list ruleset compared) and the rollback reported no
// failure. No goroutine or descriptor outlives the runtime. See
// faultStride for which k run by default.
func TestFaultInjectionProvisioning(t *testing.T) {
	testutil.RequireCommand(t, "ip", "iproute2")
	testutil.RequireCommand(t, "nft", "nftables")
	ref := freshNS(t)
	counter := faultinject.New()
	if err := runProvision(ref, counter); err != nil {
		t.Fatalf("clean run: %v", err)
	}
	if counter.Wrapped() < 2 {
		t.Fatalf("%d transports wrapped: bindings/rtnl and bindings/nfnl should each pass bindings.Env.WrapTransport to their socket.Config", counter.Wrapped())
	}
	want := snapshot(t, ref).portable(t, ref)
	sends, receives := counter.Counts()
	t.Logf("clean run: %d sends, %d receives over %d sockets", sends, receives, counter.Wrapped())
	if sends < 10 {
		t.Fatalf("clean run made only %d sends; the script should be ~10-30 exchanges", sends)
	}

	stride := faultStride()
	var tally faultTally
	offset := 0
	for _, kind := range faultinject.Kinds {
		for _, op := range []faultinject.Op{faultinject.Send, faultinject.Receive} {
			if !kind.AppliesTo(op) {
				continue
			}
			n := sends
			if op == faultinject.Receive {
				n = receives
			}
			first := 1 + offset%stride
			offset++
			for k := first; k <= n; k += stride {
				f := faultinject.Fault{Op: op, K: k, Kind: kind}
				t.Run(strings.ReplaceAll(f.String(), " ", "_"), func(t *testing.T) {
					runFault(t, f, want, &tally)
				})
			}
		}
	}
	t.Logf("stride %d: faults injected %d: script completed %d, failed cleanly %d, rolled back exactly %d; no goroutine or fd leak in %d runs",
		stride, tally.injected, tally.completed, tally.failed, tally.exact, tally.injected)
	if tally.injected == 0 {
		t.Fatal("no fault was injected")
	}
	if !t.Failed() && tally.completed+tally.exact != tally.injected {
		t.Fatalf("%d runs neither completed nor rolled back exactly", tally.injected-tally.completed-tally.exact)
	}
}

// runFault runs the script in a fresh namespace with fault f and checks
// the outcome (see TestFaultInjectionProvisioning).
func runFault(t *testing.T, f faultinject.Fault, want string, tally *faultTally) {
	ns := freshNS(t)
	before := snapshot(t, ns)
	g0, fd0 := goruntime.NumGoroutine(), openFDs(t)
	inj := faultinject.New(f)
	err := runProvision(ns, inj)
	if fired := inj.Fired(); len(fired) != 1 {
		t.Fatalf("fault %v fired %d times", f, len(fired))
	}
	tally.injected++
	settle(t, g0, fd0)
	if err == nil {
		tally.completed++
		// The kernel adds the local route of a nodad IPv6 address from
		// its address work queue, just after the link comes up: wait,
		// bounded, for the namespace to settle on a clean run's state.
		deadline := time.Now().Add(3 * time.Second)
		for {
			got := snapshot(t, ns).portable(t, ns)
			if got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("completed despite %v, but the namespace differs from a clean run:\n%s\nwant:\n%s", f, got, want)
			}
			time.Sleep(20 * time.Millisecond) // polling a condition with a deadline
		}
	}
	var se *runtime.ScriptError
	if !errors.As(err, &se) {
		t.Fatalf("error %T is not a *runtime.ScriptError: %v", err, err)
	}
	if msg := se.Msg; msg == "" || strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine ") {
		t.Fatalf("unclear error: %q", msg)
	}
	tally.failed++
	if after := snapshot(t, ns); after != before {
		t.Fatalf("after %v (%s) and rollback (%v) the namespace changed:\n%s\nwas:\n%s", f, se.Msg, se.Rollback, after, before)
	}
	if se.Rollback != nil {
		t.Fatalf("the namespace is as before, but the rollback after %v reported: %v (script error: %s)", f, se.Rollback, se.Msg)
	}
	tally.exact++
}
