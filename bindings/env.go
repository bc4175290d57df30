package bindings

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
)

// envKey is where an Env is kept in the Lua registry.
const envKey = "nlsh.env"

// Env is the per-runtime state that modules consult: the namespace calls
// go to, the undo journal, the trace writer and the dry-run flag. The
// runtime makes one per LState; coroutines share it.
type Env struct {
	// DefaultNetns is where calls go outside any netns.run.
	DefaultNetns netns.Target
	// Journal records inverse operations for rollback.
	Journal *Journal
	// Trace, when set, receives every netlink message sent and received,
	// decoded. Modules hand it to the socket configuration.
	Trace io.Writer
	// DryRun says state-changing requests are printed (to Trace, or
	// Stderr) and not sent.
	DryRun bool
	// Stdout and Stderr are where print and diagnostics go.
	Stdout, Stderr io.Writer
	// Docs is the doc registry of the loaded modules.
	Docs *Docs
	// Completers are the completion hooks modules registered.
	Completers *Completers
	// WrapTransport, when set, is handed to every socket.Config a module
	// dials with (socket.Config.WrapTransport): tests inject faults
	// through it. Nil in normal use.
	WrapTransport func(socket.Transport) socket.Transport
	// Guard, when set, is called (through Guarding) before a change that
	// the bindings undo as a whole if the run stops midway, such as
	// rtnl.batch sending its calls: the CLI starts catching interrupts
	// there, so that an interrupt cancels the run and the batch rolls
	// back instead of the process ending with part of it applied.
	Guard func()

	// settle, when set, runs once before the next netlink call of any
	// module (see Settle).
	settle  func()
	nsStack []netns.Target
	thread  *netns.Thread // makes sockets in other namespaces
	closers []func()
	values  map[string]any
	// coroutines are those of protected calls that returned, for the
	// next ones (protect.go).
	coroutines []*lua.LState
}

// NewEnv returns an Env with empty registries writing to os.Stdout/Stderr.
func NewEnv() *Env {
	return &Env{
		Journal:    NewJournal(false),
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Docs:       NewDocs(),
		Completers: &Completers{},
	}
}

// Guarding calls Guard, if set: a change undone as a whole when the run
// stops is about to start.
func (e *Env) Guarding() {
	if e.Guard != nil {
		e.Guard()
	}
}

// OnSettle sets fn to run, once, before the next netlink call of any
// module: work a module has in flight that the script's later calls must
// come after (rtnl.batch sending its leading run while its fn runs). Nil
// clears it.
func (e *Env) OnSettle(fn func()) { e.settle = fn }

// Settle runs and clears what OnSettle set. Every module calls it before
// it hands out a connection, so calls take effect in the script's order
// across modules.
func (e *Env) Settle() {
	if f := e.settle; f != nil {
		e.settle = nil
		f()
	}
}

// Attach stores env in L's registry so EnvOf finds it from any coroutine.
func Attach(L *lua.LState, env *Env) {
	ud := L.NewUserData()
	ud.Value = env
	L.G.Registry.RawSetString(envKey, ud)
}

// EnvOf returns the Env of L (or of the state L is a coroutine of). A state
// made without the runtime gets a fresh Env attached on first use.
func EnvOf(L *lua.LState) *Env {
	if ud, ok := L.G.Registry.RawGetString(envKey).(*lua.LUserData); ok {
		if env, ok := ud.Value.(*Env); ok {
			return env
		}
	}
	env := NewEnv()
	Attach(L, env)
	return env
}

// Context is the context a Go call made from L must honour: the runtime's
// deadline or cancellation. Pass it down to every blocking call.
func Context(L *lua.LState) context.Context {
	if ctx := L.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// Netns is the namespace netlink calls made now must go to: the innermost
// netns.run target, or the default.
func (e *Env) Netns() netns.Target {
	if n := len(e.nsStack); n > 0 {
		return e.nsStack[n-1]
	}
	return e.DefaultNetns
}

// PushNetns makes t the current namespace until the matching PopNetns.
func (e *Env) PushNetns(t netns.Target) { e.nsStack = append(e.nsStack, t) }

// PopNetns restores the namespace that was current before the last
// PushNetns.
func (e *Env) PopNetns() {
	if n := len(e.nsStack); n > 0 {
		e.nsStack = e.nsStack[:n-1]
	}
}

// Value returns per-runtime module state stored under key (for example a
// module's open connections), or nil.
func (e *Env) Value(key string) any { return e.values[key] }

// SetValue stores per-runtime module state under key.
func (e *Env) SetValue(key string, v any) {
	if e.values == nil {
		e.values = map[string]any{}
	}
	e.values[key] = v
}

// OnClose registers fn to run when the runtime closes (last registered,
// first run); modules close their connections here.
func (e *Env) OnClose(fn func()) { e.closers = append(e.closers, fn) }

// Close runs the OnClose functions.
func (e *Env) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// TraceFunc returns the trace a module's connections share: with Trace
// set, every message, as format renders it, to Trace; in a dry run
// without Trace, only the requests kept back, to Stderr; otherwise nil.
// Each line is "direction message", written whole.
func (e *Env) TraceFunc(format func(socket.Direction, codec.Message) string) socket.TraceFunc {
	w, onlyDry := e.Trace, false
	if w == nil {
		if !e.DryRun {
			return nil
		}
		w, onlyDry = e.Stderr, true
	}
	var mu sync.Mutex
	return func(dir socket.Direction, m codec.Message) {
		if onlyDry && dir != socket.DryRun {
			return
		}
		line := format(dir, m)
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s %s\n", dir, line)
	}
}

// SocketConfig is the configuration of a module's connection in
// namespace t: its shared trace, the env's transport wrapper, the env's
// netns.Thread for entering namespaces (closed with the env)
// and, in a dry run, changesState to say which requests are kept back.
func (e *Env) SocketConfig(t netns.Target, trace socket.TraceFunc, changesState func(codec.Message) bool) *socket.Config {
	if e.thread == nil && !t.IsHost() {
		e.thread = netns.NewThread()
		e.OnClose(func() { e.thread.Close() })
	}
	cfg := &socket.Config{NetNS: t, Thread: e.thread, Trace: trace, WrapTransport: e.WrapTransport}
	if e.DryRun {
		cfg.DryRun = changesState
	}
	return cfg
}
