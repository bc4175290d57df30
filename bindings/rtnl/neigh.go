package rtnl

import (
	"context"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

func (a *api) neighList(L *lua.LState) int {
	const fn = "rtnl.neigh.list"
	f := readNeighFilter(bindings.OptTable(L, 1, fn))
	ns, err := a.client(L, fn).ListNeighs(bindings.Context(L), f)
	if err != nil {
		raise(L, fn, err)
	}
	t := L.CreateTable(len(ns), 0)
	for i := range ns {
		t.Append(neighToLua(L, &ns[i]))
	}
	L.Push(t)
	return 1
}

// readNeighFilter reads neigh.list's and neigh.each's arguments.
func readNeighFilter(args *bindings.Args) rtnl.NeighFilter {
	f := rtnl.NeighFilter{
		Family: args.Enum("family", bindings.Optional, "inet", "inet6"),
		Dev:    args.Ifname("dev", bindings.Optional),
		Proxy:  args.Bool("proxy", bindings.Optional),
	}
	args.Done()
	return f
}

func readNeigh(args *bindings.Args, forDel bool) *rtnl.Neigh {
	n := &rtnl.Neigh{
		Dst: args.Addr("dst", bindings.Required),
		Dev: args.Ifname("dev", bindings.Required),
	}
	n.Proxy = args.Bool("proxy", bindings.Optional)
	if forDel {
		return n
	}
	n.Lladdr = args.MAC("lladdr", bindings.Optional)
	for _, st := range args.Strings("state", bindings.Optional) {
		n.State = append(n.State, strings.ToUpper(st)) // ip -j prints PERMANENT
	}
	n.Router = args.Bool("router", bindings.Optional)
	n.Flags = args.Strings("flags", bindings.Optional)
	return n
}

func neighDesc(n *rtnl.Neigh) string { return n.Dst.String() + " dev " + n.Dev }

func (a *api) neighAdd(L *lua.LState) int {
	const fn = "rtnl.neigh.add"
	args := bindings.Table(L, 1, fn)
	n := readNeigh(args, false)
	existOK := args.Bool("exist_ok", bindings.Optional)
	args.Done()
	o := &op{fn: fn, group: "neigh.add", neigh: n, existOK: existOK}
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return cl.AddNeigh(ctx, *n, o.callOpts()...) }
	a.neighJournal(L, fn, o, n)
	a.do(L, o)
	return 0
}

func (a *api) neighReplace(L *lua.LState) int {
	const fn = "rtnl.neigh.replace"
	args := bindings.Table(L, 1, fn)
	n := readNeigh(args, false)
	args.Done()
	o := &op{fn: fn}
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return cl.ReplaceNeigh(ctx, *n) }
	a.neighJournal(L, fn, o, n)
	a.do(L, o)
	return 0
}

// neighJournal makes o's undo: put back the entry that was there, or
// delete the new one.
func (a *api) neighJournal(L *lua.LState, fn string, o *op, n *rtnl.Neigh) {
	if !a.journalled() {
		return
	}
	prev := a.findNeigh(L, fn, n)
	o.done = func() {
		if prev != nil {
			push(a.env, o.target, "replace neighbour "+neighDesc(n), func(ctx context.Context, cl *rtnl.Client) error {
				return cl.ReplaceNeigh(ctx, *prev)
			})
			return
		}
		del := rtnl.Neigh{Dst: n.Dst, Dev: n.Dev, Proxy: n.Proxy}
		push(a.env, o.target, "add neighbour "+neighDesc(n), func(ctx context.Context, cl *rtnl.Client) error {
			return cl.DelNeigh(ctx, del)
		})
	}
}

func (a *api) findNeigh(L *lua.LState, fn string, n *rtnl.Neigh) *rtnl.Neigh {
	ns, err := a.client(L, fn).ListNeighs(bindings.Context(L), rtnl.NeighFilter{Dev: n.Dev, Proxy: n.Proxy})
	if err != nil {
		raise(L, fn, err)
	}
	for i := range ns {
		if ns[i].Dst == n.Dst {
			y := ns[i]
			y.Ifindex, y.Probes = 0, 0
			return &y
		}
	}
	return nil
}

func (a *api) neighDel(L *lua.LState) int {
	const fn = "rtnl.neigh.del"
	args := bindings.Table(L, 1, fn)
	n := readNeigh(args, true)
	args.Done()
	o := &op{fn: fn, group: "neigh.del", neigh: n}
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return cl.DelNeigh(ctx, *n) }
	if a.journalled() {
		if prev := a.findNeigh(L, fn, n); prev != nil {
			o.done = func() {
				push(a.env, o.target, "delete neighbour "+neighDesc(n), func(ctx context.Context, cl *rtnl.Client) error {
					return cl.ReplaceNeigh(ctx, *prev)
				})
			}
		}
	}
	a.do(L, o)
	return 0
}
