package rtnl

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/families/rtnl"
)

// undoFunc reverts one change through the client of the namespace it was
// made in.
type undoFunc func(ctx context.Context, cl *rtnl.Client) error

// journalled reports whether inverses are being recorded (and are worth
// reading the old state for).
func (a *api) journalled() bool { return a.env.Journal.Enabled() && !a.env.DryRun }

// push records undo for a change desc made in namespace t.
func push(env *bindings.Env, t netns.Target, desc string, undo undoFunc) {
	env.Journal.Push(fmt.Sprintf("%s (in %s)", desc, t), func(ctx context.Context) error {
		cl, err := clientFor(env, t)
		if err != nil {
			return err
		}
		return undo(ctx, cl)
	})
}

// cannotUndo is an undo step that always fails, so a rollback reports the
// change it could not revert instead of hiding it.
func cannotUndo(why string) undoFunc {
	return func(context.Context, *rtnl.Client) error { return fmt.Errorf("cannot undo: %s", why) }
}
