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
// (iter.Pull2) that hands out batches: the dump side collects up to
// streamBatch decoded objects (a datagram's worth and more) before it
// switches to the Lua side, which converts them one per call of the Lua
// iterator without switching back; so there are two goroutine switches
// per batch, not per object, and the dump is still never held whole. It
// runs on its own connection (a dump holds its connection until it ends),
// so the loop body can make other rtnl calls; when the loop runs to the
// end the connection goes back to the runtime's spares, and when it breaks
// out early the stream stays suspended until the runtime closes or
// maxOpenStreams newer ones push it out (no finalizers).
type stream struct {
	stopFn func()
	cancel context.CancelFunc
	cl     *rtnl.Client
	target netns.Target
	c      *conns
	done   bool
	untie  func() // unties the iterator's field stream
}

// streamBatch is how many objects the dump side collects per switch.
const streamBatch = 256

// finish ends the dump (reading what is left, so the connection is clean)
// and releases the connection.
func (s *stream) finish(clean bool) {
	if s.done {
		return
	}
	s.done = true
	if s.untie != nil {
		s.untie()
	}
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
// its yield; each object reaches Lua as a record under spec. The dump
// side collects the objects into batches, a new one each time (the
// pull iterator alternates strictly, so the two sides never touch one at
// once); the records point into their batch instead of copying, so a
// batch lives as long as one of its records does.
func each[T any](a *api, L *lua.LState, fn string, dump func(ctx context.Context, cl *rtnl.Client, yield func(T) error) error, spec *bindings.RecordSpec) int {
	c := connsOf(a.env)
	t := a.target()
	cl, err := c.streamClient(t)
	if err != nil {
		raise(L, fn, err)
	}
	// The stream outlives the call that made it (a script may return it,
	// for --json to print): its context keeps the values of that call's
	// but is cancelled only by the context of the call that resumes it.
	ctx, cancel := context.WithCancel(context.WithoutCancel(bindings.Context(L)))
	seq := func(yield func([]T, error) bool) {
		buf := make([]T, 0, streamBatch)
		err := dump(ctx, cl, func(v T) error {
			buf = append(buf, v)
			if len(buf) < streamBatch {
				return nil
			}
			if !yield(buf, nil) {
				return errStopStream
			}
			// A new batch: the records of this one keep its objects.
			buf = make([]T, 0, streamBatch)
			return nil
		})
		switch {
		case errors.Is(err, errStopStream):
		case err != nil:
			yield(nil, err)
		case len(buf) > 0:
			yield(buf, nil)
		}
	}
	next, stop := iter.Pull2(iter.Seq2[[]T, error](seq))
	s := &stream{stopFn: stop, cancel: cancel, cl: cl, target: t, c: c}
	c.streams = append(c.streams, s)
	if len(c.streams) > maxOpenStreams {
		c.streams[0].stop()
	}
	var (
		batch []T
		pos   int
	)
	// nextObj is the next object, nil at the end; the iterator makes it a
	// record, the field stream (--json) hands out its fields.
	nextObj := func(L *lua.LState) *T {
		if s.done {
			return nil
		}
		if pos == len(batch) {
			unwatch := context.AfterFunc(bindings.Context(L), cancel)
			v, err, ok := next()
			unwatch()
			batch, pos = v, 0
			switch {
			case !ok:
				s.finish(true)
				return nil
			case err != nil:
				s.finish(false)
				raise(L, fn, err)
			}
		}
		pos++
		return &batch[pos-1]
	}
	recs := bindings.NewRecordMaker[T](L, spec)
	iterFn := L.NewFunction(func(L *lua.LState) int {
		p := nextObj(L)
		if p == nil {
			return 0
		}
		L.Push(recs.Owned(L, p))
		return 1
	})
	bindings.SetFieldStream(L, iterFn, func(L *lua.LState, emit func(k, v lua.LValue)) bool {
		p := nextObj(L)
		if p == nil {
			return false
		}
		recs.Fields(L, p, emit)
		return true
	})
	s.untie = func() { bindings.SetFieldStream(L, iterFn, nil) }
	L.Push(iterFn)
	return 1
}

// routeEach is rtnl.route.each{...}: routes one at a time (list's filters).
func (a *api) routeEach(L *lua.LState) int {
	f := readRouteFilter(bindings.OptTable(L, 1, "rtnl.route.each"))
	return each(a, L, "rtnl.route.each", func(ctx context.Context, cl *rtnl.Client, yield func(rtnl.Route) error) error {
		return cl.EachRoute(ctx, f, yield)
	}, routeSpec)
}

// linkEach is rtnl.link.each{kind=, master=, stats=}: links one at a
// time. A stream cannot see the links after the current one, so master
// and link (the parent) names are left out; rtnl.link.list has them.
func (a *api) linkEach(L *lua.LState) int {
	f := readLinkFilter(bindings.OptTable(L, 1, "rtnl.link.each"))
	return each(a, L, "rtnl.link.each", func(ctx context.Context, cl *rtnl.Client, yield func(rtnl.Link) error) error {
		return cl.EachLink(ctx, f, func(l *rtnl.Link) error { return yield(*l) })
	}, linkSpec)
}

// addrEach is rtnl.addr.each{dev=, family=}: addresses one at a time.
func (a *api) addrEach(L *lua.LState) int {
	f := readAddrFilter(bindings.OptTable(L, 1, "rtnl.addr.each"))
	return each(a, L, "rtnl.addr.each", func(ctx context.Context, cl *rtnl.Client, yield func(rtnl.Address) error) error {
		return cl.EachAddr(ctx, f, yield)
	}, addrSpec)
}

// neighEach is rtnl.neigh.each{dev=, family=, proxy=}: neighbours one at
// a time.
func (a *api) neighEach(L *lua.LState) int {
	f := readNeighFilter(bindings.OptTable(L, 1, "rtnl.neigh.each"))
	return each(a, L, "rtnl.neigh.each", func(ctx context.Context, cl *rtnl.Client, yield func(rtnl.Neigh) error) error {
		return cl.EachNeigh(ctx, f, yield)
	}, neighSpec)
}
