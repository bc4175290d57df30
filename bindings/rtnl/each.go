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

// stream is one each iterator. For the Lua loop the dump runs as a pull
// iterator (iter.Pull2), started by the first call, that hands out
// batches: the dump side collects up to streamBatch decoded objects (a
// datagram's worth and more) before it switches to the Lua side, which
// converts them one per call of the Lua iterator without switching back;
// so there are two goroutine switches per batch, not per object, and the
// dump is still never held whole. --json printing an iterator not yet
// called runs the dump itself instead (its JSON stream's push form),
// writing each object as it arrives, from the memory it arrives in. It
// runs on its own connection (a dump holds its connection until it
// ends), so the loop body can make other rtnl calls; when the loop runs
// to the end the connection goes back to the runtime's spares, and when
// it breaks out early the stream stays suspended until the runtime
// closes or maxOpenStreams newer ones push it out (no finalizers).
type stream struct {
	stopFn func() // nil until the pull iterator starts
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
	if s.stopFn != nil {
		s.stopFn()
	}
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

// dumpFunc runs a family's Each call on cl, handing every item to yield.
// keep says whether the items are kept after yield returns: when not
// (--json writing each as it comes), an item may alias memory the dump
// reuses for the next.
type dumpFunc[E any] func(ctx context.Context, cl *rtnl.Client, keep bool, yield func(E) error) error

// each is the each iterator of a dump of decoded objects: each object
// reaches Lua as a record under spec, which points into the object's
// batch instead of copying it, so a batch lives as long as one of its
// records does.
func each[T any](a *api, L *lua.LState, fn string, dump func(ctx context.Context, cl *rtnl.Client, yield func(T) error) error, spec *bindings.RecordSpec) int {
	recs := bindings.NewRecordMaker[T](L, spec)
	return eachItem(a, L, fn, func(ctx context.Context, cl *rtnl.Client, _ bool, yield func(T) error) error {
		return dump(ctx, cl, yield) // items are values: never shared
	}, itemFuncs[T]{
		keeps:  true,
		record: func(L *lua.LState, p *T) (*lua.LTable, error) { return recs.Owned(L, p), nil },
		json: func(L *lua.LState, p *T, dst []byte, depth int, val bindings.JSONValue) ([]byte, bool, error) {
			return recs.AppendJSON(L, p, dst, depth, val), true, nil
		},
	})
}

// itemFuncs is how the items of a dump reach Lua: record makes an item
// the iterator's record, json appends its record's JSON for the JSON
// stream (--json). Both may leave an item out (nil; dst and false) or
// fail, which ends the stream with that error.
type itemFuncs[E any] struct {
	// keeps says whether a record points at its item, in its batch: then
	// every batch is new; else the dump side reuses one.
	keeps  bool
	record func(L *lua.LState, p *E) (*lua.LTable, error)
	json   func(L *lua.LState, p *E, dst []byte, depth int, val bindings.JSONValue) ([]byte, bool, error)
}

// eachItem is the one home of the each iterators: dump runs the family's
// Each call on a connection of the stream's own, handing every item to
// its yield; the items reach Lua through funcs. The pull iterator's dump
// side collects the items into batches, a new one each time (the pull
// iterator alternates strictly, so the two sides never touch one at
// once).
func eachItem[E any](a *api, L *lua.LState, fn string, dump dumpFunc[E], funcs itemFuncs[E]) int {
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
	s := &stream{cancel: cancel, cl: cl, target: t, c: c}
	c.streams = append(c.streams, s)
	if len(c.streams) > maxOpenStreams {
		c.streams[0].stop()
	}
	var (
		next  func() ([]E, error, bool) // nil: not started
		batch []E
		pos   int
	)
	// pull starts the dump as the pull iterator.
	pull := func() {
		seq := func(yield func([]E, error) bool) {
			buf := make([]E, 0, streamBatch)
			err := dump(ctx, cl, true, func(v E) error {
				buf = append(buf, v)
				if len(buf) < streamBatch {
					return nil
				}
				if !yield(buf, nil) {
					return errStopStream
				}
				// The Lua side asks for the next batch when it has
				// handed out every item of this one.
				if funcs.keeps {
					buf = make([]E, 0, streamBatch) // its records keep its items
				} else {
					clear(buf)
					buf = buf[:0]
				}
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
		next, s.stopFn = iter.Pull2(iter.Seq2[[]E, error](seq))
	}
	// nextItem is the next item, nil at the end; the iterator makes it a
	// record, the JSON stream (--json) writes its JSON.
	nextItem := func(L *lua.LState) *E {
		if s.done {
			return nil
		}
		if pos == len(batch) {
			if next == nil {
				pull()
			}
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
	// fail ends the stream with an item's error.
	fail := func(L *lua.LState, err error) {
		s.finish(false)
		raise(L, fn, err)
	}
	iterFn := L.NewFunction(func(L *lua.LState) int {
		for {
			p := nextItem(L)
			if p == nil {
				return 0
			}
			t, err := funcs.record(L, p)
			if err != nil {
				fail(L, err)
			}
			if t != nil {
				L.Push(t)
				return 1
			}
		}
	})
	pullJSON := func(L *lua.LState, dst []byte, depth int, val bindings.JSONValue) ([]byte, bool) {
		for {
			p := nextItem(L)
			if p == nil {
				return dst, false
			}
			out, ok, err := funcs.json(L, p, dst, depth, val)
			if err != nil {
				fail(L, err)
			}
			if ok {
				return out, true
			}
		}
	}
	pushJSON := func(L *lua.LState, sink bindings.JSONSink) {
		val := sink.Value()
		if next != nil || s.done {
			// Started by the iterator: what is left of its batches.
			for {
				p := nextItem(L)
				if p == nil {
					return
				}
				dst, depth := sink.Next()
				out, ok, err := funcs.json(L, p, dst, depth, val)
				if err != nil {
					sink.Put(dst, false)
					fail(L, err)
				}
				if !sink.Put(out, ok) {
					return
				}
			}
		}
		// The dump runs here, each item written as it comes and kept by
		// nothing: no batches, no copies, no goroutine switches.
		next = func() ([]E, error, bool) { return nil, nil, false }
		unwatch := context.AfterFunc(bindings.Context(L), cancel)
		defer unwatch()
		defer func() {
			if !s.done { // a Lua error on the way out
				s.finish(false)
			}
		}()
		var (
			cur     E
			itemErr error
		)
		err := dump(ctx, cl, false, func(v E) error {
			cur = v
			dst, depth := sink.Next()
			out, ok, err := funcs.json(L, &cur, dst, depth, val)
			if err != nil {
				itemErr = err
				sink.Put(dst, false)
				return errStopStream
			}
			if !sink.Put(out, ok) {
				return errStopStream
			}
			return nil
		})
		switch {
		case itemErr != nil:
			fail(L, itemErr)
		case err != nil && !errors.Is(err, errStopStream):
			fail(L, err)
		}
		s.finish(true)
	}
	bindings.SetJSONStream(L, iterFn, pullJSON, pushJSON)
	s.untie = func() { bindings.SetJSONStream(L, iterFn, nil, nil) }
	L.Push(iterFn)
	return 1
}

// routeArena is the size of the blocks route messages are copied into
// (a batch's worth of typical routes).
const routeArena = 16 << 10

// routeEach is rtnl.route.each{...}: routes one at a time (list's filters).
// The dump side keeps each route's message, copied into blocks of bytes
// that hold no pointers, instead of its decoded Route (290 bytes the
// collector scans); the Lua side decodes a message when it hands the
// route out, into one Route it reuses, so a malformed message raises
// there, and the record keeps the bytes, decoded again only when it is
// read after a newer one; a plain route is only checked when handed out
// (RouteDecoder.Check) and decoded when a field other than dst is read.
// --json's push reads each message where the socket received it, decoded
// and written before the next is read, and makes no record (the maker's
// last bytes then alias the socket's buffer, which is harmless: no record
// of the maker is made after).
func (a *api) routeEach(L *lua.LState) int {
	const fn = "rtnl.route.each"
	f := readRouteFilter(bindings.OptTable(L, 1, fn))
	// dec is the dump's decoder, set by the dump side before it hands
	// out the first message (the pull iterator orders the two sides).
	var dec *rtnl.RouteDecoder
	recs := bindings.NewLazyRecordMaker(L, routeSpec, func(r *rtnl.Route, b []byte) (bool, error) {
		return dec.Decode(r, b)
	})
	// A route handed out to the loop is checked, not decoded, when the
	// decoder can tell it is well formed and whether the filter takes it
	// (a plain route), and its dst read from its bytes: a loop that reads
	// r.dst decodes no plain route whole.
	recs.Fast(func(b []byte) (bool, bool) { return dec.Check(b) },
		map[string]func(dst, b []byte) ([]byte, bool){"dst": rtnl.AppendRouteDst})
	return eachItem(a, L, fn, func(ctx context.Context, cl *rtnl.Client, keep bool, yield func([]byte) error) error {
		var arena []byte
		return cl.EachRouteMessage(ctx, f, func(rd *rtnl.RouteDecoder, b []byte) error {
			dec = rd
			if !keep {
				return yield(b) // written before the next message is read
			}
			if len(b) > cap(arena)-len(arena) {
				arena = make([]byte, 0, max(routeArena, len(b)))
			}
			n := len(arena)
			arena = append(arena, b...)
			return yield(arena[n:len(arena):len(arena)])
		}, withTables(a.env))
	}, itemFuncs[[]byte]{
		record: func(L *lua.LState, p *[]byte) (*lua.LTable, error) {
			ok, err := recs.Check(*p)
			if err != nil || !ok {
				return nil, err
			}
			return recs.Record(L), nil
		},
		json: func(L *lua.LState, p *[]byte, dst []byte, depth int, val bindings.JSONValue) ([]byte, bool, error) {
			r, ok, err := recs.Load(*p)
			if err != nil || !ok {
				return dst, false, err
			}
			return recs.AppendJSON(L, r, dst, depth, val), true, nil
		},
	})
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
