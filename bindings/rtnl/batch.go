package rtnl

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

// batchKey is where the open batch lives in the Env.
const batchKey = "rtnl.batch"

// errNotSent marks queued calls that were not sent because an earlier
// group of the batch failed.
var errNotSent = errors.New("not sent: an earlier call of the batch failed")

// batchState collects the calls made inside rtnl.batch.
type batchState struct {
	ops []*op
}

func batchOf(env *bindings.Env) *batchState {
	b, _ := env.Value(batchKey).(*batchState)
	return b
}

// batch is rtnl.batch(fn [, {raise = false}]): state-changing calls made
// by fn are queued, then sent in order; runs of consecutive calls of the
// same kind (link add, link del, addr add, addr del, route add, route
// replace, route del, neigh add, neigh del, rule add, rule del) in the
// same namespace go through the core's batch, many per sendmsg. Reads inside fn run at once. It returns one result per
// queued call, {fn=, ok=, error=}; by default the first failure is raised
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
	b := &batchState{}
	a.env.SetValue(batchKey, b)
	_, errv, ok := bindings.Call(L, body, nil, nil)
	a.env.SetValue(batchKey, nil)
	if !ok {
		L.Error(errv, 0) // nothing was sent
	}
	errs := a.flush(L, b.ops, raiseFirst)
	if discard {
		// Nobody receives the results: build none (a table per call,
		// ~0.8 us and ~0.8 KB each in gopher-lua), raise the first
		// failure as below.
		for i, o := range b.ops {
			if errs[i] != nil && raiseFirst {
				L.Error(opError(L, o, errs[i]), 0)
			}
		}
		return 0
	}
	out := L.CreateTable(len(b.ops), 0)
	var fnName string
	var fnValue lua.LValue // o.fn boxed once for a run of the same function
	for i, o := range b.ops {
		if fnValue == nil || o.fn != fnName {
			fnName, fnValue = o.fn, lua.LString(o.fn)
		}
		r := L.CreateTable(0, 3)
		r.RawSetString("fn", fnValue)
		r.RawSetString("ok", lua.LBool(errs[i] == nil))
		if errs[i] != nil {
			ev := opError(L, o, errs[i])
			if raiseFirst {
				L.Error(ev, 0)
			}
			r.RawSetString("error", ev)
		}
		out.Append(r)
	}
	L.Push(out)
	return 1
}

// opError is the Lua error value of queued call o's failure, naming the
// line of the call.
func opError(L *lua.LState, o *op, err error) lua.LValue {
	var ae *rtnl.ArgError
	if errors.As(err, &ae) {
		return lua.LString(fmt.Sprintf("%s %s: field %q: %s", o.where.String(), o.fn, ae.Field, ae.Error()))
	}
	e := bindings.NewError(L, o.fn, err)
	e.Where = o.where.String()
	return bindings.ErrorValue(L, e)
}

// sameGroup says whether p can share o's bulk request: same group,
// exist_ok and namespace (targets equal, or naming the same namespace),
// o being of a group at all. It compares fields: a key string per call
// cost two allocations a queued call.
func (o *op) sameGroup(p *op) bool {
	if o.group == "" || (o.existOK && o.group == "link.add") {
		return false
	}
	return p.group == o.group && p.existOK == o.existOK && (p.target == o.target || p.target.String() == o.target.String())
}

// flush sends the queued calls, one error per call.
func (a *api) flush(L *lua.LState, ops []*op, stopOnError bool) []error {
	ctx := bindings.Context(L)
	errs := make([]error, len(ops))
	failed := false
	for i := 0; i < len(ops); {
		j := i + 1
		for j < len(ops) && ops[i].sameGroup(ops[j]) {
			j++
		}
		if failed && stopOnError {
			for k := i; k < j; k++ {
				errs[k] = errNotSent
			}
			i = j
			continue
		}
		cl, err := connsOf(a.env).client(ops[i].target)
		sent := err == nil // a namespace that cannot be opened got nothing
		if err == nil {
			if j-i == 1 {
				err = ops[i].run(ctx, cl)
				errs[i] = err
				err = nil
			} else {
				err = sendGroup(ctx, cl, ops[i:j], errs[i:j])
			}
		}
		for k := i; k < j; k++ {
			if err != nil && errs[k] == nil {
				errs[k] = err
			}
			if errs[k] != nil {
				failed = true
			}
			if ops[k].done != nil && !a.env.DryRun && sent && (errs[k] == nil || unanswered(errs[k])) {
				ops[k].done()
			}
		}
		i = j
	}
	return errs
}

// sendGroup sends calls of one group through the family's bulk call.
func sendGroup(ctx context.Context, cl *rtnl.Client, ops []*op, errs []error) error {
	var opts []rtnl.CallOption
	if ops[0].existOK {
		opts = append(opts, rtnl.ExistOK())
	}
	var (
		got []error
		err error
	)
	switch ops[0].group {
	case "link.add":
		specs := make([]rtnl.LinkSpec, len(ops))
		for i, o := range ops {
			specs[i] = *o.link
		}
		got, err = cl.AddLinks(ctx, specs)
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
