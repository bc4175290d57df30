package runtime

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// Every chunk a script can compile goes through compileChunk, so the loop
// rewrite of loopfix.go applies to all of them, not only to the script
// itself: loadstring, load, loadfile, dofile and require's search of
// package.path (and the sandbox's of its allowed paths) are replaced by
// versions that work as gopher-lua's do — same arguments, results and
// messages — but compile through it. (A chunk gets the global
// environment, as a function made from a prototype does; gopher-lua gave
// it the caller's, which differs only under setfenv.)

// compileChunk is gopher-lua's LState.Load with the loop rewrite.
func compileChunk(L *lua.LState, r io.Reader, name string) (*lua.LFunction, error) {
	chunk, err := parse.Parse(r, name)
	if err != nil {
		return nil, err
	}
	return compileParsed(L, chunk, name)
}

// compileParsed rewrites the loops of a parsed chunk and compiles it: the
// one place nlsh turns syntax into a function.
func compileParsed(L *lua.LState, chunk []ast.Stmt, name string) (*lua.LFunction, error) {
	guardLoops(chunk)
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, err
	}
	return L.NewFunctionFromProto(proto), nil
}

// compileFile is LState.LoadFile through compileChunk: a first line
// starting with # (a shebang) is skipped, its newline kept so lines count
// as in the file.
func compileFile(L *lua.LState, path string) (*lua.LFunction, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) > 0 && b[0] == '#' {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i:]
		} else {
			b = nil
		}
	}
	return compileChunk(L, bytes.NewReader(b), path)
}

// installCompiler replaces the chunk-compiling functions (see above).
func installCompiler(L *lua.LState) {
	loaded := func(L *lua.LState, fn *lua.LFunction, err error) int {
		if err != nil {
			L.Push(lua.LNil)
			L.Push(lua.LString(err.Error()))
			return 2
		}
		L.Push(fn)
		return 1
	}
	L.SetGlobal("loadstring", L.NewFunction(func(L *lua.LState) int {
		fn, err := compileChunk(L, strings.NewReader(L.CheckString(1)), L.OptString(2, "<string>"))
		return loaded(L, fn, err)
	}))
	L.SetGlobal("load", L.NewFunction(func(L *lua.LState) int {
		reader := L.CheckFunction(1)
		name := L.OptString(2, "?")
		top := L.GetTop()
		var b strings.Builder
		for {
			L.SetTop(top)
			L.Push(reader)
			L.Call(0, 1)
			piece := L.Get(-1)
			L.Pop(1)
			if piece == lua.LNil {
				break
			}
			if !lua.LVCanConvToString(piece) {
				L.Push(lua.LNil)
				L.Push(lua.LString("reader function must return a string"))
				return 2
			}
			s := piece.String()
			if s == "" {
				break
			}
			b.WriteString(s)
		}
		fn, err := compileChunk(L, strings.NewReader(b.String()), name)
		return loaded(L, fn, err)
	}))
	L.SetGlobal("loadfile", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() < 1 {
			fn, err := compileChunk(L, bufio.NewReader(os.Stdin), "<stdin>")
			return loaded(L, fn, err)
		}
		path := L.CheckString(1)
		if _, err := os.Stat(path); err != nil {
			L.Push(lua.LNil)
			L.Push(lua.LString(fmt.Sprintf("can not open file: %v", path)))
			return 2
		}
		fn, err := compileFile(L, path)
		return loaded(L, fn, err)
	}))
	L.SetGlobal("dofile", L.NewFunction(func(L *lua.LState) int {
		path := L.ToString(1)
		top := L.GetTop()
		var fn *lua.LFunction
		var err error
		if path == "" {
			fn, err = compileChunk(L, bufio.NewReader(os.Stdin), "<stdin>")
		} else {
			fn, err = compileFile(L, path)
		}
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(fn)
		L.Call(0, lua.MultRet)
		return L.GetTop() - top
	}))
	// require's second searcher: package.path, as gopher-lua's.
	if loaders, ok := L.G.Registry.RawGetString("_LOADERS").(*lua.LTable); ok && loaders.Len() >= 2 {
		loaders.RawSetInt(2, L.NewFunction(func(L *lua.LState) int {
			name := L.CheckString(1)
			path, ok := L.GetField(L.GetGlobal("package"), "path").(lua.LString)
			if !ok {
				L.RaiseError("package.path must be a string")
			}
			file := strings.ReplaceAll(name, ".", string(os.PathSeparator))
			var tried []string
			for _, pattern := range strings.Split(string(path), ";") {
				p := strings.ReplaceAll(pattern, "?", file)
				if _, err := os.Stat(p); err != nil {
					tried = append(tried, err.Error())
					continue
				}
				fn, err := compileFile(L, p)
				if err != nil {
					L.RaiseError("%s", err.Error())
				}
				L.Push(fn)
				return 1
			}
			L.Push(lua.LString(strings.Join(tried, "\n\t")))
			return 1
		}))
	}
}
