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

// With LazyStdlib, io, os, coroutine and debug are not there until a
// script uses them, as a global or by require; then they are the same
// libraries, with nlsh's changes: os.exit ends the run with its code,
// io.open knows the exclusive "x" mode, coroutine.yield refuses to cross
// a Go call. Without it, or in the sandbox, they are open from the start.
func TestLazyStdlib(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, opts runtime.Options, code string) ([]any, error) {
		t.Helper()
		rt, err := runtime.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Close()
		return rt.RunString(ctx, "lazy.lua", code)
	}
	lazy := runtime.Options{AutoGlobals: true, LazyStdlib: true}
	const before = `return rawget(_G, "io") == nil, rawget(_G, "os") == nil, rawget(_G, "coroutine") == nil,
		rawget(_G, "debug") == nil, package.loaded.io == nil, rawget(_G, "string") ~= nil`
	got, err := run(t, lazy, before)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != true {
			t.Errorf("lazy: value %d of %q is %v", i+1, before, v)
		}
	}
	for name, opts := range map[string]runtime.Options{
		"eager":   {AutoGlobals: true},
		"sandbox": {AutoGlobals: true, LazyStdlib: true, Sandbox: runtime.Sandbox{Enabled: true}},
	} {
		got, err := run(t, opts, `return rawget(_G, "io") ~= nil, rawget(_G, "os") ~= nil, rawget(_G, "coroutine") ~= nil`)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if v != true {
				t.Errorf("%s: library %d not open from the start", name, i+1)
			}
		}
	}

	got, err = run(t, lazy, `
		local viaRequire = require("os")
		local t = type(io.write) .. " " .. type(debug.traceback) .. " " .. tostring(viaRequire == os) .. " " ..
			tostring(package.loaded.os == os) .. " " .. tostring(require("io") == io) .. " " .. tostring(rawget(_G, "io") == io)
		local ok, err = pcall(function() coroutine.yield(1) end)
		return t, ok, err`)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "function function true true true true" {
		t.Errorf("lazy libraries: %v", got[0])
	}
	if got[1] != false || !strings.Contains(got[2].(string), "attempt to yield across a Go function call") {
		t.Errorf("coroutine.yield across pcall: %v %v", got[1], got[2])
	}

	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = run(t, lazy, `local f, err = io.open("`+path+`", "wx") return f == nil, err`)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != true || !strings.Contains(got[1].(string), "exist") {
		t.Errorf(`io.open(existing, "wx"): %v`, got)
	}

	_, err = run(t, lazy, `os.exit(3)`)
	var exit *runtime.ExitError
	if !errors.As(err, &exit) || exit.Code != 3 {
		t.Errorf("os.exit(3): %v", err)
	}
}
