package main

import (
	"context"
	"os"
	"os/signal"
	"sync"

	"github.com/chzyer/readline"
)

// Catching an interrupt (SIGINT) costs a Go program a thread of its own,
// on which the runtime's signal receiver sleeps for good, and two
// goroutines: about a tenth of the CPU of a short run. So a run catches
// it only where it stops the run better than the signal's default (the
// process ends, as any program that does not catch it): at a terminal,
// where a person presses Ctrl-C and reads the error, in runs that promise
// to undo their changes when stopped (--atomic, and the hook and cni
// modes, which roll back), from the start; and in any run from the moment
// it starts a change the bindings undo as a whole when it stops midway
// (rtnl.batch sending its calls: bindings.Env.Guard), so an interrupt
// rolls the batch back instead of ending the process with part of it
// applied. A plain script run by a program (nlsh FILE.lua from an engine
// or a test harness) that makes no such change does not pay for it.

// interruptContext returns a context that an interrupt cancels once it
// is caught: from the start when catch is true, else from the first call
// of guard (runtime.Options.Guard); stop releases the signal.
func interruptContext(parent context.Context, catch bool) (ctx context.Context, guard, stop func()) {
	in := newInterrupter(parent, catch)
	return in.ctx, in.catch, in.stop
}

// interrupter is one interruptContext.
type interrupter struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	stopped bool
	ch      chan os.Signal // nil until caught
}

func newInterrupter(parent context.Context, catch bool) *interrupter {
	in := &interrupter{}
	in.ctx, in.cancel = context.WithCancel(parent)
	if catch {
		in.catch()
	}
	return in
}

// catch catches the interrupt from now on (once; not after stop).
func (in *interrupter) catch() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.ch != nil || in.stopped {
		return
	}
	in.ch = make(chan os.Signal, 1)
	signal.Notify(in.ch, os.Interrupt)
	go func() {
		select {
		case <-in.ch:
			in.cancel()
		case <-in.ctx.Done():
		}
	}()
}

// catching reports whether the interrupt is caught.
func (in *interrupter) catching() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.ch != nil && !in.stopped
}

func (in *interrupter) stop() {
	in.mu.Lock()
	if in.ch != nil && !in.stopped {
		signal.Stop(in.ch)
	}
	in.stopped = true
	in.mu.Unlock()
	in.cancel()
}

// onTerminal reports whether any of the streams is a terminal, where a
// person may press Ctrl-C.
func onTerminal(streams ...any) bool {
	for _, s := range streams {
		if f, ok := s.(*os.File); ok && readline.IsTerminal(int(f.Fd())) {
			return true
		}
	}
	return false
}

// catchInterrupt reports whether a run with these flags, subcommand (""
// for none) and streams catches interrupts (see above).
func catchInterrupt(f *flags, sub string, std stdio) bool {
	return f.atomic || sub == "hook" || sub == "cni" || onTerminal(std.in, std.out, std.err)
}
