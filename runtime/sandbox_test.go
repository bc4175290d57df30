package runtime_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/runtime"
)

// sandboxed returns a runtime with the sandbox on, allowing dir.
func sandboxed(t *testing.T, dir string, allowExec bool) *runtime.Runtime {
	t.Helper()
	return newRT(t, runtime.Options{Sandbox: runtime.Sandbox{
		Enabled: true, AllowedPaths: []string{dir}, AllowExec: allowExec, OwnedScripts: true,
	}})
}

func TestSandboxForbidden(t *testing.T) {
	allowed, outside := t.TempDir(), t.TempDir()
	for _, f := range []struct{ dir, name, body string }{
		{allowed, "inside.txt", "in"},
		{outside, "outside.txt", "out"},
		{outside, "evil.lua", "return 'evil'"},
		{outside, "evil.so", "not really ELF"},
	} {
		if err := os.WriteFile(filepath.Join(f.dir, f.name), []byte(f.body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A symlink inside the allowed directory pointing out of it.
	if err := os.Symlink(filepath.Join(outside, "outside.txt"), filepath.Join(allowed, "link.txt")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, code, want string
	}{
		{"os.execute", `os.execute("true")`, "os.execute: not allowed in the sandbox"},
		{"io.popen", `io.popen("id")`, "io.popen: not allowed in the sandbox"},
		{"package.loadlib", `package.loadlib(OUT .. "/evil.so", "luaopen_evil")`, "package.loadlib: not allowed in the sandbox"},
		{"require .so path", `require(OUT .. "/evil")`, "only plain module names below the allowed paths"},
		{"require outside dir", `package.path = OUT .. "/?.lua"; require("evil")`, "no native modules or files outside the allowed paths"},
		{"io.open outside", `io.open(OUT .. "/outside.txt")`, "outside the allowed paths"},
		{"io.open via symlink", `io.open(IN .. "/link.txt")`, "outside the allowed paths"},
		{"io.open dotdot", `io.open(IN .. "/../" .. OUT .. "/outside.txt")`, "outside the allowed paths"},
		{"io.lines outside", `for l in io.lines(OUT .. "/outside.txt") do end`, "io.lines"},
		{"dofile outside", `dofile(OUT .. "/evil.lua")`, "dofile"},
		{"loadfile outside", `loadfile(OUT .. "/evil.lua")`, "loadfile"},
		{"os.remove outside", `os.remove(OUT .. "/outside.txt")`, "os.remove"},
		{"os.rename out", `os.rename(IN .. "/inside.txt", OUT .. "/moved.txt")`, "os.rename"},
		{"debug library", `debug.getinfo(1)`, "debug"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt := sandboxed(t, allowed, false)
			rt.SetGlobal("IN", allowed)
			rt.SetGlobal("OUT", outside)
			_, err := rt.RunString(context.Background(), "s.lua", c.code)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%s: got %v, want an error containing %q", c.code, err, c.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(outside, "outside.txt")); err != nil {
		t.Fatalf("os.remove outside went through: %v", err)
	}
}

func TestSandboxAllowed(t *testing.T) {
	allowed := t.TempDir()
	if err := os.WriteFile(filepath.Join(allowed, "helper.lua"), []byte("return {x = 42}"), 0o644); err != nil {
		t.Fatal(err)
	}
	rt := sandboxed(t, allowed, false)
	rt.SetGlobal("IN", allowed)
	got, err := rt.RunString(context.Background(), "s.lua", `
		local f = assert(io.open(IN .. "/lease", "w")); f:write("10.0.0.2"); f:close()
		local g = assert(io.open(IN .. "/lease")); local s = g:read("*a"); g:close()
		return s, require("helper").x`)
	if err != nil || got[0] != "10.0.0.2" || got[1] != int64(42) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestSandboxAllowExec(t *testing.T) {
	rt := sandboxed(t, t.TempDir(), true)
	got, err := rt.RunString(context.Background(), "s.lua", `return os.execute("exit 3")`)
	if err != nil {
		t.Fatalf("--allow-exec: os.execute refused: %v", err)
	}
	if len(got) == 0 || got[0] == int64(0) {
		t.Fatalf("os.execute did not run the command: %v", got)
	}
}

func TestSandboxScriptFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("return 1"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok.lua", 0o644)
	rt := sandboxed(t, dir, false)
	if got, err := rt.RunFile(context.Background(), ok, nil); err != nil || got[0] != int64(1) {
		t.Fatalf("owner-only script refused: %v %v", got, err)
	}
	for _, c := range []struct {
		name string
		mode os.FileMode
		want string
	}{
		{"world.lua", 0o646, "writable by group or others (mode 0646)"},
		{"group.lua", 0o664, "writable by group or others (mode 0664)"},
	} {
		p := write(c.name, c.mode)
		_, err := sandboxed(t, dir, false).RunFile(context.Background(), p, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, runtime.ErrSandbox) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	if os.Geteuid() == 0 {
		p := write("other.lua", 0o644)
		if err := os.Chown(p, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		_, err := sandboxed(t, dir, false).RunFile(context.Background(), p, nil)
		if err == nil || !strings.Contains(err.Error(), "owned by uid 65534") {
			t.Errorf("script owned by another user: got %v", err)
		}
	}
	// Without OwnedScripts (plain CLI runs) the mode is not checked.
	p := write("plain.lua", 0o666)
	if _, err := newRT(t, runtime.Options{}).RunFile(context.Background(), p, nil); err != nil {
		t.Errorf("unsandboxed run refused a writable script: %v", err)
	}
}

func TestSandboxDeadlineLoop(t *testing.T) {
	rt := newRT(t, runtime.Options{Sandbox: runtime.Sandbox{Enabled: true}, Timeout: 50_000_000})
	_, err := rt.RunString(context.Background(), "spin.lua", `while true do end`)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("endless loop: got %v, want the deadline", err)
	}
}
