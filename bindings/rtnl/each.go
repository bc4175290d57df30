package rtnl

import (
	"context"
	"errors"
	"iter"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/families/rtnl"
)

// maxOpenStreams bounds the each iterators (rtnl.route.each,
// rtnl.link.each, ...) left suspended by a loop that broke out early;
// past it the oldest is closed.
const maxOpenStreams = 4

// errStopStream ends a dump whose iterator was closed.
var errStopStream = errors.New("rtnl each: iterator closed")

// stream is one each iterator. The dump runs as a pull iterator
// (iter.Pull2): each call of the Lua iterator resumes it for one object,
// so the dump is never held whole. It runs on its own connection (a dump
// holds its connection until it ends), so the loop body can make other
// rtnl calls; when the loop runs to the end the connection goes back to
// the runtime's spares, and when it breaks out early the stream stays
// suspended until the runtime closes or maxOpenStreams newer ones push it
// out (no finalizers). next yields a converter: the object becomes a Lua
// table on the Lua side of the pull.
type stream struct {
	next   func() (toLua, error, bool)
	stopFn func()
	cancel context.CancelFunc
	cl     *rtnl.Client
	target netns.Target
	c      *conns
	done   bool
}

// toLua makes one streamed object a Lua value.
type toLua func(L *lua.LState) lua.LValue

// finish ends the dump (reading what is left, so the connection is clean)
// and releases the connection.
func (s *stream) finish(clean bool) {
	if s.done {
		return
	}
	s.done = true
	s.stopFn()
	s.cancel()
	if clean {
		s.c.release(s.target, s.cl)
	} else {
		s.cl.Close()
	}
	for i, x := range s.c.streams {
		if x == s {
			s.c.streams = append(s.c.streams[:i], s.c.streams[i+1:]...)
			break
		}
	}
}

// stop is finish for a stream abandoned by its loop.
func (s *stream) stop() { s.finish(true) }

// each is the one home of the each iterators: dump runs the family's
// Each call on a connection of the stream's own, handing every object to
// its yield as a converter.
func (a *api) each(L *lua.LState, fn string, dump func(ctx context.Context, cl *rtnl.Client, yield func(toLua) error) error) int {
	c := connsOf(a.env)
	t := a.target()
	cl, err := c.streamClient(t)
	if err != nil {
		raise(L, fn, err)
	}
	ctx, cancel := context.WithCancel(bindings.Context(L))
	seq := func(yield func(toLua, error) bool) {
		err := dump(ctx, cl, func(v toLua) error {
			if !yield(v, nil) {
				return errStopStream
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopStream) {
			yield(nil, err)
		}
	}
	next, stop := iter.Pull2(iter.Seq2[toLua, error](seq))
	s := &stream{next: next, stopFn: stop, cancel: cancel, cl: cl, target: t, c: c}
	c.streams = append(c.streams, s)
	if len(c.streams) > maxOpenStreams {
		c.streams[0].stop()
	}
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if s.done {
			return 0
		}
		v, err, ok := s.next()
		switch {
		case !ok:
			s.finish(true)
			return 0
		case err != nil:
			s.finish(false)
			raise(L, fn, err)
		}
		L.Push(v(L))
		return 1
	}))
	return 1
}

// routeEach is rtnl.route.each{...}: routes one at a time (list's filters).
func (a *api) routeEach(L *lua.LState) int {
	f := readRouteFilter(bindings.OptTable(L, 1, "rtnl.route.each"))
	return a.each(L, "rtnl.route.each", func(ctx context.Context, cl *rtnl.Client, yield func(toLua) error) error {
		return cl.EachRoute(ctx, f, func(r rtnl.Route) error {
			return yield(func(L *lua.LState) lua.LValue { return routeToLua(L, &r) })
		})
	})
}

// linkEach is rtnl.link.each{kind=, master=, stats=}: links one at a
// time. A stream cannot see the links after the current one, so master
// and link (the parent) names are left out; rtnl.link.list has them.
func (a *api) linkEach(L *lua.LState) int {
	f := readLinkFilter(bindings.OptTable(L, 1, "rtnl.link.each"))
	return a.each(L, "rtnl.link.each", func(ctx context.Context, cl *rtnl.Client, yield func(toLua) error) error {
		return cl.EachLink(ctx, f, func(l *rtnl.Link) error {
			return yield(func(L *lua.LState) lua.LValue { return linkToLua(L, l) })
		})
	})
}

// addrEach is rtnl.addr.each{dev=, family=}: addresses one at a time.
func (a *api) addrEach(L *lua.LState) int {
	f := readAddrFilter(bindings.OptTable(L, 1, "rtnl.addr.each"))
	return a.each(L, "rtnl.addr.each", func(ctx context.Context, cl *rtnl.Client, yield func(toLua) error) error {
		return cl.EachAddr(ctx, f, func(x rtnl.Address) error {
			return yield(func(L *lua.LState) lua.LValue { return addrToLua(L, &x) })
		})
	})
}

// neighEach is rtnl.neigh.each{dev=, family=, proxy=}: neighbours one at
// a time.
func (a *api) neighEach(L *lua.LState) int {
	f := readNeighFilter(bindings.OptTable(L, 1, "rtnl.neigh.each"))
	return a.each(L, "rtnl.neigh.each", func(ctx context.Context, cl *rtnl.Client, yield func(toLua) error) error {
		return cl.EachNeigh(ctx, f, func(n rtnl.Neigh) error {
			return yield(func(L *lua.LState) lua.LValue { return neighToLua(L, &n) })
		})
	})
}
