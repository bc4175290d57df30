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
// veth pair, IPv4 and IPv6 addresses, link settings and routes, then a
// listing (a dump) that checks the result.
const provisionScript = `
local rtnl = require "rtnl"
rtnl.link.set{ifname = "lo", up = true}
rtnl.link.add{ifname = "fa0", kind = "veth", peer = {ifname = "fa1"}}
rtnl.addr.add{dev = "fa0", address = "10.77.0.1/24"}
rtnl.addr.add{dev = "fa1", address = "10.77.0.2/24"}
rtnl.addr.add{dev = "fa0", address = "2001:db8:77::1/64", flags = {"nodad"}}
rtnl.link.set{ifname = "fa0", up = true, mtu = 1400}
rtnl.link.set{ifname = "fa1", up = true}
rtnl.route.add{dst = "10.78.0.0/16", gateway = "10.77.0.2"}
rtnl.route.add{dst = "10.79.0.0/16", dev = "fa1"}
rtnl.route.add{dst = "2001:db8:78::/48", gateway = "2001:db8:77::2"}
local n = 0
for _, l in ipairs(rtnl.link.list()) do n = n + 1 end
assert(n == 3, "want 3 links, have " .. n)
return n
`

// nsState is a namespace as ip -j shows it: links, addresses and routes
// of both families in every table.
type nsState struct{ links, addrs, routes4, routes6 string }

func snapshot(t *testing.T, ns *testutil.NS) nsState {
	t.Helper()
	return nsState{
		links:   ns.IP("-j", "link", "show"),
		addrs:   ns.IP("-j", "addr", "show"),
		routes4: ns.IP("-j", "-4", "route", "show", "table", "all"),
		routes6: ns.IP("-j", "-6", "route", "show", "table", "all"),
	}
}

// portable is s without what differs between two namespaces given the
// same configuration: veth MAC addresses, the link-local addresses and
// routes derived from them, and address lifetimes and DAD state.
func (s nsState) portable(t *testing.T, ns *testutil.NS) string {
	t.Helper()
	var b strings.Builder
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

// TestFaultInjectionProvisioning makes every send and every receive of an
// atomic provisioning script fail in turn, with every kind of fault, each
// in a fresh namespace. The script either completes (the namespace then
// looks as after a clean run) or fails with a one-line error, and then
// the namespace is exactly as before (ip -j dumps compared). No goroutine
// or descriptor outlives the runtime.
func TestFaultInjectionProvisioning(t *testing.T) {
	testutil.RequireCommand(t, "ip", "iproute2")
	ref := freshNS(t)
	counter := faultinject.New()
	if err := runProvision(ref, counter); err != nil {
		t.Fatalf("clean run: %v", err)
	}
	if counter.Wrapped() == 0 {
		t.Skip("bindings/rtnl does not pass bindings.Env.WrapTransport to its socket.Config yet: no fault can be injected")
	}
	want := snapshot(t, ref).portable(t, ref)
	sends, receives := counter.Counts()
	t.Logf("clean run: %d sends, %d receives over %d sockets", sends, receives, counter.Wrapped())
	if sends < 10 {
		t.Fatalf("clean run made only %d sends; the script should be ~10-20 exchanges", sends)
	}

	var injected, completed, failed int
	for _, kind := range faultinject.Kinds {
		for _, op := range []faultinject.Op{faultinject.Send, faultinject.Receive} {
			if !kind.AppliesTo(op) {
				continue
			}
			n := sends
			if op == faultinject.Receive {
				n = receives
			}
			for k := 1; k <= n; k++ {
				f := faultinject.Fault{Op: op, K: k, Kind: kind}
				t.Run(strings.ReplaceAll(f.String(), " ", "_"), func(t *testing.T) {
					ns := freshNS(t)
					before := snapshot(t, ns)
					g0, fd0 := goruntime.NumGoroutine(), openFDs(t)
					inj := faultinject.New(f)
					err := runProvision(ns, inj)
					if fired := inj.Fired(); len(fired) != 1 {
						t.Fatalf("fault %v fired %d times", f, len(fired))
					}
					injected++
					settle(t, g0, fd0)
					if err == nil {
						completed++
						if got := snapshot(t, ns).portable(t, ns); got != want {
							t.Fatalf("completed despite %v, but the namespace differs from a clean run:\n%s\nwant:\n%s", f, got, want)
						}
						return
					}
					failed++
					var se *runtime.ScriptError
					if !errors.As(err, &se) {
						t.Fatalf("error %T is not a *runtime.ScriptError: %v", err, err)
					}
					if msg := se.Msg; msg == "" || strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine ") {
						t.Fatalf("unclear error: %q", msg)
					}
					if after := snapshot(t, ns); after != before {
						t.Fatalf("after %v (%s) and rollback the namespace changed:\nlinks %s\naddrs %s\nroutes %s %s\nwas:\nlinks %s\naddrs %s\nroutes %s %s",
							f, se.Msg, after.links, after.addrs, after.routes4, after.routes6,
							before.links, before.addrs, before.routes4, before.routes6)
					}
					if se.Rollback != nil {
						t.Fatalf("the namespace is as before, but the rollback after %v reported: %v (script error: %s)", f, se.Rollback, se.Msg)
					}
				})
			}
		}
	}
	t.Logf("faults injected %d: script completed %d, failed cleanly and rolled back %d", injected, completed, failed)
	if injected == 0 {
		t.Fatal("no fault was injected")
	}
}
