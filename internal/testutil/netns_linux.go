package testutil

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/netns"
)

// RequireRoot skips t unless the test runs as root, saying why.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: it creates a throwaway network namespace and talks to the kernel there")
	}
}

// RequireCommand skips t when a command the test cross-checks with is not
// installed, naming the Debian package that has it.
func RequireCommand(t testing.TB, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("needs %s (Debian package %s) for the cross-check: %v", name, pkg, err)
	}
}

// NS is a throwaway named network namespace that exists for one test.
type NS struct {
	Name   string
	Target netns.Target
	t      testing.TB
}

// NewNetNS creates a named namespace "nlsh-test-XXXXXXXX" (visible to
// `ip -n`) whose loopback is down, as in any new namespace, and removes it
// when the test ends. It skips the test when not root.
func NewNetNS(t testing.TB) *NS {
	t.Helper()
	RequireRoot(t)
	var rnd [4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	name := "nlsh-test-" + hex.EncodeToString(rnd[:])
	target, err := netns.Add(name)
	if err != nil {
		t.Fatalf("create throwaway namespace: %v", err)
	}
	t.Cleanup(func() {
		if err := netns.Del(name); err != nil {
			t.Errorf("remove throwaway namespace: %v", err)
		}
	})
	return &NS{Name: name, Target: target, t: t}
}

// Do runs fn inside the namespace, failing the test on error.
func (n *NS) Do(fn func() error) {
	n.t.Helper()
	if err := n.Target.Do(fn); err != nil {
		n.t.Fatalf("in namespace %s: %v", n.Name, err)
	}
}

// IP runs `ip -n NAME ARGS...` and returns its standard output, failing
// the test when it exits non-zero.
func (n *NS) IP(args ...string) string {
	n.t.Helper()
	out, err := n.TryIP(args...)
	if err != nil {
		n.t.Fatalf("ip -n %s %s: %v", n.Name, strings.Join(args, " "), err)
	}
	return out
}

// TryIP runs `ip -n NAME ARGS...` and returns its output and error
// (which includes its standard error).
func (n *NS) TryIP(args ...string) (string, error) {
	return Run("ip", append([]string{"-n", n.Name}, args...)...)
}

// IPJSON runs `ip -n NAME -j ARGS...` and decodes its JSON output into v.
func (n *NS) IPJSON(v any, args ...string) {
	n.t.Helper()
	out := n.IP(append([]string{"-j"}, args...)...)
	if strings.TrimSpace(out) == "" {
		out = "[]"
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		n.t.Fatalf("ip -j %s: decode %q: %v", strings.Join(args, " "), out, err)
	}
}

// Exec runs a command inside the namespace via `ip netns exec`.
func (n *NS) Exec(name string, args ...string) (string, error) {
	return Run("ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Run runs a command and returns its standard output; a non-zero exit is
// an error carrying the standard error.
func Run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
