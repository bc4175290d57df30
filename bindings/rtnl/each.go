package rtnl

import (
	"context"
	"errors"
	"fmt"

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

// stream is one each iterator. For the Lua loop the dump runs on a
// goroutine of its own (a reader), started by the first call, that
// collects up to streamBatch decoded objects (a datagram's worth and
// more) per batch and keeps up to readAhead batches ready; the Lua side
// converts them one per call of the Lua iterator, and waits only when no
// batch is ready. So on two cores the kernel filling the dump's datagrams
// and the decoding overlap the Lua loop, and the dump is still never held
// whole. --json printing an iterator not yet called runs the dump itself
// instead (its JSON stream's push form), writing each object as it
// arrives, from the memory it arrives in. It runs on its own connection
// (a dump holds its connection until it ends), so the loop body can make
// other rtnl calls; when the loop runs to the end the connection goes
// back to the runtime's spares, and when it breaks out early the stream
// stays suspended (its reader waiting, at most readAhead batches ahead)
// until the runtime closes or maxOpenStreams newer ones push it out (no
// finalizers).
type stream struct {
	stopFn func() // stops the reader and waits for it; nil until it starts
	cancel context.CancelFunc
	cl     *rtnl.Client
	target netns.Target
	c      *conns
	done   bool
	untie  func() // unties the iterator's field stream
}

// streamBatch is how many objects the dump side collects per hand-over.
const streamBatch = 256

// readAhead is how many batches a stream's reader may have ready before
// the Lua side takes them: enough that the Lua side seldom waits while
// the reader reads the next datagram, few enough that a stream holds a
// bounded part of the dump.
const readAhead = 3

// finish ends the dump (reading what is left, so the connection is clean)
// and releases the connection, once the reader has returned: no
// goroutine of the stream touches the connection after.
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
// reuses for the next. restart (an rtnl.OnRestart) goes to the Each call:
// a dump the kernel starts over before any item reached Lua goes on
// unseen, one after ends the stream with rtnl.ErrStreamRestarted (the
// loop would see items again, or stale ones).
type dumpFunc[E any] func(ctx context.Context, cl *rtnl.Client, keep bool, restart rtnl.CallOption, yield func(E) error) error

// restartedAfter is the error of a stream whose dump the kernel started
// over after n items reached Lua.
func restartedAfter(n int) error {
	return fmt.Errorf("after %d reached the loop: %w", n, rtnl.ErrStreamRestarted)
}

// reader runs a stream's dump (keep true) on a goroutine of its own,
// handing the Lua side batches of items through ready, up to readAhead
// ahead of it. When items point into their batch (keeps), every batch is
// new; else the Lua side hands each batch back through free when it takes
// the next, and the reader reuses it.
type reader[E any] struct {
	ready chan []E      // full batches, then the last; closed at the end
	free  chan []E      // batches the Lua side is done with; nil: keeps
	quit  chan struct{} // closed to stop the dump
	done  chan struct{} // closed when the goroutine has returned
	// err is the error that ended the dump and panicked what the dump
	// panicked with: written before ready is closed, read after.
	err      error
	panicked any
	held     []E // the Lua side's batch (for free)
}

// startReader starts dump on a goroutine of its own: it stops at the
// dump's end, when stop is called, or when ctx is cancelled (the dump's
// error then).
func startReader[E any](ctx context.Context, cl *rtnl.Client, dump dumpFunc[E], keeps bool) *reader[E] {
	r := &reader[E]{
		ready: make(chan []E, readAhead),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	if !keeps {
		r.free = make(chan []E, readAhead+1)
	}
	go r.run(ctx, cl, dump)
	return r
}

// run is the reader's goroutine. Items collected before an error are
// handed out before it, unless ctx was cancelled (an interrupted wait,
// which raises the dump's error at once, or a stop).
func (r *reader[E]) run(ctx context.Context, cl *rtnl.Client, dump dumpFunc[E]) {
	defer close(r.done)
	defer func() {
		if p := recover(); p != nil {
			r.panicked = p // raised on the Lua side, as if it ran there
		}
		close(r.ready)
	}()
	buf := r.batch()
	sent := 0 // items handed to the Lua side
	restart := rtnl.OnRestart(func() error {
		if sent > 0 {
			return restartedAfter(sent)
		}
		clear(buf)
		buf = buf[:0] // nothing reached Lua: start over unseen
		return nil
	})
	err := dump(ctx, cl, true, restart, func(v E) error {
		buf = append(buf, v)
		if len(buf) < streamBatch {
			return nil
		}
		if !r.send(buf) {
			return errStopStream
		}
		sent += len(buf)
		buf = r.batch()
		return nil
	})
	if errors.Is(err, errStopStream) {
		return
	}
	if len(buf) > 0 && (err == nil || ctx.Err() == nil) && !r.send(buf) {
		return
	}
	r.err = err
}

// batch returns an empty batch: one handed back, or a new one.
func (r *reader[E]) batch() []E {
	select {
	case b := <-r.free: // nil channel (keeps): never ready
		clear(b)
		return b[:0]
	default:
		return make([]E, 0, streamBatch)
	}
}

// send hands b to the Lua side, waiting while readAhead batches are
// ready; false when the reader was stopped.
func (r *reader[E]) send(b []E) bool {
	select {
	case r.ready <- b:
		return true
	case <-r.quit:
		return false
	}
}

// next returns the next batch, or ok false at the end of the dump with
// the error that ended it. A wait for the reader is cut short, with
// the dump's error, when ctx (the context of the Lua call waiting) is
// done: cancel cancels the dump.
func (r *reader[E]) next(ctx context.Context, cancel context.CancelFunc) (b []E, ok bool, err error) {
	if r.free != nil && r.held != nil {
		select {
		case r.free <- r.held:
		default: // the reader has enough (it may have ended)
		}
	}
	r.held = nil
	select {
	case b, ok = <-r.ready:
	default:
		unwatch := context.AfterFunc(ctx, cancel)
		b, ok = <-r.ready
		unwatch()
	}
	if !ok {
		return nil, false, r.err
	}
	r.held = b
	return b, true, nil
}

// stop ends the dump (it reads what is left of it, so its connection is
// clean) and waits for the reader's goroutine to return.
func (r *reader[E]) stop(cancel context.CancelFunc) {
	close(r.quit)
	cancel() // a receive waiting for the kernel returns now
	<-r.done
}

// each is the each iterator of a dump of decoded objects: each object
// reaches Lua as a record under spec, which points into the object's
// batch instead of copying it, so a batch lives as long as one of its
// records does.
func each[T any](a *api, L *lua.LState, fn string, dump func(ctx context.Context, cl *rtnl.Client, restart rtnl.CallOption, yield func(T) error) error, spec *bindings.RecordSpec) int {
	recs := bindings.NewRecordMaker[T](L, spec)
	return eachItem(a, L, fn, func(ctx context.Context, cl *rtnl.Client, _ bool, restart rtnl.CallOption, yield func(T) error) error {
		return dump(ctx, cl, restart, yield) // items are values: never shared
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
	// every batch is new; else the reader reuses the batches the Lua
	// side is done with.
	keeps  bool
	record func(L *lua.LState, p *E) (*lua.LTable, error)
	json   func(L *lua.LState, p *E, dst []byte, depth int, val bindings.JSONValue) ([]byte, bool, error)
}

// eachItem is the one home of the each iterators: dump runs the family's
// Each call on a connection of the stream's own, handing every item to
// its yield; the items reach Lua through funcs. For the iterator the
// dump runs on a reader's goroutine (with keep true: what an item points
// at is never reused), so dump must touch nothing the Lua side uses
// (not L, not the env) once it has begun handing out items.
func eachItem[E any](a *api, L *lua.LState, fn string, dump dumpFunc[E], funcs itemFuncs[E]) int {
	c := connsOf(a.env)
	t := a.target()
	cl, err := c.streamClient(t)
	if err != nil {
		raise(L, fn, err)
	}
	// The stream outlives the call that made it (a script may return it,
	// for --json to print): its context keeps the values of that call's
	// but is cancelled only by the context of the call that waits for it.
	ctx, cancel := context.WithCancel(context.WithoutCancel(bindings.Context(L)))
	s := &stream{cancel: cancel, cl: cl, target: t, c: c}
	c.streams = append(c.streams, s)
	if len(c.streams) > maxOpenStreams {
		c.streams[0].stop()
	}
	var (
		rd      *reader[E] // nil: not started, or pushed in place
		started bool
		batch   []E
		pos     int
	)
	// nextItem is the next item, nil at the end; the iterator makes it a
	// record, the JSON stream (--json) writes its JSON.
	nextItem := func(L *lua.LState) *E {
		if s.done {
			return nil
		}
		if pos == len(batch) {
			if !started {
				started = true
				rd = startReader(ctx, cl, dump, funcs.keeps)
				s.stopFn = func() { rd.stop(cancel) }
			}
			if rd == nil {
				return nil // the push form runs the dump
			}
			v, ok, err := rd.next(bindings.Context(L), cancel)
			batch, pos = v, 0
			switch {
			case !ok && rd.panicked != nil: // read once ready is closed
				s.finish(false)
				panic(rd.panicked)
			case err != nil:
				s.finish(false)
				raise(L, fn, err)
			case !ok:
				s.finish(true)
				return nil
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
		if started || s.done {
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
		// nothing: no batches, no copies, no goroutines.
		started = true
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
			written int
		)
		restart := rtnl.OnRestart(func() error {
			if written > 0 {
				return restartedAfter(written)
			}
			return nil
		})
		err := dump(ctx, cl, false, restart, func(v E) error {
			cur = v
			dst, depth := sink.Next()
			out, ok, err := funcs.json(L, &cur, dst, depth, val)
			if err != nil {
				itemErr = err
				sink.Put(dst, false)
				return errStopStream
			}
			if ok {
				written++
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
// collector scans), and prepares its record there: a plain route is
// checked (RouteDecoder.CheckDst: well formed, taken by the filter) as
// its dst is read, so the Lua side only makes the record's table, and
// decodes the message, into one Route it reuses, when a field other than
// dst is read (again only when it is read after a newer one). A message
// the check is not sure of is decoded by the Lua side when it hands the
// route out, so a malformed message raises there. --json's push reads
// each message where the socket received it, decoded and written before
// the next is read, and makes no record (the maker's last bytes then
// alias the socket's buffer, which is harmless: no record of the maker
// is made after).
func (a *api) routeEach(L *lua.LState) int {
	const fn = "rtnl.route.each"
	f := readRouteFilter(bindings.OptTable(L, 1, fn))
	// dec is the dump's decoder, set once by the dump side before it
	// hands out the first message (the hand-over orders the two sides;
	// the dump side then only calls its CheckDst, which may run beside
	// the Lua side's Decode).
	var dec *rtnl.RouteDecoder
	recs := bindings.NewLazyRecordMaker(L, routeSpec, func(r *rtnl.Route, b []byte) (bool, error) {
		return dec.Decode(r, b)
	})
	// A route handed out to the loop is checked, not decoded, when the
	// decoder can tell it is well formed and whether the filter takes it
	// (a plain route), and its dst read from its bytes: a loop that reads
	// r.dst decodes no plain route whole. The dump side checks each as it
	// reads its dst, the field nearly every loop reads (prep), so the
	// loop only makes the route's table; the dst of a route it was not
	// sure of is read from the bytes too.
	recs.Fast(nil, map[string]func(dst, b []byte) ([]byte, bool){"dst": rtnl.AppendRouteDst})
	recs.ReadAhead("dst", func(dst, b []byte) ([]byte, bool, bool) { return dec.CheckDst(dst, b) })
	prep := recs.Preparer()
	tables := withTables(a.env) // here: the dump side must not touch the env
	return eachItem(a, L, fn, func(ctx context.Context, cl *rtnl.Client, keep bool, restart rtnl.CallOption, yield func(bindings.Prepared) error) error {
		var (
			arena []byte
			p     bindings.Prepared
		)
		first := true
		return cl.EachRouteMessage(ctx, f, func(rd *rtnl.RouteDecoder, b []byte) error {
			if first {
				dec, first = rd, false
			}
			if !keep {
				prep.Unchecked(&p, b)
				return yield(p) // written before the next message is read
			}
			if len(b) > cap(arena)-len(arena) {
				arena = make([]byte, 0, max(routeArena, len(b)))
			}
			n := len(arena)
			arena = append(arena, b...)
			if !prep.Prepare(&p, arena[n:len(arena):len(arena)]) {
				return nil
			}
			return yield(p)
		}, tables, restart)
	}, itemFuncs[bindings.Prepared]{
		keeps: true,
		record: func(L *lua.LState, p *bindings.Prepared) (*lua.LTable, error) {
			return recs.Table(L, p)
		},
		json: func(L *lua.LState, p *bindings.Prepared, dst []byte, depth int, val bindings.JSONValue) ([]byte, bool, error) {
			r, ok, err := recs.Load(p.Bytes())
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
	return each(a, L, "rtnl.link.each", func(ctx context.Context, cl *rtnl.Client, restart rtnl.CallOption, yield func(rtnl.Link) error) error {
		return cl.EachLink(ctx, f, func(l *rtnl.Link) error { return yield(*l) }, restart)
	}, linkSpec)
}

// addrEach is rtnl.addr.each{dev=, family=}: addresses one at a time.
func (a *api) addrEach(L *lua.LState) int {
	f := readAddrFilter(bindings.OptTable(L, 1, "rtnl.addr.each"))
	return each(a, L, "rtnl.addr.each", func(ctx context.Context, cl *rtnl.Client, restart rtnl.CallOption, yield func(rtnl.Address) error) error {
		return cl.EachAddr(ctx, f, yield, restart)
	}, addrSpec)
}

// neighEach is rtnl.neigh.each{dev=, family=, proxy=}: neighbours one at
// a time.
func (a *api) neighEach(L *lua.LState) int {
	f := readNeighFilter(bindings.OptTable(L, 1, "rtnl.neigh.each"))
	return each(a, L, "rtnl.neigh.each", func(ctx context.Context, cl *rtnl.Client, restart rtnl.CallOption, yield func(rtnl.Neigh) error) error {
		return cl.EachNeigh(ctx, f, yield, restart)
	}, neighSpec)
}
