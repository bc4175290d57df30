package main

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// An interrupt caught from the start cancels the run's context.
func TestInterruptCaughtAtOnce(t *testing.T) {
	in := newInterrupter(context.Background(), true, time.Hour)
	defer in.stop()
	select {
	case <-in.watching:
	default:
		t.Fatal("not caught from the start")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-in.ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT did not cancel the context")
	}
}

// A run without a terminal catches nothing at first (no signal thread),
// and the interrupt once the delay has passed.
func TestInterruptCaughtLater(t *testing.T) {
	in := newInterrupter(context.Background(), false, 20*time.Millisecond)
	defer in.stop()
	select {
	case <-in.watching:
		t.Fatal("caught before the delay")
	default:
	}
	select {
	case <-in.watching:
	case <-time.After(10 * time.Second):
		t.Fatal("never caught")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-in.ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT did not cancel the context")
	}
}

// Stopping before the delay leaves no handler behind.
func TestInterruptStoppedEarly(t *testing.T) {
	in := newInterrupter(context.Background(), false, time.Millisecond)
	in.stop()
	time.Sleep(20 * time.Millisecond)
	select {
	case <-in.watching:
		t.Fatal("caught after stop")
	default:
	}
	if in.ctx.Err() == nil {
		t.Fatal("stop did not cancel the context")
	}
}

// --atomic catches interrupts from the start (its rollback is promised);
// a run on pipes and files does not.
func TestInteractive(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if interactive(&flags{}, r, w, w) {
		t.Error("pipes taken for a terminal")
	}
	if !interactive(&flags{atomic: true}, r, w, w) {
		t.Error("--atomic not caught at once")
	}
}
