package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/internal/testutil"
)

// binary is the nlsh built once for the tests that run it as a process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nlsh-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "nlsh")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	testutil.Main(m)
}

type result struct {
	stdout, stderr string
	code           int
}

func nlsh(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func writeScript(t *testing.T, name, code string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvalPrints(t *testing.T) {
	r := nlsh(t, "", "-e", `return 1, "two", {b = 2, a = {1, 2}}`)
	if r.code != 0 || r.stdout != "1\n\"two\"\n{ a = { 1, 2 }, b = 2 }\n" || r.stderr != "" {
		t.Fatalf("%+v", r)
	}
	r = nlsh(t, "", "-e", `x = 1`)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("statement printed: %+v", r)
	}
}

func TestJSON(t *testing.T) {
	r := nlsh(t, "", "--json", "-e", `return {ifname = "lo", mtu = 65536, flags = {"UP"}}`)
	var v map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &v) != nil || v["ifname"] != "lo" || v["mtu"] != float64(65536) {
		t.Fatalf("%+v", r)
	}
	r = nlsh(t, "", "--json", "-e", `return cidr.host("10.0.0.0/24", 2), cidr.subnet("10.0.0.0/16", 8, 3)`)
	var list []string
	if json.Unmarshal([]byte(r.stdout), &list) != nil || strings.Join(list, " ") != "10.0.0.2 10.0.3.0/24" {
		t.Fatalf("%+v", r)
	}
}

func TestScriptArgs(t *testing.T) {
	p := writeScript(t, "args.lua", `print(arg[0]:match("args.lua$"), #arg, arg[1], arg[2], select("#", ...), ...)`)
	r := nlsh(t, "", p, "a b", "-e")
	if r.code != 0 || r.stdout != "args.lua\t2\ta b\t-e\t2\ta b\t-e\n" {
		t.Fatalf("%+v", r)
	}
}

func TestStdinScript(t *testing.T) {
	r := nlsh(t, "print(cidr.prefixlen('10.0.0.0/8'))")
	if r.code != 0 || r.stdout != "8\n" {
		t.Fatalf("%+v", r)
	}
}

func TestExamplesWithoutKernel(t *testing.T) {
	r := nlsh(t, "", "--json", "../../examples/address-plan.lua", "10.0.0.0/16", "2")
	if r.code != 0 || !strings.Contains(r.stdout, `"subnet": "10.0.1.0/24"`) {
		t.Fatalf("%+v", r)
	}
}

func TestExitCodes(t *testing.T) {
	bad := writeScript(t, "bad.lua", "local x = 1\n\nerror('it broke')\n")
	syntax := writeScript(t, "syntax.lua", "x = = 1\n")
	exit3 := writeScript(t, "exit.lua", "os.exit(3)\n")
	deep := writeScript(t, "deep.lua", "local function f(n) if n == 0 then local t = nil; return t.x end return f(n-1) + 1 end\nf(5)\n")
	cases := []struct {
		name string
		args []string
		code int
		want string // substring of the single stderr line ("" for none)
	}{
		{"ok", []string{"-e", "return"}, 0, ""},
		{"lua error", []string{bad}, 1, "bad.lua:3: it broke"},
		{"syntax error", []string{syntax}, 1, "syntax.lua:1: syntax error near '='"},
		{"runtime error deep", []string{deep}, 1, "deep.lua:1: attempt to index"},
		{"missing file", []string{"/nonexistent/x.lua"}, 1, "no such file"},
		{"arg error", []string{"-e", "netns.pid(1.5)"}, 1, "netns.pid: argument #1: want an integer, got 1.5"},
		{"kernel-ish error", []string{"-e", "netns.del('nlsh-never-there')"}, 1, "netns.del"},
		{"os.exit", []string{exit3}, 3, ""},
		{"unknown flag", []string{"--bogus"}, 2, "flag provided but not defined"},
		{"bad netns", []string{"--netns", "bogus:1", "-e", "return"}, 2, "--netns"},
		{"flag missing value", []string{"-e"}, 2, "flag needs an argument"},
		{"timeout", []string{"--timeout", "200ms", "-e", "while true do end"}, 1, "deadline exceeded"},
		{"hook without script", []string{"hook"}, 2, "no script"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := nlsh(t, "", c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d: %+v", r.code, c.code, r)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if c.code == 1 && len(lines) != 1 {
				t.Fatalf("stderr is not one line: %q", r.stderr)
			}
			if c.want != "" && !strings.Contains(lines[0], c.want) {
				t.Fatalf("stderr %q lacks %q", r.stderr, c.want)
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "stack traceback") {
				t.Fatalf("stack trace on stderr: %q", r.stderr)
			}
		})
	}
}

func TestTraceback(t *testing.T) {
	p := writeScript(t, "tb.lua", "local function inner() error('deep') end\nlocal function outer() inner() end\nouter()\n")
	r := nlsh(t, "", "--traceback", p)
	if r.code != 1 || !strings.Contains(r.stderr, "stack traceback:") || !strings.Contains(r.stderr, "tb.lua:2:") {
		t.Fatalf("%+v", r)
	}
}

func TestHelpVersionMeta(t *testing.T) {
	if r := nlsh(t, "", "--help"); r.code != 0 || !strings.Contains(r.stdout, "usage: nlsh") || !strings.Contains(r.stdout, "--dry-run") && !strings.Contains(r.stdout, "-dry-run") {
		t.Fatalf("%+v", r)
	}
	if r := nlsh(t, "", "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "nlsh ") {
		t.Fatalf("%+v", r)
	}
	r := nlsh(t, "", "--lua-meta")
	for _, want := range []string{"---@meta", "---@class netns.Target", "function netns.run(target, fn, ...) end", "---@param newbits integer"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--lua-meta lacks %q", want)
		}
	}
	committed, err := os.ReadFile("../../docs/nlsh.meta.lua")
	if err != nil || string(committed) != r.stdout {
		t.Errorf("docs/nlsh.meta.lua is stale: run go generate ./cmd/nlsh (%v)", err)
	}
}

func TestHelpFunction(t *testing.T) {
	r := nlsh(t, "", "-e", "help(netns.run); help('cidr'); help()")
	for _, want := range []string{"netns.run(target, fn, ...)", "example:", "cidr.subnet(prefix, newbits, num)", "netns    network namespace"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help output lacks %q:\n%s", want, r.stdout)
		}
	}
}
