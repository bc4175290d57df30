package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/nlsh/nlsh/bindings"
)

// RollbackTimeout bounds an automatic rollback, which runs even when the
// run's own deadline has passed.
const RollbackTimeout = 30 * time.Second

// registrySize is the first size of each Lua state's value stack.
const registrySize = 256

// Runtime is one Lua state with the nlsh modules. See the package doc for
// the goroutine rules.
type Runtime struct {
	L    *lua.LState
	env  *bindings.Env
	opts Options
	reg  *bindings.Registry
}

// New makes a runtime. It does little work: modules are built on first
// require, so start-up stays cheap.
func New(opts Options) (*Runtime, error) {
	L := lua.NewState(lua.Options{
		SkipOpenLibs: true,
		// The registry is the value stack; it grows as deep calls need
		// it. Each coroutine (every Call runs on one, and every pcall)
		// gets a registry of this first size, so it is small: 256
		// slots, 4 KiB, instead of 16 KiB at 1024.
		RegistrySize:        registrySize,
		RegistryMaxSize:     1 << 20,
		RegistryGrowStep:    1024,
		MinimizeStackMemory: true,
	})
	rt := &Runtime{L: L, opts: opts}
	env := bindings.NewEnv()
	env.DefaultNetns = opts.Netns
	env.Trace = opts.Trace
	env.DryRun = opts.DryRun
	env.WrapTransport = opts.WrapTransport
	env.Guard = opts.Guard
	env.Journal.SetEnabled(opts.Atomic || opts.Journal)
	if opts.Stdout != nil {
		env.Stdout = opts.Stdout
	}
	if opts.Stderr != nil {
		env.Stderr = opts.Stderr
	}
	rt.env = env
	bindings.Attach(L, env)
	lazy, err := openLibs(L, stdLibs(!opts.Sandbox.Enabled), opts.LazyStdlib && opts.AutoGlobals && !opts.Sandbox.Enabled)
	if err != nil {
		L.Close()
		return nil, err
	}
	bindings.InstallProtected(L)
	bindings.InstallRecordFuncs(L)
	installPrint(L, env)
	installFastFormat(L)
	installCompiler(L)
	mods := opts.Modules
	if mods == nil {
		mods = StandardModules()
	}
	rt.reg = bindings.NewRegistry(mods...)
	rt.reg.Preload(L, env)
	installHelp(L, env)
	if opts.Sandbox.Enabled {
		applySandbox(L, opts.Sandbox)
		if err := allowNetns(env, opts.Sandbox.AllowedNetns); err != nil {
			L.Close()
			return nil, err
		}
	}
	if opts.AutoGlobals {
		installAutoGlobals(L, rt.reg, lazy)
	}
	for name, v := range opts.Globals {
		L.SetGlobal(name, bindings.ToLua(L, v))
	}
	return rt, nil
}

// Close releases the Lua state and whatever the modules opened.
func (rt *Runtime) Close() {
	if rt.L == nil {
		return
	}
	rt.env.Close()
	rt.L.Close()
	rt.L = nil
}

// Env returns the environment the modules consult (namespace stack,
// journal, trace, completion hooks, docs).
func (rt *Runtime) Env() *bindings.Env { return rt.env }

// LState returns the Lua state, for callers that need gopher-lua directly.
// It must only be used from the goroutine that uses the Runtime.
func (rt *Runtime) LState() *lua.LState { return rt.L }

// Modules returns the module registry.
func (rt *Runtime) Modules() *bindings.Registry { return rt.reg }

// Journal returns the undo journal bindings push inverse operations to.
func (rt *Runtime) Journal() *bindings.Journal { return rt.env.Journal }

// Rollback undoes the journalled changes newest first; failed steps come
// back as a *bindings.RollbackError.
func (rt *Runtime) Rollback(ctx context.Context) error {
	return rt.env.Journal.Rollback(ctx)
}

// SetGlobal sets a global (a Go value converted with bindings.ToLua).
func (rt *Runtime) SetGlobal(name string, v any) {
	rt.L.SetGlobal(name, bindings.ToLua(rt.L, v))
}

// RunString runs code as a chunk named name and returns the values it
// returned, converted with bindings.FromLua.
func (rt *Runtime) RunString(ctx context.Context, name, code string) ([]any, error) {
	vals, err := rt.EvalString(ctx, name, code)
	return toGo(vals), err
}

// RunFile runs the script at path with args: the global arg holds them
// (arg[0] is path) and the chunk receives them as `...`.
func (rt *Runtime) RunFile(ctx context.Context, path string, args []string) ([]any, error) {
	vals, err := rt.EvalFile(ctx, path, args)
	return toGo(vals), err
}

// EvalFile is RunFile returning the Lua values.
func (rt *Runtime) EvalFile(ctx context.Context, path string, args []string) ([]lua.LValue, error) {
	src, err := rt.readScript(path)
	if err != nil {
		return nil, &ScriptError{Msg: oneLine(err.Error()), Err: err}
	}
	code := string(src)
	if strings.HasPrefix(code, "#") { // a #! line: keep line numbers
		if i := strings.IndexByte(code, '\n'); i >= 0 {
			code = "--" + code[i:]
		} else {
			code = ""
		}
	}
	fn, err := rt.Compile(path, code)
	if err != nil {
		return nil, err
	}
	argt := rt.L.NewTable()
	argt.RawSetInt(0, lua.LString(path))
	largs := make([]lua.LValue, len(args))
	for i, a := range args {
		argt.RawSetInt(i+1, lua.LString(a))
		largs[i] = lua.LString(a)
	}
	rt.L.SetGlobal("arg", argt)
	return rt.Call(ctx, fn, largs...)
}

// EvalString compiles and runs code, returning the Lua values (the REPL
// pretty-prints them).
func (rt *Runtime) EvalString(ctx context.Context, name, code string) ([]lua.LValue, error) {
	fn, err := rt.Compile(name, code)
	if err != nil {
		return nil, err
	}
	return rt.Call(ctx, fn)
}

// SyntaxError is a script that does not parse.
type SyntaxError struct {
	File  string
	Line  int // 0 at the end of input
	Near  string
	Msg   string
	AtEOF bool // the input ended inside a statement: more may follow
}

func (e *SyntaxError) Error() string {
	if e.AtEOF || e.Line <= 0 {
		return fmt.Sprintf("%s: %s at end of input", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s near '%s'", e.File, e.Line, e.Msg, e.Near)
}

// Compile parses code as a chunk named name. A syntax error is returned as
// a *ScriptError wrapping a *SyntaxError.
func (rt *Runtime) Compile(name, code string) (*lua.LFunction, error) {
	chunk, err := parse.Parse(strings.NewReader(code), name)
	if err != nil {
		se := &SyntaxError{File: name, Msg: oneLine(err.Error())}
		var pe *parse.Error
		if errors.As(err, &pe) {
			se.Msg = oneLine(pe.Message)
			se.Near = pe.Token
			se.Line = pe.Pos.Line
			se.AtEOF = pe.Pos.Line == parse.EOF || pe.Token == "<eof>" || pe.Token == "<EOF>"
		}
		return nil, &ScriptError{Where: fmt.Sprintf("%s:%d", name, max(se.Line, 0)), Msg: se.Error(), Err: se}
	}
	fn, err := compileParsed(rt.L, chunk, name)
	if err != nil {
		return nil, &ScriptError{Msg: oneLine(err.Error()), Err: err}
	}
	return fn, nil
}

// Call calls a Lua function protected (on its own coroutine), under the
// context and Options.Timeout, and returns its results. A failure is a
// *ScriptError; with Options.Atomic the journal is rolled back first.
func (rt *Runtime) Call(ctx context.Context, fn lua.LValue, args ...lua.LValue) ([]lua.LValue, error) {
	if rt.L == nil {
		return nil, errors.New("nlsh runtime: used after Close")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if rt.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rt.opts.Timeout)
		defer cancel()
	}
	if rt.opts.Sandbox.Enabled && rt.opts.Sandbox.MemoryLimit > 0 {
		var stop func()
		ctx, stop = watchMemory(ctx, rt.opts.Sandbox.MemoryLimit)
		defer stop()
	}
	L := rt.L
	if ctx.Done() != nil {
		L.SetContext(ctx)
		defer L.RemoveContext()
	}
	var tb string
	handler := L.NewFunction(func(T *lua.LState) int {
		tb = traceback(T)
		T.SetTop(1)
		return 1
	})
	res, errv, ok := bindings.Protect(L, fn, args, handler)
	if ok {
		if rt.opts.Atomic {
			rt.env.Journal.Commit()
		}
		return res, nil
	}
	serr := rt.scriptError(ctx, errv, tb)
	if errors.Is(context.Cause(ctx), ErrMemoryLimit) {
		serr.Msg = fmt.Sprintf("%v (%d MiB): the script was stopped", ErrMemoryLimit, rt.opts.Sandbox.MemoryLimit>>20)
		serr.Err = ErrMemoryLimit
	}
	if rt.opts.Atomic && rt.env.Journal.Len() > 0 {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), RollbackTimeout)
		serr.Rollback = rt.env.Journal.Rollback(rctx)
		cancel()
	}
	return nil, serr
}

func (rt *Runtime) scriptError(ctx context.Context, errv lua.LValue, tb string) *ScriptError {
	se := &ScriptError{Traceback: tb}
	switch v := errv.(type) {
	case *lua.LUserData:
		if e, ok := bindings.AsError(v); ok {
			se.Msg, se.Err, se.Where = oneLine(e.Error()), e, strings.TrimSuffix(e.Where, ":")
		} else if x, ok := v.Value.(*ExitError); ok {
			se.Msg, se.Err = x.Error(), x
		} else {
			se.Msg = oneLine(rt.L.ToStringMeta(v).String())
		}
	case lua.LString:
		se.Msg = oneLine(string(v))
	case *lua.LNilType:
		se.Msg = "error: nil"
	default:
		se.Msg = oneLine(rt.L.ToStringMeta(v).String())
	}
	if se.Where == "" {
		se.Where = whereOf(se.Msg)
	}
	if cerr := ctx.Err(); cerr != nil && se.Err == nil {
		se.Err = cerr
		// The VM raises a deadline where it notices it, which names no
		// script position: take the innermost script frame.
		if w := firstFrame(tb); se.Where == "" && w != "" {
			se.Where, se.Msg = w, w+": "+se.Msg
		}
		if errors.Is(cerr, context.DeadlineExceeded) && rt.opts.Timeout > 0 && !strings.Contains(se.Msg, "timeout") {
			se.Msg += fmt.Sprintf(" (timeout %v)", rt.opts.Timeout)
		}
	}
	return se
}

// firstFrame is the "file:line" of the first Lua frame in a traceback
// made by traceback, or "".
func firstFrame(tb string) string {
	for _, l := range strings.Split(tb, "\n")[1:] {
		l = strings.TrimSpace(l)
		if w := whereOf(l); w != "" {
			return w
		}
	}
	return ""
}

// whereOf picks "file:line" off the front of a Lua error message.
func whereOf(msg string) string {
	file, rest, ok := strings.Cut(msg, ":")
	if !ok || file == "" || strings.ContainsAny(file, " \t") {
		return ""
	}
	line, _, ok := strings.Cut(rest, ":")
	if !ok || line == "" || strings.Trim(line, "0123456789") != "" {
		return ""
	}
	return file + ":" + line
}

// traceback renders T's Lua stack, innermost first, skipping the handler.
func traceback(T *lua.LState) string {
	var b strings.Builder
	b.WriteString("stack traceback:")
	for level := 1; ; level++ {
		dbg, ok := T.GetStack(level)
		if !ok {
			break
		}
		if _, err := T.GetInfo("nSl", dbg, lua.LNil); err != nil {
			continue
		}
		if strings.HasPrefix(dbg.Source, "=(nlsh") {
			continue
		}
		name := dbg.Name
		if name == "" {
			name = "?"
		}
		if dbg.CurrentLine > 0 {
			fmt.Fprintf(&b, "\n\t%s:%d: in %s", dbg.Source, dbg.CurrentLine, name)
		} else {
			fmt.Fprintf(&b, "\n\t[Go]: in %s", name)
		}
	}
	return b.String()
}

func toGo(vals []lua.LValue) []any {
	if vals == nil {
		return nil
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = bindings.FromLua(v)
	}
	return out
}
