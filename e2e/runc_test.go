package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/internal/testutil"
)

// bundle makes an OCI bundle in a temp dir: a busybox rootfs and a
// config.json whose process runs cmd and whose createRuntime hook is
// hookArgs (argv, path first).
func bundle(t testing.TB, cmd string, hookArgs []string, annotations map[string]string) string {
	t.Helper()
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("needs busybox (Debian package busybox-static)")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "proc", "sys", "dev", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(busybox)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "busybox"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"sh", "ip", "cat"} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", l)); err != nil {
			t.Fatal(err)
		}
	}
	spec := map[string]any{
		"ociVersion": "1.0.2",
		"process": map[string]any{
			"terminal": false, "user": map[string]any{"uid": 0, "gid": 0},
			"args": []string{"sh", "-c", cmd}, "env": []string{"PATH=/bin"}, "cwd": "/",
			"capabilities": map[string]any{
				"bounding": []string{"CAP_NET_ADMIN"}, "effective": []string{"CAP_NET_ADMIN"}, "permitted": []string{"CAP_NET_ADMIN"},
			},
			"noNewPrivileges": true,
		},
		"root":     map[string]any{"path": "rootfs", "readonly": true},
		"hostname": "nlsh-e2e",
		"mounts": []any{
			map[string]any{"destination": "/proc", "type": "proc", "source": "proc"},
			map[string]any{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
			map[string]any{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": []string{"nosuid", "noexec", "nodev", "ro"}},
		},
		"annotations": annotations,
		"hooks": map[string]any{
			"createRuntime": []any{map[string]any{"path": hookArgs[0], "args": hookArgs, "timeout": 20}},
		},
		"linux": map[string]any{
			"namespaces": []any{
				map[string]any{"type": "pid"}, map[string]any{"type": "network"}, map[string]any{"type": "ipc"},
				map[string]any{"type": "uts"}, map[string]any{"type": "mount"},
			},
		},
	}
	js, err := json.MarshalIndent(spec, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runc runs the bundle to completion and returns the container's output.
func runc(t testing.TB, dir, id string) (string, error) {
	t.Helper()
	state := filepath.Join(dir, "state")
	cmd := exec.Command("runc", "--root", state, "run", "--bundle", dir, id)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	t.Cleanup(func() { exec.Command("runc", "--root", state, "delete", "--force", id).Run() })
	if err != nil {
		return out.String(), &runcError{err: err, stderr: errOut.String()}
	}
	return out.String(), nil
}

type runcError struct {
	err    error
	stderr string
}

func (e *runcError) Error() string { return e.err.Error() + ": " + e.stderr }

func TestRuncCreateRuntimeHook(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCommand(t, "runc", "runc")
	requireRtnl(t)
	host := testutil.NewNetNS(t) // the host side of the veth lives here
	s := script(t, "oci/veth.lua", "")
	hook := []string{nlshBin, "--netns", "name:" + host.Name, "hook", s, "createRuntime"}
	// The container prints what it sees, then waits on its standard input
	// so that its namespace, and with it the veth, lives while the host end
	// is checked; closing the input lets it exit.
	dir := bundle(t, "ip addr; echo ===; ip route; echo ===; ip -6 route; echo ===END; read x; exit 0", hook,
		map[string]string{"nlsh.ipv4": "10.88.7.2/24", "nlsh.ipv6": "fd88:7::2/64", "nlsh.veth.host": "vhost-e2e"})
	state := filepath.Join(dir, "state")
	cmd := exec.Command("runc", "--root", state, "run", "--bundle", dir, "nlsh-e2e-hook")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
		exec.Command("runc", "--root", state, "delete", "--force", "nlsh-e2e-hook").Run()
	})
	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != "===END" {
		out.WriteString(sc.Text() + "\n")
	}
	if sc.Err() != nil || !strings.Contains(out.String(), "===") {
		t.Fatalf("runc run: %v %v: %s\n%s", sc.Err(), cmd.Wait(), errOut.String(), out.String())
	}
	parts := strings.Split(out.String(), "===")
	if len(parts) != 3 {
		t.Fatalf("container output: %q", out.String())
	}
	addrs, routes4, routes6 := parts[0], parts[1], parts[2]
	for _, want := range []string{"eth0", "inet 10.88.7.2/24", "inet6 fd88:7::2/64"} {
		if !strings.Contains(addrs, want) {
			t.Errorf("the container's first command did not see %q:\n%s", want, addrs)
		}
	}
	if !strings.Contains(routes4, "default via 10.88.7.1 dev eth0") {
		t.Errorf("no IPv4 default route:\n%s", routes4)
	}
	if !strings.Contains(routes6, "default via fd88:7::1 dev eth0") {
		t.Errorf("no IPv6 default route:\n%s", routes6)
	}
	// The host end is where the script put it, with the gateways.
	if a := host.IP("-br", "addr", "show", "vhost-e2e"); !strings.Contains(a, "10.88.7.1/24") || !strings.Contains(a, "fd88:7::1/64") {
		t.Errorf("host end: %s", a)
	}
	// The anti-spoofing rule is in the host side's ruleset.
	if out, err := host.Exec("nft", "list", "chain", "inet", "nlsh", "forward"); err != nil ||
		!strings.Contains(out, `iifname "vhost-e2e" ip saddr != 10.88.7.2 drop`) {
		t.Errorf("nft rule of the hook: %v\n%s", err, out)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("runc run: %v: %s", err, errOut.String())
	}
	// The container has exited; deleting it removes its namespace and
	// with it both ends of the veth.
	if out, err := exec.Command("runc", "--root", state, "delete", "--force", "nlsh-e2e-hook").CombinedOutput(); err != nil {
		t.Fatalf("runc delete: %v: %s", err, out)
	}
	waitGone(t, host, "vhost-e2e")
}

// A failing hook stops the container from starting and leaves the host
// side as it was.
func TestRuncHookFailureRollsBack(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCommand(t, "runc", "runc")
	requireRtnl(t)
	host := testutil.NewNetNS(t)
	before := dump(t, host)
	s := script(t, "fail.lua", `
local rtnl = require "rtnl"
rtnl.link.add{ifname = "vfail", kind = "veth", peer = {ifname = "eth0", netns = container.netns}}
rtnl.addr.add{dev = "vfail", address = "10.66.0.1/24"}
error("address plan exhausted")`)
	dir := bundle(t, "echo workload ran", []string{nlshBin, "--netns", "name:" + host.Name, "hook", s, "createRuntime"}, nil)
	out, err := runc(t, dir, "nlsh-e2e-fail")
	if err == nil || strings.Contains(out, "workload ran") {
		t.Fatalf("the container ran despite a failing hook: %q %v", out, err)
	}
	if !strings.Contains(err.Error(), "address plan exhausted") {
		t.Errorf("runc did not pass on the hook's error: %v", err)
	}
	if after := dump(t, host); after != before {
		t.Errorf("host namespace changed:\nbefore %s\nafter  %s", before, after)
	}
}

// waitGone waits until link name no longer exists in ns (deleting a
// namespace removes its veths asynchronously).
func waitGone(t testing.TB, ns *testutil.NS, name string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := ns.TryIP("link", "show", name); err != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("link %s still exists in %s", name, ns.Name)
		}
		time.Sleep(time.Millisecond) // polling the condition above
	}
}
