package rtnl_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/internal/testutil"
)

// cli runs the nlsh binary built for the test.
type cli struct {
	t   *testing.T
	bin string
}

// buildNlsh builds cmd/nlsh into a temporary directory of t.
func buildNlsh(t *testing.T) *cli {
	t.Helper()
	testutil.RequireRoot(t)
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("needs the go tool to build nlsh (%v): the VM lane has none; make test runs this on the host", err)
	}
	bin := filepath.Join(t.TempDir(), "nlsh")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/nlsh/nlsh/cmd/nlsh").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return &cli{t: t, bin: bin}
}

type run struct {
	stdout, stderr string
	code           int
}

// run runs nlsh with args (and stdin), bounded by a minute.
func (c *cli) run(t *testing.T, stdin string, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := run{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return r
}

// script writes code to dir/name and returns its path.
func script(t *testing.T, dir, name, code string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// state is everything rtnl can change in ns as ip -j reports it.
func state(t *testing.T, ns *testutil.NS) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{
		{"-j", "link", "show"}, {"-j", "addr", "show"}, {"-j", "route", "show", "table", "all"},
		{"-j", "-6", "route", "show", "table", "all"}, {"-j", "rule", "show"}, {"-j", "-6", "rule", "show"},
		{"-j", "neigh", "show"},
	} {
		b.WriteString(ns.IP(args...))
		b.WriteByte('\n')
	}
	return b.String()
}

// populate gives ns a bridge with an address and a route, lo up.
func populate(t *testing.T, ns *testutil.NS) {
	t.Helper()
	ns.IP("link", "set", "lo", "up")
	ns.IP("link", "add", "br0", "type", "bridge")
	ns.IP("link", "set", "br0", "addrgenmode", "none") // no IPv6 DAD changing state under the test
	ns.IP("link", "set", "br0", "up")
	ns.IP("addr", "add", "10.0.0.2/24", "dev", "br0")
	ns.IP("route", "add", "10.20.0.0/16", "via", "10.0.0.1")
	// two rules told apart only by their port
	ns.IP("rule", "add", "pref", "600", "ipproto", "tcp", "dport", "443", "uidrange", "0-999", "table", "60")
	ns.IP("rule", "add", "pref", "600", "ipproto", "tcp", "dport", "8443", "table", "60")
}
