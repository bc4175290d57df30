package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/chzyer/readline"
)

// interruptDelay is how long a run without a terminal goes before an
// interrupt (SIGINT) stops it cleanly instead of ending the process.
//
// Catching a signal costs a Go program a thread of its own (the runtime's
// signal receiver sleeps on one for good) and two goroutines: about a
// tenth of the start-up of a short run, which is what an engine pays for
// each container. A person at a terminal, and a run with --atomic, which
// promises its rollback, get the handler at once; others get it once the
// run has lasted this long, so the runs engines start, a few milliseconds
// each, never pay for it, while a long run still stops cleanly on SIGINT
// from whoever sends it. Before then SIGINT ends the process as it would
// any program that does not catch it.
const interruptDelay = 50 * time.Millisecond

// interruptContext returns a context that an interrupt cancels, caught
// from the start when now is true, else after delay; stop releases the
// signal and the timer. It is signal.NotifyContext, made lazy.
func interruptContext(parent context.Context, now bool, delay time.Duration) (ctx context.Context, stop func()) {
	in := newInterrupter(parent, now, delay)
	return in.ctx, in.stop
}

// interrupter is one interruptContext.
type interrupter struct {
	ctx      context.Context
	cancel   context.CancelFunc
	timer    *time.Timer   // nil when caught from the start
	watching chan struct{} // closed once the signal is caught

	mu      sync.Mutex
	stopped bool
	ch      chan os.Signal // nil until watch
}

func newInterrupter(parent context.Context, now bool, delay time.Duration) *interrupter {
	in := &interrupter{watching: make(chan struct{})}
	in.ctx, in.cancel = context.WithCancel(parent)
	if now {
		in.watch()
	} else {
		in.timer = time.AfterFunc(delay, in.watch)
	}
	return in
}

// watch catches the interrupt from now on, unless stop came first.
func (in *interrupter) watch() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.stopped || in.ch != nil {
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
	close(in.watching)
}

func (in *interrupter) stop() {
	if in.timer != nil {
		in.timer.Stop()
	}
	in.mu.Lock()
	in.stopped = true
	if in.ch != nil {
		signal.Stop(in.ch)
	}
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

// interactive reports whether the run should catch interrupts from its
// start (see interruptDelay).
func interactive(f *flags, stdin io.Reader, stdout, stderr io.Writer) bool {
	return f.atomic || onTerminal(stdin, stdout, stderr)
}
