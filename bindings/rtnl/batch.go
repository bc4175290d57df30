package rtnl

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

// batchKey is where the open batch lives in the Env.
const batchKey = "rtnl.batch"

// batchState collects the calls made inside rtnl.batch: ops in order,
// a run of route adds or of address adds being one op (see queuedRun).
type batchState struct {
	ctx context.Context // rtnl.batch's (fn runs in one of its own)
	// guarded: Env.Guarding was called for the batch (once, before its
	// first send: an early one, or the flush).
	guarded bool
	ops     []*op
	route   rtnl.Route   // read into by each queued route add, then encoded
	addr    rtnl.Address // read into by each queued address add, then encoded
}

func batchOf(env *bindings.Env) *batchState {
	b, _ := env.Value(batchKey).(*batchState)
	return b
}

// guard calls env.Guarding once for the batch, before its first send.
func (b *batchState) guard(env *bindings.Env) {
	if !b.guarded {
		b.guarded = true
		env.Guarding()
	}
}

// callErr is the failure of queued call number call, counted over the
// whole batch (a queued run counts one per request).
type callErr struct {
	call int
	err  error
}

// batch is rtnl.batch(fn [, {raise = false}]): state-changing calls made
// by fn are queued, then sent in order; runs of consecutive calls of the
// same kind (link add, link set, link del, addr add, addr del, route
// add, route replace, route del, neigh add, neigh del, rule add, rule
// del) in the same namespace go through the core's batch, many per
// sendmsg. Reads inside fn run at once. It returns one result per queued
// call, {fn=, ok=, error=}; by default the first failure is raised
// instead, naming the line of the call that caused it, and the calls
// after the failing group are not sent.
func (a *api) batch(L *lua.LState) int {
	const fn = "rtnl.batch"
	discard := resultsDiscarded(L)
	body := bindings.FuncArg(L, 1, fn)
	opts := bindings.OptTable(L, 2, fn)
	raiseFirst := true
	if opts.Has("raise") {
		raiseFirst = opts.Bool("raise", bindings.Optional)
	}
	opts.Done()
	if batchOf(a.env) != nil { // nested: join the outer batch
		res, errv, ok := bindings.Call(L, body, nil, nil)
		if !ok {
			L.Error(errv, 0)
		}
		for _, v := range res {
			L.Push(v)
		}
		return len(res)
	}
	b := &batchState{ctx: bindings.Context(L)}
	a.env.SetValue(batchKey, b)
	// Protect, not Call: an interrupted fn must still undo what its
	// leading run sent before the interruption is raised.
	_, errv, ok := bindings.Protect(L, body, nil, nil)
	a.env.SetValue(batchKey, nil)
	if !ok {
		// Nothing is sent; what the leading run sent while fn ran is
		// deleted again (see batch_pipe.go).
		rerr := a.abortEarly(bindings.Context(L), b)
		ctx := L.Context()
		interrupted := ctx != nil && ctx.Err() != nil
		if interrupted {
			errv = lua.LString(ctx.Err().Error()) // as bindings.Call raises it
		}
		if rerr != nil {
			errv = withRollbackFailure(L, errv, rerr)
		}
		if interrupted {
			L.RaiseError("%s", errv.String()) // with the script's position
		}
		L.Error(errv, 0)
	}
	b.settle(a.env)
	// From here an interrupt must roll the batch back, not end the
	// process with part of it sent: the CLI catches it from now on.
	b.guard(a.env)
	errs := a.flush(L, b.ops, raiseFirst)
	if discard {
		// Nobody receives the results: build none (a table per call,
		// ~0.8 us and ~0.8 KB each in gopher-lua), raise the first
		// failure as below.
		if len(errs) > 0 && raiseFirst {
			L.Error(callError(L, b.ops, errs[0]), 0)
		}
		return 0
	}
	n := 0
	for _, o := range b.ops {
		n += o.calls()
	}
	out := L.CreateTable(n, 0)
	var fnName string
	var fnValue lua.LValue // o.fn boxed once for a run of the same function
	call := 0
	for _, o := range b.ops {
		if fnValue == nil || o.fn != fnName {
			fnName, fnValue = o.fn, lua.LString(o.fn)
		}
		for k := 0; k < o.calls(); k++ {
			failed := len(errs) > 0 && errs[0].call == call
			r := L.CreateTable(0, 3)
			r.RawSetString("fn", fnValue)
			r.RawSetString("ok", lua.LBool(!failed))
			if failed {
				ev := opError(L, o.fn, o.whereOf(k), errs[0].err)
				if raiseFirst {
					L.Error(ev, 0)
				}
				r.RawSetString("error", ev)
				errs = errs[1:]
			}
			out.Append(r)
			call++
		}
	}
	L.Push(out)
	return 1
}

// callError is the Lua error value of failure e of a batch of ops.
func callError(L *lua.LState, ops []*op, e callErr) lua.LValue {
	call := e.call
	for _, o := range ops {
		if n := o.calls(); call >= n {
			call -= n
			continue
		}
		return opError(L, o.fn, o.whereOf(call), e.err)
	}
	return opError(L, "rtnl.batch", bindings.Frame{}, e.err)
}

// opError is the Lua error value of a queued call of fn made at where
// that failed with err, naming the line of the call.
func opError(L *lua.LState, fn string, where bindings.Frame, err error) lua.LValue {
	var ae *rtnl.ArgError
	if errors.As(err, &ae) {
		return lua.LString(fmt.Sprintf("%s %s: field %q: %s", where.String(), fn, ae.Field, ae.Error()))
	}
	e := bindings.NewError(L, fn, err)
	e.Where = where.String()
	return bindings.ErrorValue(L, e)
}

// sameGroup says whether p can share o's bulk request: same group,
// exist_ok and namespace (targets equal, or naming the same namespace),
// o being of a group at all. It compares fields: a key string per call
// cost two allocations a queued call. A queued run is a group of its
// own.
func (o *op) sameGroup(p *op) bool {
	if o.group == "" || (o.existOK && o.group == "link.add") || o.queued != nil || p.queued != nil {
		return false
	}
	return p.group == o.group && p.existOK == o.existOK && sameTarget(p.target, o.target)
}

// flush sends the queued calls and returns their failures in call order.
// When stopOnError, the groups after the first failing one are not sent.
func (a *api) flush(L *lua.LState, ops []*op, stopOnError bool) []callErr {
	ctx := bindings.Context(L)
	var out []callErr
	call := 0 // number of ops[i]'s first call
	for i := 0; i < len(ops); {
		if len(out) > 0 && stopOnError {
			break
		}
		j := i + 1
		for j < len(ops) && ops[i].sameGroup(ops[j]) {
			j++
		}
		n := 0
		for _, o := range ops[i:j] {
			n += o.calls()
		}
		cl, err := connsOf(a.env).client(ops[i].target)
		switch {
		case err != nil: // a namespace that cannot be opened got nothing
			for k := 0; k < n; k++ {
				out = append(out, callErr{call + k, err})
			}
		case ops[i].queued != nil:
			out = a.sendQueuedRun(ctx, cl, ops[i], call, out)
		default:
			errs := make([]error, j-i)
			if j-i == 1 {
				errs[0] = ops[i].run(ctx, cl)
			} else if err := sendGroup(ctx, a.env, cl, ops[i:j], errs); err != nil {
				for k := range errs {
					if errs[k] == nil {
						errs[k] = err
					}
				}
			}
			for k, o := range ops[i:j] {
				if errs[k] != nil {
					out = append(out, callErr{call + k, errs[k]})
				}
				if o.done != nil && !a.env.DryRun && (errs[k] == nil || unanswered(errs[k])) {
					o.done()
				}
			}
		}
		call += n
		i = j
	}
	return out
}

// sendGroup sends calls of one group through the family's bulk call.
func sendGroup(ctx context.Context, env *bindings.Env, cl *rtnl.Client, ops []*op, errs []error) error {
	var opts []rtnl.CallOption
	if ops[0].existOK {
		opts = append(opts, rtnl.ExistOK())
	}
	var (
		got []error
		err error
	)
	if g := ops[0].group; g == "route.add" || g == "route.replace" || g == "route.del" || g == "rule.add" || g == "rule.del" {
		opts = append(opts, withTables(env))
	}
	switch ops[0].group {
	case "link.add":
		specs := make([]rtnl.LinkSpec, len(ops))
		for i, o := range ops {
			specs[i] = *o.link
		}
		got, err = cl.AddLinks(ctx, specs)
	case "link.set":
		refs := make([]rtnl.LinkRef, len(ops))
		chs := make([]rtnl.LinkChange, len(ops))
		for i, o := range ops {
			refs[i], chs[i] = *o.linkRef, *o.change
		}
		got, err = cl.SetLinks(ctx, refs, chs)
	case "link.del":
		refs := make([]rtnl.LinkRef, len(ops))
		for i, o := range ops {
			refs[i] = *o.linkRef
		}
		got, err = cl.DelLinks(ctx, refs)
	case "addr.add", "addr.del":
		as := make([]rtnl.Address, len(ops))
		for i, o := range ops {
			as[i] = *o.addr
		}
		if ops[0].group == "addr.add" {
			got, err = cl.AddAddrs(ctx, as, opts...)
		} else {
			got, err = cl.DelAddrs(ctx, as, opts...)
		}
	case "route.add", "route.replace", "route.del":
		rs := make([]*rtnl.Route, len(ops))
		for i, o := range ops {
			rs[i] = o.route
		}
		switch ops[0].group {
		case "route.add":
			got, err = cl.AddRoutesOf(ctx, rs, opts...)
		case "route.replace":
			got, err = cl.ReplaceRoutesOf(ctx, rs, opts...)
		default:
			got, err = cl.DelRoutesOf(ctx, rs, opts...)
		}
	case "neigh.add", "neigh.del":
		ns := make([]rtnl.Neigh, len(ops))
		for i, o := range ops {
			ns[i] = *o.neigh
		}
		if ops[0].group == "neigh.add" {
			got, err = cl.AddNeighs(ctx, ns, opts...)
		} else {
			got, err = cl.DelNeighs(ctx, ns, opts...)
		}
	case "rule.add", "rule.del":
		rs := make([]rtnl.Rule, len(ops))
		for i, o := range ops {
			rs[i] = *o.rule
		}
		if ops[0].group == "rule.add" {
			got, err = cl.AddRules(ctx, rs, opts...)
		} else {
			got, err = cl.DelRules(ctx, rs, opts...)
		}
	default:
		return fmt.Errorf("rtnl.batch: no bulk form for %s", ops[0].group)
	}
	copy(errs, got)
	return err
}

// resultsDiscarded reports whether the Lua code calling the running Go
// function throws its results away (a call made as a statement, such as
// rtnl.batch(function() ... end)), so that they need not be built.
// gopher-lua keeps the number of results a call asks for in its call frame
// (NRet, 0 for a statement), which it does not export: it is read through
// reflect, and anything unexpected (another gopher-lua's internals)
// answers false, the results being built as always.
// TestResultsDiscarded pins what it sees for each kind of call.
func resultsDiscarded(L *lua.LState) bool {
	f := reflect.ValueOf(L).Elem().FieldByName("currentFrame")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return false
	}
	n := f.Elem().FieldByName("NRet")
	return n.IsValid() && n.Kind() == reflect.Int && n.Int() == 0
}

// callQueue is a family queue of encoded requests (rtnl.RouteQueue,
// rtnl.AddrQueue).
type callQueue interface {
	Len() int
	Send(ctx context.Context, c *rtnl.Client, failed func(i int, err error))
	StartSending(ctx context.Context, c *rtnl.Client) *rtnl.QueueSender
	DelAdded(ctx context.Context, c *rtnl.Client, skip []int) []error
}

// existingFinder is a callQueue that can name, before it is sent, the
// calls that will change nothing because what they add is already there
// (rtnl.AddrQueue): a journal must not undo those even when their answer
// is lost.
type existingFinder interface {
	Existing(ctx context.Context, c *rtnl.Client) ([]int, error)
}

// queuedRun is a run of calls of one group queued in a batch, in one
// namespace: their requests encoded as they are queued (a callQueue,
// about 40 bytes a host route or an IPv4 address) and the script lines
// of the calls, run-length encoded (a loop queues its calls from one
// line). Once sent, the calls that may have changed state are journalled
// as one step that undoes them from the same bytes. Queued so, 100,000
// routes keep about 4 MB, where an op, its route and its undo closure
// each kept 1.3 KB.
type queuedRun struct {
	q       callQueue
	what    string // "routes", for the journal
	lines   []lineRun
	journal bool // the calls are journalled
	// early: the run leads its batch and may be sent while fn runs
	// (batch_pipe.go); pipe is its sender once it is; sealed: it was
	// sent so while fn ran and takes no more calls.
	early  bool
	pipe   *rtnl.QueueSender
	sealed bool
}

// lineRun is n consecutive calls made at where.
type lineRun struct {
	where bindings.Frame
	n     int
}

// whereOf is the script line of the run's k-th call.
func (rr *queuedRun) whereOf(k int) bindings.Frame {
	for _, l := range rr.lines {
		if k < l.n {
			return l.where
		}
		k -= l.n
	}
	return bindings.Frame{}
}

// queueCall returns the run a call of fn of group is queued in, having
// counted the call's script line: the batch's last op if that is a run
// of group for the same namespace, else a new one whose queue newQueue
// makes. The caller adds the call's request to the run's queue.
func (a *api) queueCall(L *lua.LState, b *batchState, fn, group, what string, newQueue func() callQueue) *queuedRun {
	t := a.target()
	journal := a.journalled()
	var rr *queuedRun
	if n := len(b.ops); n > 0 {
		if last := b.ops[n-1]; last.queued != nil && !last.queued.sealed && last.group == group && last.queued.journal == journal && sameTarget(last.target, t) {
			rr = last.queued
		}
	}
	if rr == nil {
		b.settle(a.env) // a leading run sent early is sent whole first
		rr = &queuedRun{q: newQueue(), what: what, journal: journal}
		rr.early = len(b.ops) == 0 && a.pipelinable(journal)
		b.ops = append(b.ops, &op{fn: fn, group: group, target: t, queued: rr})
	}
	// WhereFrame allocates nothing for a call made from a script line
	// (a loop's), which is what a run of queued calls mostly is.
	n := len(rr.lines)
	w := bindings.WhereFrame(L)
	if n > 0 && rr.lines[n-1].where == w {
		rr.lines[n-1].n++
	} else {
		rr.lines = append(rr.lines, lineRun{where: w, n: 1})
	}
	return rr
}

// sendQueuedRun sends run o through cl, appends the failures of its
// calls (numbered from call) to out, and journals the calls that may
// have changed state as one step. When the queue can tell (an
// existingFinder), calls whose object was there before are not undone;
// if it cannot be asked, nothing is sent and every call fails with why.
func (a *api) sendQueuedRun(ctx context.Context, cl *rtnl.Client, o *op, call int, out []callErr) []callErr {
	rr := o.queued
	if rr.pipe != nil { // sent while fn ran (batch_pipe.go)
		rr.pipe.Wait()
		rr.pipe.Report(func(k int, err error) { out = append(out, callErr{call + k, err}) })
		return out
	}
	var skip []int // calls the kernel refused, never sent, or that add what was there
	if ef, ok := rr.q.(existingFinder); ok && rr.journal {
		had, err := ef.Existing(ctx, cl)
		if err != nil {
			for k := range rr.q.Len() {
				out = append(out, callErr{call + k, err})
			}
			return out
		}
		skip = had
	}
	var refused []int
	rr.q.Send(ctx, cl, func(k int, err error) {
		out = append(out, callErr{call + k, err})
		if !unanswered(err) {
			refused = append(refused, k)
		}
	})
	skip = append(skip, refused...)
	slices.Sort(skip)
	skip = slices.Compact(skip)
	if n := rr.q.Len() - len(skip); rr.journal && n > 0 {
		q := rr.q
		push(a.env, o.target, fmt.Sprintf("add %d %s (rtnl.batch)", n, rr.what), func(ctx context.Context, cl *rtnl.Client) error {
			var failed []error
			for _, err := range q.DelAdded(ctx, cl, skip) {
				if !alreadyGone(err) {
					failed = append(failed, err)
				}
			}
			return errors.Join(failed...)
		})
	}
	return out
}
