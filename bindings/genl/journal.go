package genl

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/netns"
)

// What the journal can undo (see push). A setter whose answer was lost
// (bindings.MayHaveApplied) is journalled as if it succeeded: restoring
// the previous values is harmless when the change was not made.
//
// What can be undone:
//
//   - ethtool.set_features: the named features go back to what was asked
//     for before (their previous "wanted" state);
//   - ethtool.set_rings, set_channels, set_coalesce, set_pause: the fields
//     given go back to their previous values;
//   - wireguard.set: the whole previous configuration comes back (private
//     key, listen port, fwmark, every peer with its preshared key,
//     endpoint, keepalive and allowed IPs), replacing peers. A peer's
//     endpoint that was unknown before cannot be unset again, and the
//     traffic counters and handshake times do not come back;
//   - nl80211.create: the interface is deleted; nl80211.set_type: the
//     previous type comes back;
//   - nl80211.delete cannot be undone (the interface's settings are
//     gone): a rollback reports it as a failed step instead of hiding it;
//   - genl.request cannot be undone (nlsh does not know what a raw
//     command does) and records nothing; genl.tcp_metrics.del records
//     nothing (the kernel relearns the metrics).

// undoFunc reverts one change through the client of the namespace it was
// made in.
type undoFunc func(ctx context.Context, cl *client) error

// journalled reports whether inverses are being recorded (and are worth
// reading the old state for).
func (a *api) journalled() bool { return a.env.Journal.Enabled() && !a.env.DryRun }

// push records undo for a change desc made in namespace t.
func push(env *bindings.Env, t netns.Target, desc string, undo undoFunc) {
	env.Journal.Push(fmt.Sprintf("%s (in %s)", desc, t), func(ctx context.Context) error {
		cl, err := connsOf(env).client(ctx, t)
		if err != nil {
			return err
		}
		return undo(ctx, cl)
	})
}

// cannotUndo is an undo step that always fails, so a rollback reports the
// change it could not revert.
func cannotUndo(why string) undoFunc {
	return func(context.Context, *client) error { return fmt.Errorf("cannot undo: %s", why) }
}
