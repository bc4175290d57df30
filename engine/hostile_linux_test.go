package engine_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/engine"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// hostDump is the host namespace's links, addresses and routes, read only.
func hostDump(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{{"-j", "link"}, {"-j", "addr"}, {"-j", "route", "show", "table", "all"}, {"-j", "rule"}} {
		out, err := testutil.Run("ip", args...)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(out)
	}
	return b.String()
}

// TestHostileScripts runs hostile scripts the way the engine modes do
// (sandbox, deadline, memory limit, journal; the default namespace is a
// throwaway "container" namespace) and checks each is stopped with a clear
// error, within its deadline, without touching the host namespace, another
// namespace, or the process's memory for good.
func TestHostileScripts(t *testing.T) {
	testutil.RequireRoot(t)
	container := testutil.NewNetNS(t)
	other := testutil.NewNetNS(t)
	// A process living in the other namespace, for netns.pid(other).
	sleeper := exec.Command("ip", "netns", "exec", other.Name, "sleep", "300")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sleeper.Process.Kill() // by its pid
		sleeper.Wait()
	})
	otherPid := sleeper.Process.Pid
	// Wait until `ip netns exec` has entered the namespace and exec'd sleep.
	deadline := time.Now().Add(5 * time.Second)
	want, err := testutil.Run("stat", "-L", "-c", "%i", "/run/netns/"+other.Name)
	if err != nil {
		t.Fatal(err)
	}
	for {
		got, _ := testutil.Run("stat", "-L", "-c", "%i", fmt.Sprintf("/proc/%d/ns/net", otherPid))
		if got == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sleeper never entered the other namespace")
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, with a deadline
	}

	const timeout = 2 * time.Second
	const memLimit = 64 << 20
	cases := []struct {
		name, code string
		want       []string
	}{
		{"endless loop", `while true do end`, []string{"deadline exceeded"}},
		{"endless loop in pcall", `while true do pcall(function() while true do end end) end`, []string{"deadline exceeded"}},
		{"string doubling", `local s = "x" while true do s = s .. s end`, []string{"memory limit exceeded"}},
		{"table growth", `local t = {} local i = 0 while true do i = i + 1 t[i] = {i, tostring(i)} end`, []string{"memory limit exceeded"}},
		{"string.rep bomb", `local s = string.rep("x", 2^40)`, []string{"string.rep", "not allowed in the sandbox"}},
		{"string.rep method bomb", `local s = ("xy"):rep(1e9)`, []string{"string.rep", "not allowed in the sandbox"}},
		{"string.rep below the cap, doubled", `local s = string.rep("x", 2^23) while true do s = s .. s end`, []string{"memory limit exceeded"}},
		{"huge chunk", `local f = load(string.rep("a=1;", 2^20 + 1))`, []string{"load", "not allowed in the sandbox"}},
		{"huge chunk from a function", `local f = load(function() return "a=1;" end)`, []string{"load", "not allowed in the sandbox"}},
		{"loadstring", `local f = loadstring(string.rep(" ", 5 * 2^20))`, []string{"not allowed in the sandbox"}},
		{"deep recursion", `local function f(n) return 1 + f(n + 1) end return f(1)`, []string{"stack overflow"}},
		{"os.execute", `os.execute("touch /tmp/nlsh-hostile")`, []string{"os.execute", "not allowed in the sandbox"}},
		{"io.popen", `io.popen("id")`, []string{"io.popen", "not allowed in the sandbox"}},
		{"package.loadlib", `package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "*")`, []string{"package.loadlib", "not allowed in the sandbox"}},
		{"require a .so", `package.cpath = "/lib/x86_64-linux-gnu/?.so.6" require "libc"`, []string{"module libc not found"}},
		{"require via package.path", `package.path = "/etc/?" require "shadow"`, []string{"module shadow not found"}},
		{"io.open /etc/shadow", `io.open("/etc/shadow")`, []string{"io.open", "/etc/shadow", "outside the allowed paths"}},
		{"io.lines", `for l in io.lines("/etc/passwd") do end`, []string{"io.lines", "outside the allowed paths"}},
		{"dofile", `dofile("/etc/shadow")`, []string{"dofile", "outside the allowed paths"}},
		{"loadfile", `loadfile("/etc/passwd")`, []string{"loadfile", "outside the allowed paths"}},
		{"symlink escape", `io.open("/proc/self/root/etc/shadow")`, []string{"outside the allowed paths"}},
		{"debug library", `debug.getregistry()`, []string{"debug.getregistry", "not allowed in the sandbox"}},
		{"netns.pid(other)", fmt.Sprintf(`netns.pid(%d)`, otherPid), []string{"netns.pid", "not one this script may use"}},
		{"netns.path(other)", fmt.Sprintf(`netns.path("/proc/%d/ns/net")`, otherPid), []string{"netns.path", "not one this script may use"}},
		{"netns.named(other)", fmt.Sprintf(`netns.named(%q)`, other.Name), []string{"netns.named", "not one this script may use"}},
		{"netns.parse(other)", fmt.Sprintf(`netns.parse("name:%s")`, other.Name), []string{"netns.parse", "not one this script may use"}},
		{"netns.run(other string)", fmt.Sprintf(`netns.run("pid:%d", function() rtnl.link.set{ifname = "lo", up = true} end)`, otherPid), []string{"netns.run", "not one this script may use"}},
		{"rtnl.open other", fmt.Sprintf(`rtnl.open{netns = "name:%s"}`, other.Name), []string{"rtnl.open", "not one this script may use"}},
		{"move a link to other", fmt.Sprintf(`rtnl.link.add{ifname = "hv0", kind = "veth", peer = {ifname = "hv1", netns = "pid:%d"}}`, otherPid), []string{"not one this script may use"}},
		{"netns.del other", fmt.Sprintf(`netns.del(%q)`, other.Name), []string{"netns.del", "not allowed in the sandbox"}},
		{"netns.add", `netns.add("nlsh-hostile-new")`, []string{"netns.add", "not allowed in the sandbox"}},
	}
	hostBefore := hostDump(t)
	otherBefore := other.IP("-j", "-d", "link")
	containerBefore := container.IP("-j", "-d", "link") + container.IP("-j", "addr")
	var baseline goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&baseline)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			start := time.Now()
			limit := timeout
			if c.want[0] == "memory limit exceeded" {
				limit = 4 * timeout // the bomb must hit the memory limit first, even on a busy machine
			}
			err := engine.Run(context.Background(), engine.Options{
				Script: script(t, c.code), Timeout: limit, MemoryLimit: memLimit,
				Netns: container.Target, Stdout: &stderr, Stderr: &stderr,
			}, nil, nil)
			took := time.Since(start)
			if err == nil {
				t.Fatalf("%s: not stopped", c.code)
			}
			msg := err.Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine ") {
				t.Errorf("error is not one clear line: %q", msg)
			}
			if took > limit+time.Second {
				t.Errorf("stopped after %v, past the %v deadline", took, limit)
			}
			if strings.Contains(c.name, "memory") || strings.Contains(c.want[0], "memory") {
				if !errors.Is(err, runtime.ErrMemoryLimit) {
					t.Errorf("error %v is not ErrMemoryLimit", err)
				}
			}
			var ms goruntime.MemStats
			goruntime.GC()
			goruntime.ReadMemStats(&ms)
			if grown := int64(ms.HeapInuse) - int64(baseline.HeapInuse); grown > 32<<20 {
				t.Errorf("heap in use grew by %d MiB and stayed", grown>>20)
			}
			t.Logf("stopped in %v: %s", took.Round(time.Millisecond), msg)
		})
	}
	if hostDump(t) != hostBefore {
		t.Error("the host namespace changed")
	}
	if other.IP("-j", "-d", "link") != otherBefore {
		t.Error("the other container's namespace changed")
	}
	if container.IP("-j", "-d", "link")+container.IP("-j", "addr") != containerBefore {
		t.Error("the container's namespace changed (rollback failed?)")
	}

	// The limits do not block what the script is given: its container
	// namespace, by any name, and the host.
	err = engine.Run(context.Background(), engine.Options{
		Script: script(t, fmt.Sprintf(`
			netns.run(netns.named(%q), function() rtnl.link.list() end)
			netns.run(netns.host(), function() rtnl.link.get{ifname = "lo"} end)
			local s = string.rep("x", 2^20) .. string.rep("y", 2^20)
			return #s`, container.Name)),
		Timeout: timeout, MemoryLimit: memLimit, Netns: container.Target,
	}, nil, nil)
	if err != nil {
		t.Fatalf("an allowed script failed: %v", err)
	}
}
