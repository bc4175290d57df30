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

// maxOpenStreams bounds the rtnl.route.each iterators left suspended by a
// loop that broke out early; past it the oldest is closed.
const maxOpenStreams = 4

// errStopStream ends a dump whose iterator was closed.
var errStopStream = errors.New("rtnl.route.each: iterator closed")

// stream is one rtnl.route.each iterator. The dump runs as a pull
// iterator (iter.Pull2): each call of the Lua iterator resumes it for one
// route, so the dump is never held whole. It runs on its own connection
// (a dump holds its connection until it ends), so the loop body can make
// other rtnl calls; when the loop runs to the end the connection goes
// back to the runtime's spares, and when it breaks out early the stream
// stays suspended until the runtime closes or maxOpenStreams newer ones
// push it out (no finalizers).
type stream struct {
	next   func() (rtnl.Route, error, bool)
	stopFn func()
	cancel context.CancelFunc
	cl     *rtnl.Client
	target netns.Target
	c      *conns
	done   bool
}

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

func (a *api) routeEach(L *lua.LState) int {
	const fn = "rtnl.route.each"
	f := readRouteFilter(bindings.OptTable(L, 1, fn))
	c := connsOf(a.env)
	t := a.target()
	cl, err := c.streamClient(t)
	if err != nil {
		raise(L, fn, err)
	}
	ctx, cancel := context.WithCancel(bindings.Context(L))
	seq := func(yield func(rtnl.Route, error) bool) {
		err := cl.EachRoute(ctx, f, func(r rtnl.Route) error {
			if !yield(r, nil) {
				return errStopStream
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopStream) {
			yield(rtnl.Route{}, err)
		}
	}
	next, stop := iter.Pull2(iter.Seq2[rtnl.Route, error](seq))
	s := &stream{next: next, stopFn: stop, cancel: cancel, cl: cl, target: t, c: c}
	c.streams = append(c.streams, s)
	if len(c.streams) > maxOpenStreams {
		c.streams[0].stop()
	}
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if s.done {
			return 0
		}
		r, err, ok := s.next()
		switch {
		case !ok:
			s.finish(true)
			return 0
		case err != nil:
			s.finish(false)
			raise(L, fn, err)
		}
		L.Push(routeToLua(L, &r))
		return 1
	}))
	return 1
}
