package runtime

import (
	"io"
	"time"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
)

// Options configure a Runtime. The zero value is a usable default: the
// standard modules, the host namespace, no sandbox, output to os.Stdout
// and os.Stderr.
type Options struct {
	// Modules are the Lua modules scripts can require. Nil means
	// StandardModules(). Each is built lazily on first require.
	Modules []bindings.Module
	// Netns is the default namespace netlink calls go to (the zero
	// Target is the host's).
	Netns netns.Target
	// Sandbox restricts what scripts may do outside netlink.
	Sandbox Sandbox
	// Timeout, when positive, bounds every Run call (on top of the
	// context's own deadline).
	Timeout time.Duration
	// Stdout and Stderr receive print output and diagnostics.
	Stdout, Stderr io.Writer
	// Trace, when set, receives every netlink message sent and received,
	// decoded (the --trace flag).
	Trace io.Writer
	// DryRun makes modules print state-changing requests instead of
	// sending them (the --dry-run flag).
	DryRun bool
	// Atomic journals every change a run makes and undoes them in reverse
	// order when the run fails (the --atomic flag).
	Atomic bool
	// Journal records undo steps even without Atomic, for a caller that
	// decides itself when to call Rollback.
	Journal bool
	// Globals are extra global values (Go values converted with
	// bindings.ToLua, or lua.LValue as is).
	Globals map[string]any
	// WrapTransport wraps every netlink transport the modules open (see
	// socket.Config.WrapTransport). It is for tests: fault injection,
	// recording.
	WrapTransport func(socket.Transport) socket.Transport
	// AutoGlobals makes every module reachable as a global by its name
	// without require (the CLI and REPL set it), loaded on first use.
	AutoGlobals bool
	// LazyStdlib, with AutoGlobals and outside the sandbox, opens the
	// standard libraries io, os, coroutine and debug on first use (as a
	// global, or by require) instead of in New: a short run (a hook, a
	// one-liner) that does not use them starts some 40 µs sooner. Until
	// then rawget(_G, "io"), package.loaded.io and pairs(_G) do not see
	// them. The CLI sets it for scripts and -e, not for the REPL.
	LazyStdlib bool
	// Guard, when set, becomes bindings.Env.Guard: called before a change
	// that is undone as a whole if the run stops midway (the CLI catches
	// interrupts from then on).
	Guard func()
}

// Sandbox restricts a script: no process execution and file access only
// under the allowed directories.
type Sandbox struct {
	// Enabled turns the sandbox on.
	Enabled bool
	// AllowedPaths are directories (and their subtrees) scripts may open
	// files in; empty means no file access at all.
	AllowedPaths []string
	// AllowExec keeps os.execute and io.popen for trusted scripts.
	AllowExec bool
	// OwnedScripts refuses to run a script file (RunFile, EvalFile) that
	// users other than its owner may write, or whose owner is neither
	// root nor the caller: engines run scripts as root, so such a file
	// would let another user run code as root.
	OwnedScripts bool
	// AllowedNetns, when not nil, are the only network namespaces the
	// script may name: a target (netns.pid, netns.path, netns.named,
	// netns.parse, a "pid:N" string, a netns field) that resolves to any
	// other namespace is refused, and netns.add and netns.del are refused.
	// Engines give the container's namespace and the host's.
	AllowedNetns []netns.Target
	// MemoryLimit, when positive, stops a run whose Go heap grows past
	// this many bytes, with ErrMemoryLimit. The heap is the process's, so
	// the limit suits one script per process (the engine modes).
	MemoryLimit int64
}
