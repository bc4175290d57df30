package rtnl

import (
	"context"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/families/rtnl"
)

// op is one state-changing call, checked and ready to send: run sends it
// alone; inside rtnl.batch it is queued and, with others of the same
// group, sent through the family's bulk call (one payload field set).
type op struct {
	fn     string         // "rtnl.addr.add"
	where  bindings.Frame // script line of the call, formatted only for an error
	target netns.Target
	group  string // calls of one group go in one bulk request ("" never)

	link    *rtnl.LinkSpec
	linkRef *rtnl.LinkRef
	change  *rtnl.LinkChange // a link.set's, with linkRef
	addr    *rtnl.Address
	route   *rtnl.Route
	neigh   *rtnl.Neigh
	rule    *rtnl.Rule
	existOK bool
	// queued, when set, makes the op a run of calls queued compactly
	// (see queuedRun): no run or done, one call per queued request.
	queued *queuedRun

	run func(ctx context.Context, cl *rtnl.Client) error
	// done runs after success, and after a failure that may have changed
	// state all the same (unanswered): it journals the inverse.
	done func()
}

// do sends o now, or queues it when a batch is open; it raises on
// failure. It reports whether o was sent (false: queued).
func (a *api) do(L *lua.LState, o *op) bool {
	o.target = a.target()
	a.dryResolve(L, o)
	if b := batchOf(a.env); b != nil {
		o.where = bindings.WhereFrame(L)
		b.settle(a.env) // a leading run sent early is sent whole first
		b.ops = append(b.ops, o)
		return false
	}
	cl := a.client(L, o.fn)
	err := o.run(bindings.Context(L), cl)
	if o.done != nil && !a.env.DryRun && (err == nil || unanswered(err)) {
		o.done()
	}
	if err != nil {
		raise(L, o.fn, err)
	}
	return true
}

// callOpts are the family call options of o.
func (o *op) callOpts() []rtnl.CallOption {
	if o.existOK {
		return []rtnl.CallOption{rtnl.ExistOK()}
	}
	return nil
}

// calls is the number of queued calls o stands for.
func (o *op) calls() int {
	if o.queued != nil {
		return o.queued.q.Len()
	}
	return 1
}

// whereOf is the script line of o's k-th call.
func (o *op) whereOf(k int) bindings.Frame {
	if o.queued != nil {
		return o.queued.whereOf(k)
	}
	return o.where
}

// sameTarget says whether two targets name the same namespace.
func sameTarget(a, b netns.Target) bool {
	return a == b || a.String() == b.String()
}
