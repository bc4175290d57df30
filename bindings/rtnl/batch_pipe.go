package rtnl

import (
	"context"
	"errors"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// Sending a batch's leading run while fn runs.
//
// A batch whose first calls are a run of route adds or of address adds
// (the loop of a provisioning script) starts sending that run, a window
// at a time, on another goroutine, as soon as a window is queued
// (rtnl.QueueSender): the kernel applies one window while the script
// makes the next, where before fn ran to its end and only then was
// anything sent. What the script sees stays as before but for one thing,
// made deterministic:
//
//   - Anything else fn then does through netlink (in rtnl a read, a call
//     of another kind or namespace; any call of another module, through
//     Env.Settle) first waits until the whole run queued so far is sent,
//     and the run takes no more calls (a later add starts a run of its
//     own, sent when fn returns). So a read inside fn sees the leading
//     run, all of it, and nothing the batch queued after it, and calls
//     take effect in the script's order across modules.
//   - If fn raises, the calls already sent are deleted again, newest
//     first, before the error goes on: a batch whose fn fails still
//     leaves nothing behind (as when it sent nothing).
//   - Failures are reported when fn returns, as before.
//
// A run is not sent early when the batch is journalled (--atomic, hook,
// cni: the journal's listing of existing addresses is made before
// sending), in a dry run, or when tracing (a trace is written in call
// order).

// pipeRollbackTimeout bounds deleting what a failed fn's batch sent.
const pipeRollbackTimeout = 30 * time.Second

// pipelinable reports whether a run queued as the batch's first op may be
// sent while fn runs.
func (a *api) pipelinable(journal bool) bool {
	return !journal && !a.env.DryRun && a.env.Trace == nil
}

// pump sends run rr of batch b early when it may (see above): from its
// first call it has a sender, and hands it each complete window. The
// sender's goroutine starts with the run, not with its first window: a
// goroutine woken on an idle CPU of this VM takes 0.1 to 5 ms to run
// (the first the longest), which the run's first window (0.1 to 0.2 ms
// of script) does not cover.
func (a *api) pump(L *lua.LState, b *batchState, rr *queuedRun) {
	if !rr.early {
		return
	}
	if rr.pipe == nil {
		cs := connsOf(a.env)
		cl, err := cs.client(b.ops[0].target)
		if err != nil { // reported when the batch is sent
			rr.early = false
			return
		}
		rr.pipe = rr.q.StartSending(b.ctx, cl)
		// An interrupt from now on must roll back what is sent (nothing
		// is until a window is handed over). Guarding after the sender
		// starts: catching a signal starts a goroutine that takes a
		// thread of its own, and the sender, made second, waited for
		// another (up to 7 ms on this VM; 0.1-0.3 ms so).
		b.guard(a.env)
		a.env.OnSettle(func() { b.settle(a.env) })
	}
	rr.pipe.Pump()
}

// settle ends the early sending of b's leading run: it waits until the
// whole run queued so far is sent, and closes the run to further calls.
// Anything fn does in rtnl but adding to that run calls it first.
func (b *batchState) settle(env *bindings.Env) {
	if len(b.ops) == 0 || b.ops[0].queued == nil {
		return
	}
	rr := b.ops[0].queued
	if !rr.early {
		return
	}
	rr.early = false
	if rr.pipe == nil {
		return // nothing sent yet: the run goes on as any other
	}
	env.OnSettle(nil)
	rr.pipe.Wait()
	rr.sealed = true
}

// abortEarly undoes what b's leading run sent while fn ran, fn having
// raised: it waits for what is in flight, sends nothing more, and deletes
// what the kernel applied, newest first. It returns the failures of that
// rollback.
func (a *api) abortEarly(ctx context.Context, b *batchState) error {
	a.env.OnSettle(nil)
	if len(b.ops) == 0 || b.ops[0].queued == nil || b.ops[0].queued.pipe == nil {
		return nil
	}
	rr := b.ops[0].queued
	rr.early = false
	rr.pipe.Abort()
	var skip []int // refused by the kernel: changed nothing
	rr.pipe.Report(func(i int, err error) {
		if !unanswered(err) {
			skip = append(skip, i)
		}
	})
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pipeRollbackTimeout)
	defer cancel()
	cl, err := connsOf(a.env).client(b.ops[0].target)
	if err != nil {
		return err
	}
	var failed []error
	for _, err := range rr.q.DelAdded(rctx, cl, skip) {
		if !alreadyGone(err) {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

// withRollbackFailure is fn's error errv with the failure of undoing what
// its batch had sent.
func withRollbackFailure(L *lua.LState, errv lua.LValue, err error) lua.LValue {
	return lua.LString(fmt.Sprintf("%s (and undoing the calls rtnl.batch had sent failed: %v)", L.ToStringMeta(errv).String(), err))
}
