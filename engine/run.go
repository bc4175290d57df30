package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/runtime"
)

// DefaultTimeout bounds an engine-mode script when no timeout is given:
// engines themselves give hooks and plugins a limited time.
const DefaultTimeout = 10 * time.Second

// DefaultMemoryLimit bounds the Go heap of an engine-mode run when no
// limit is given (runtime.Sandbox.MemoryLimit).
const DefaultMemoryLimit = 256 << 20

// Options configure one engine-mode run.
type Options struct {
	// Script is the Lua file to run; Args are its arguments (arg, ...).
	Script string
	Args   []string
	// Timeout bounds the script; zero means DefaultTimeout.
	Timeout time.Duration
	// AllowPaths are the directories the script may open files in (and
	// require Lua modules from).
	AllowPaths []string
	// AllowExec keeps os.execute and io.popen, for trusted scripts.
	AllowExec bool
	// Trace receives every netlink message, decoded (--trace).
	Trace io.Writer
	// DryRun prints state-changing requests instead of sending them.
	DryRun bool
	// Netns is the default namespace of netlink calls (host when zero).
	Netns netns.Target
	// AllowNetns are the namespaces, besides the host's and Netns, the
	// script may name (the container's); every other one is refused
	// (runtime.Sandbox.AllowedNetns).
	AllowNetns []netns.Target
	// MemoryLimit bounds the heap in bytes; zero means DefaultMemoryLimit,
	// negative means none.
	MemoryLimit int64
	// Modules are the Lua modules; nil means runtime.StandardModules().
	Modules []bindings.Module
	// Stdout receives print output; Stderr diagnostics.
	Stdout, Stderr io.Writer
	// StdoutIsResult sends print, io.write and io.stdout to Stderr, for
	// modes whose standard output is a protocol answer (CNI).
	StdoutIsResult bool
}

// Setup adds the mode's globals (container, cni) to a fresh runtime.
type Setup func(rt *runtime.Runtime) error

// Finish turns the script's returned values into the mode's answer while
// the runtime is still open. An error from it rolls the run back.
type Finish func(rt *runtime.Runtime, vals []lua.LValue) error

// Run runs o.Script in a sandboxed runtime with a journal and a deadline.
// setup adds globals before the script runs; finish (may be nil) consumes
// its results. When the script or finish fails, every journalled change
// is undone newest first and the original error is returned; a failed undo
// step is attached to it (a *runtime.ScriptError's Rollback, or wrapped).
func Run(ctx context.Context, o Options, setup Setup, finish Finish) error {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	stdout, stderr := o.Stdout, o.Stderr
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	if o.StdoutIsResult {
		stdout = stderr
	}
	memLimit := o.MemoryLimit
	if memLimit == 0 {
		memLimit = DefaultMemoryLimit
	}
	allowed := append([]netns.Target{netns.Host()}, o.AllowNetns...)
	if !o.Netns.IsHost() {
		allowed = append(allowed, o.Netns)
	}
	rt, err := runtime.New(runtime.Options{
		Modules: o.Modules,
		Netns:   o.Netns,
		Sandbox: runtime.Sandbox{
			Enabled:      true,
			AllowedPaths: o.AllowPaths,
			AllowExec:    o.AllowExec,
			OwnedScripts: true,
			AllowedNetns: allowed,
			MemoryLimit:  max(memLimit, 0),
		},
		Timeout:     timeout,
		Stdout:      stdout,
		Stderr:      stderr,
		Trace:       o.Trace,
		DryRun:      o.DryRun,
		Journal:     true, // rolled back here, so a bad result undoes too
		AutoGlobals: true,
	})
	if err != nil {
		return fmt.Errorf("nlsh engine: %w", err)
	}
	defer rt.Close()
	if o.StdoutIsResult {
		if _, err := rt.EvalString(ctx, "=(nlsh stdout)", "io.output(io.stderr); io.stdout = io.stderr"); err != nil {
			return fmt.Errorf("nlsh engine: redirect io.stdout: %w", err)
		}
	}
	if setup != nil {
		if err := setup(rt); err != nil {
			return err
		}
	}
	vals, err := rt.EvalFile(ctx, o.Script, o.Args)
	var exit *runtime.ExitError
	if errors.As(err, &exit) && exit.Code == 0 {
		vals, err = nil, nil // os.exit(0): done, keep what was done
	}
	if err == nil && finish != nil {
		err = finish(rt, vals)
	}
	if err == nil {
		rt.Journal().Commit()
		return nil
	}
	return rollback(ctx, rt, err, stderr)
}

// rollback undoes the journal after err and attaches a failed undo to it.
func rollback(ctx context.Context, rt *runtime.Runtime, err error, stderr io.Writer) error {
	n := rt.Journal().Len()
	if n == 0 {
		return err
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), runtime.RollbackTimeout)
	defer cancel()
	rerr := rt.Rollback(rctx)
	if rerr == nil {
		fmt.Fprintf(stderr, "nlsh: script failed; undid its %d change(s)\n", n)
		return err
	}
	var se *runtime.ScriptError
	if errors.As(err, &se) {
		se.Rollback = rerr
		return err
	}
	return &RollbackError{Err: err, Rollback: rerr}
}

// RollbackError is a failure whose rollback also failed in some step.
type RollbackError struct {
	Err      error // the original failure
	Rollback error // the failed undo steps (*bindings.RollbackError)
}

func (e *RollbackError) Error() string { return fmt.Sprintf("%v (%v)", e.Err, e.Rollback) }

// Unwrap returns both errors.
func (e *RollbackError) Unwrap() []error { return []error{e.Err, e.Rollback} }
