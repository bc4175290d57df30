package runtime

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// applySandbox removes process execution and native loading and confines
// file access to the allowed directories.
func applySandbox(L *lua.LState, sb Sandbox) {
	deny := func(name string) *lua.LFunction {
		return L.NewFunction(func(L *lua.LState) int {
			L.RaiseError("%s: %v", name, ErrSandbox)
			return 0
		})
	}
	osT, _ := L.GetGlobal("os").(*lua.LTable)
	ioT, _ := L.GetGlobal("io").(*lua.LTable)
	if !sb.AllowExec {
		if osT != nil {
			osT.RawSetString("execute", deny("os.execute"))
		}
		if ioT != nil {
			ioT.RawSetString("popen", deny("io.popen"))
		}
	}
	if osT != nil {
		osT.RawSetString("tmpname", deny("os.tmpname"))
		osT.RawSetString("setenv", deny("os.setenv"))
		guard(L, sb, osT, "os.remove", "remove", 1)
		guard(L, sb, osT, "os.rename", "rename", 1, 2)
	}
	if ioT != nil {
		guard(L, sb, ioT, "io.open", "open", 1)
		guard(L, sb, ioT, "io.lines", "lines", 1)
		guard(L, sb, ioT, "io.input", "input", 1)
		guard(L, sb, ioT, "io.output", "output", 1)
	}
	// debug is not opened in the sandbox; say so instead of "index nil".
	dbg := L.NewTable()
	dbgMeta := L.NewTable()
	dbgMeta.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("debug.%s: %v", L.ToString(2), ErrSandbox)
		return 0
	}))
	L.SetMetatable(dbg, dbgMeta)
	L.SetGlobal("debug", dbg)
	limitAllocations(L)
	guard(L, sb, L.G.Global, "dofile", "dofile", 1)
	guard(L, sb, L.G.Global, "loadfile", "loadfile", 1)
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		pkg.RawSetString("loadlib", deny("package.loadlib"))
		pkg.RawSetString("path", lua.LString(""))
		pkg.RawSetString("cpath", lua.LString(""))
		// Keep only the preload searcher and one that finds Lua files
		// under the allowed directories: require finds the embedded
		// modules and nothing else on disk, and never native code.
		// require reads the searchers from the registry's _LOADERS (the
		// same table as package.loaders), so change that table in place.
		if loaders, ok := L.G.Registry.RawGetString("_LOADERS").(*lua.LTable); ok {
			n := loaders.Len()
			for i := n; i >= 2; i-- {
				loaders.RawSetInt(i, lua.LNil)
			}
			if len(sb.AllowedPaths) > 0 {
				loaders.RawSetInt(2, L.NewFunction(allowedLoader(sb)))
			}
		}
	}
}

// guard wraps t[key] so the string arguments at positions check name files
// under the allowed directories; non-string arguments (file handles) pass.
func guard(L *lua.LState, sb Sandbox, t *lua.LTable, name, key string, positions ...int) {
	orig, ok := t.RawGetString(key).(*lua.LFunction)
	if !ok {
		return
	}
	t.RawSetString(key, L.NewFunction(func(L *lua.LState) int {
		for _, pos := range positions {
			if s, ok := L.Get(pos).(lua.LString); ok {
				if err := allowedPath(sb, string(s)); err != nil {
					L.RaiseError("%s: %v", name, err)
				}
			} else if pos == 1 && L.Get(pos) == lua.LNil && (key == "dofile" || key == "loadfile") {
				L.RaiseError("%s: reading standard input: %v", name, ErrSandbox)
			}
		}
		return bindings.Forward(L, orig)
	}))
}

// allowedPath reports whether p lies under one of the allowed directories
// (after resolving symlinks of the part that exists).
func allowedPath(sb Sandbox, p string) error {
	abs, err := filepath.Abs(p)
	if err != nil {
		return fmt.Errorf("%s: %w", p, ErrSandbox)
	}
	abs = resolve(abs)
	for _, dir := range sb.AllowedPaths {
		d, err := filepath.Abs(dir)
		if err != nil {
			continue
		}
		d = resolve(d)
		rel, err := filepath.Rel(d, abs)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return nil
		}
	}
	return fmt.Errorf("%s: %w (outside the allowed paths)", p, ErrSandbox)
}

// resolve evaluates symlinks in the longest existing prefix of p.
func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	dir, base := filepath.Split(p)
	if dir == "" || dir == p || dir == "/" {
		return p
	}
	return filepath.Join(resolve(filepath.Clean(dir)), base)
}

// readScript reads a script file; with Sandbox.OwnedScripts it first
// checks, on the opened file, that no other user can have changed it.
func (rt *Runtime) readScript(path string) ([]byte, error) {
	sb := rt.opts.Sandbox
	if !sb.Enabled || !sb.OwnedScripts {
		return os.ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("script %s: %w", path, err)
	}
	if err := CheckScriptFile(path, fi); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// allowedLoader is a package.loaders entry that finds `require "a.b"` as
// a/b.lua under the allowed directories, and nothing else: no native code
// (package.loadlib is gone), no path outside them.
func allowedLoader(sb Sandbox) lua.LGFunction {
	return func(L *lua.LState) int {
		name := L.CheckString(1)
		rel := strings.ReplaceAll(name, ".", "/") + ".lua"
		if strings.HasPrefix(name, "/") || strings.Contains(name, "..") || strings.ContainsRune(name, 0) {
			L.Push(lua.LString(fmt.Sprintf("\n\tmodule %q: %v (only plain module names below the allowed paths)", name, ErrSandbox)))
			return 1
		}
		var tried strings.Builder
		for _, dir := range sb.AllowedPaths {
			p := filepath.Join(dir, rel)
			if err := allowedPath(sb, p); err != nil {
				fmt.Fprintf(&tried, "\n\t%v", err)
				continue
			}
			if _, err := os.Stat(p); err != nil {
				fmt.Fprintf(&tried, "\n\tno file '%s'", p)
				continue
			}
			fn, err := compileFile(L, p)
			if err != nil {
				L.RaiseError("require %q: %v", name, err)
			}
			L.Push(fn)
			return 1
		}
		fmt.Fprintf(&tried, "\n\tno native modules or files outside the allowed paths (%v)", ErrSandbox)
		L.Push(lua.LString(tried.String()))
		return 1
	}
}
