package rtnl

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/families/rtnl"
)

// undoFunc reverts one change through the client of the namespace it was
// made in.
type undoFunc func(ctx context.Context, cl *rtnl.Client) error

// journalled reports whether inverses are being recorded (and are worth
// reading the old state for).
func (a *api) journalled() bool { return a.env.Journal.Enabled() && !a.env.DryRun }

// push records undo for a change desc made in namespace t. An undo step
// that removes something and finds it already gone has done its work (see
// alreadyGone): the change was never made (its answer was lost, see
// unanswered) or went with something else (the kernel drops a link's IPv6
// addresses when it goes down, a link's routes when it goes away).
func push(env *bindings.Env, t netns.Target, desc string, undo undoFunc) {
	env.Journal.Push(fmt.Sprintf("%s (in %s)", desc, t), func(ctx context.Context) error {
		cl, err := clientFor(env, t)
		if err != nil {
			return err
		}
		if err := undo(ctx, cl); err != nil && !alreadyGone(err) {
			return err
		}
		return nil
	})
}

// alreadyGone reports whether err is the kernel answering a delete request
// with "there is no such thing": ENODEV for a link (and for what lived on
// a link that is gone), EADDRNOTAVAIL for an address, ESRCH for a route,
// ENOENT for a neighbour or a rule. Any other failure, and any answer to a
// request that is not a delete, is not.
func alreadyGone(err error) bool {
	var ke *codec.Error
	if !errors.As(err, &ke) {
		return false
	}
	switch ke.Request.Type {
	case unix.RTM_DELLINK:
		return ke.Errno == syscall.ENODEV
	case unix.RTM_DELADDR:
		return ke.Errno == syscall.EADDRNOTAVAIL || ke.Errno == syscall.ENODEV
	case unix.RTM_DELROUTE:
		return ke.Errno == syscall.ESRCH || ke.Errno == syscall.ENODEV
	case unix.RTM_DELNEIGH:
		return ke.Errno == syscall.ENOENT || ke.Errno == syscall.ENODEV
	case unix.RTM_DELRULE:
		return ke.Errno == syscall.ENOENT
	}
	return false
}

// unanswered reports whether a call that failed with err may have changed
// state: it was sent, but the kernel's answer was not read (a lost or
// broken reply, see bindings.Unanswered). Its inverse is journalled all
// the same. A call refused before sending (a bad argument) changed
// nothing.
func unanswered(err error) bool {
	return bindings.Unanswered(err) && !errors.Is(err, rtnl.ErrInvalidArgument)
}

// cannotUndo is an undo step that always fails, so a rollback reports the
// change it could not revert instead of hiding it.
func cannotUndo(why string) undoFunc {
	return func(context.Context, *rtnl.Client) error { return fmt.Errorf("cannot undo: %s", why) }
}
