package main

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// A caught interrupt cancels the run's context, and stop lets it go.
func TestInterruptCaught(t *testing.T) {
	in := newInterrupter(context.Background(), true)
	defer in.stop()
	if !in.catching() {
		t.Fatal("not catching")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-in.ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT did not cancel the context")
	}
	in.stop()
	if in.catching() {
		t.Fatal("still catching after stop")
	}
}

// Not catching: no signal is registered, and stop still cancels.
func TestInterruptNotCaught(t *testing.T) {
	in := newInterrupter(context.Background(), false)
	if in.catching() {
		t.Fatal("catching")
	}
	in.stop()
	if in.ctx.Err() == nil {
		t.Fatal("stop did not cancel the context")
	}
}

// Not catching from the start, a guard (rtnl.batch about to send)
// starts catching: SIGINT then cancels the run's context.
func TestInterruptCaughtFromGuard(t *testing.T) {
	ctx, guard, stop := interruptContext(context.Background(), false)
	defer stop()
	guard()
	guard() // a second batch: still one handler
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT after the guard did not cancel the context")
	}
}

// Who catches: --atomic and the engine modes (they roll back), and a
// terminal; a script run on pipes does not.
func TestCatchInterrupt(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	pipes := stdio{in: r, out: w, err: w}
	cases := []struct {
		f    flags
		sub  string
		want bool
	}{
		{flags{}, "", false},
		{flags{atomic: true}, "", true},
		{flags{}, "hook", true},
		{flags{}, "cni", true},
	}
	for _, c := range cases {
		if got := catchInterrupt(&c.f, c.sub, pipes); got != c.want {
			t.Errorf("catchInterrupt(atomic=%v, %q) on pipes = %v, want %v", c.f.atomic, c.sub, got, c.want)
		}
	}
}
