package rtnl_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/internal/testutil"
)

// examplesDir is the repository's examples folder.
var examplesDir = filepath.Join("..", "..", "examples")

// TestExamplesCLI runs every examples/*.lua through the nlsh binary inside
// throwaway namespaces and checks its effect with ip -j.
func TestExamplesCLI(t *testing.T) {
	c := buildNlsh(t)
	files, _ := filepath.Glob(filepath.Join(examplesDir, "*.lua"))
	covered := map[string]bool{}
	ex := func(name string) string {
		covered[name] = true
		return filepath.Join(examplesDir, name)
	}
	t.Run("address-plan", func(t *testing.T) {
		r := c.run(t, "", "--json", ex("address-plan.lua"), "10.0.0.0/16", "2")
		var plan []map[string]any
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &plan) != nil || len(plan) != 2 || plan[1]["subnet"] != "10.0.1.0/24" {
			t.Fatalf("exit %d, plan %q: %s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("quickstart", func(t *testing.T) {
		path := ex("quickstart.lua")
		r := c.run(t, "", path)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		for _, w := range []string{"veth0\t1400", "10.99.0.1", "10.100.0.0/16"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("output lacks %q:\n%s", w, r.stdout)
			}
		}
		noNamespacesLeft(t, "nlsh-quickstart-")
	})
	t.Run("policy-routing", func(t *testing.T) {
		path := ex("policy-routing.lua")
		r := c.run(t, "", path)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		for _, w := range []string{`src = "10.1.0.0/24"`, `gateway = "198.51.100.1"`, `table = "100"`} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("output lacks %q:\n%s", w, r.stdout)
			}
		}
		noNamespacesLeft(t, "nlsh-policy-")
	})
	t.Run("provision", func(t *testing.T) {
		path := ex("provision.lua")
		ns := testutil.NewNetNS(t)
		first := c.run(t, "", "--netns", "name:"+ns.Name, path)
		second := c.run(t, "", "--netns", "name:"+ns.Name, path)
		if first.code != 0 || second.code != 0 {
			t.Fatalf("exit %d/%d: %s %s", first.code, second.code, first.stderr, second.stderr)
		}
		if !strings.Contains(second.stdout, "nothing to do") {
			t.Errorf("second run changed things:\n%s", second.stdout)
		}
		checkAddr(t, ns.Name, "br-lab", "10.50.0.1")
	})
	t.Run("bridge-namespaces", func(t *testing.T) {
		r := c.run(t, "", "--json", ex("bridge-namespaces.lua"), "2", "KEEP")
		var names []string
		if i := strings.Index(r.stdout, "\n["); i >= 0 {
			json.Unmarshal([]byte(r.stdout[i:]), &names)
		}
		for _, n := range names {
			t.Cleanup(func() { netns.Del(n) })
		}
		if r.code != 0 || len(names) != 3 {
			t.Fatalf("exit %d, names %q: %s", r.code, r.stdout, r.stderr)
		}
		var ports []struct {
			Ifname string `json:"ifname"`
			Master string `json:"master"`
		}
		ipJSON(t, names[0], &ports, "link", "show", "master", "br0")
		if len(ports) != 2 {
			t.Errorf("br0 ports: %+v", ports)
		}
		for i, leaf := range names[1:] {
			checkAddr(t, leaf, "eth0", fmt.Sprintf("10.77.0.%d", i+1))
		}
		// the leaves reach each other through the bridge
		out, err := testutil.Run("ip", "netns", "exec", names[1], "ping", "-c1", "-W5", "10.77.0.2")
		if err != nil {
			t.Errorf("ping across the bridge: %v %s", err, out)
		}
	})
	t.Run("container-veth", func(t *testing.T) {
		ns := testutil.NewNetNS(t)
		// The child says "ready" from inside its new namespace, then
		// becomes sleep (same pid).
		child := exec.Command("unshare", "-n", "sh", "-c", "echo ready; exec sleep 60")
		pipe, _ := child.StdoutPipe()
		if err := child.Start(); err != nil {
			t.Skip("unshare:", err)
		}
		t.Cleanup(func() { child.Process.Kill(); child.Wait() }) // by pid: our child
		if l, err := bufio.NewReader(pipe).ReadString('\n'); err != nil || l != "ready\n" {
			t.Fatalf("child: %q %v", l, err)
		}
		pid := strconv.Itoa(child.Process.Pid)
		r := c.run(t, "", "--netns", "name:"+ns.Name, ex("container-veth.lua"), pid)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		checkAddr(t, ns.Name, "veth-"+pid, "10.200.0.1")
		out, err := testutil.Run("nsenter", "-t", pid, "-n", "ip", "-j", "route", "show", "default")
		if err != nil || !strings.Contains(out, `"gateway":"10.200.0.1"`) || !strings.Contains(out, `"dev":"eth0"`) {
			t.Errorf("container default route: %v %s", err, out)
		}
		out, _ = testutil.Run("nsenter", "-t", pid, "-n", "ip", "-j", "addr", "show", "eth0")
		if !strings.Contains(out, `"local":"10.200.0.2"`) {
			t.Errorf("container address: %s", out)
		}
	})
	t.Run("monitor", func(t *testing.T) {
		ns := testutil.NewNetNS(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, c.bin, "--netns", "name:"+ns.Name, ex("monitor.lua"), "20")
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }() // by pid: our child
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Make links until the monitor reports one: it may not have
		// joined its groups when the first appears.
		for i := 0; ; i++ {
			ns.IP("link", "add", fmt.Sprintf("mon%d", i), "type", "bridge")
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatal("monitor exited without an event")
				}
				if !strings.HasPrefix(l, "RTM_NEWLINK\tmon") {
					t.Errorf("event line %q", l)
				}
				return
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
				t.Fatal("no event from the monitor")
			}
		}
	})
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("example %s has no test", filepath.Base(f))
		}
	}
}

func noNamespacesLeft(t *testing.T, prefix string) {
	t.Helper()
	names, _ := netns.List()
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			t.Errorf("namespace %s left behind", n)
		}
	}
}

// ipJSON decodes `ip -n ns -j args...` into v.
func ipJSON(t *testing.T, ns string, v any, args ...string) {
	t.Helper()
	out, err := testutil.Run("ip", append([]string{"-n", ns, "-j"}, args...)...)
	if err == nil && strings.TrimSpace(out) != "" {
		err = json.Unmarshal([]byte(out), v)
	}
	if err != nil {
		t.Fatalf("ip -n %s -j %v: %v", ns, args, err)
	}
}

func checkAddr(t *testing.T, ns, dev, addr string) {
	t.Helper()
	var links []struct {
		AddrInfo []struct {
			Local string `json:"local"`
		} `json:"addr_info"`
	}
	ipJSON(t, ns, &links, "addr", "show", "dev", dev)
	for _, l := range links {
		for _, a := range l.AddrInfo {
			if a.Local == addr {
				return
			}
		}
	}
	t.Errorf("%s in %s has no address %s: %+v", dev, ns, addr, links)
}
