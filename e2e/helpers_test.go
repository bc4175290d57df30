package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

// requireRtnl skips when the binary has no rtnl module yet.
func requireRtnl(t testing.TB) {
	t.Helper()
	out, err := exec.Command(nlshBin, "-e", "return rtnl ~= nil").Output()
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		t.Skip("the nlsh binary has no rtnl module (bindings/rtnl not registered yet)")
	}
}

// script copies an example (or writes body) to a root-owned 0644 file, as
// engine modes require.
func script(t testing.TB, name, body string) string {
	t.Helper()
	if body == "" {
		body = readExample(t, name)
	}
	p := filepath.Join(t.TempDir(), filepath.Base(name))
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runNlsh runs the binary with stdin and returns stdout, stderr, error.
func runNlsh(stdin string, env []string, args ...string) (string, string, error) {
	cmd := exec.Command(nlshBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// dump is the namespace's links, addresses and routes as ip -j prints
// them, for before/after comparisons.
func dump(t testing.TB, ns *testutil.NS) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{
		{"-d", "link"}, {"addr"}, {"route", "show", "table", "all"}, {"-6", "route", "show", "table", "all"}, {"rule"},
	} {
		b.WriteString(ns.IP(append([]string{"-j"}, args...)...))
		b.WriteByte('\n')
	}
	return b.String()
}

// links returns the ip -j link objects of ns.
func links(t testing.TB, ns *testutil.NS) []map[string]any {
	t.Helper()
	var l []map[string]any
	ns.IPJSON(&l, "-d", "link")
	return l
}

func stateJSON(t testing.TB, id string, pid int, status string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"ociVersion": "1.2.0", "id": id, "pid": pid, "status": status, "bundle": "/nonexistent"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readExample returns a file under examples/.
func readExample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
