package rtnl

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// requestQueue is the storage and sending shared by the queues of
// encoded requests (RouteQueue, AddrQueue): requests of one message
// type encoded as they are queued into chunks, devices named by
// placeholders resolved when the queue is sent, sent through the core's
// batch a window at a time with a failure per call, and undone (a
// rollback) from the same bytes. What differs between queues (where a
// request names devices, how it is described in errors, what undoes it)
// is its requestKind.
//
// A requestQueue is used by one goroutine at a time.
type requestQueue struct {
	op      string       // "route add", for errors
	header  codec.Header // of every queued request
	kind    requestKind
	chunks  []queueChunk
	n       int            // queued calls, refused ones included
	sent    int            // calls before this one were handed to the kernel
	refused []queueError   // calls refused when queued, in order
	devs    []devRef       // device k is placeholder devPlaceholder|k
	devIdx  map[devRef]int // k by device: a batch over many devices stays linear
	index   []int          // devs resolved by Send (0: failed, see devErr)
	devErr  []error
	scratch []byte      // a request being encoded
	slots   []int       // devSlots of a request being patched
	lastDev devRef      // the device placeholder last answered,
	lastK   int         // k (a run of calls names one device)
	deferTo devResolver // resolves every name to a placeholder
}

// requestKind is what a requestQueue needs to know of its requests.
type requestKind interface {
	// devSlots appends to dst the offset in request rec of each 4-byte
	// ifindex that names a device (and so may hold a placeholder). It
	// takes and returns a slice, not a callback, so that patching a
	// request allocates nothing.
	devSlots(rec []byte, dst []int) []int
	// describe is the object of request rec as errors name it, devices
	// named by devName.
	describe(rec []byte, devName func(idx int) string) string
	// appendUndo appends to dst the request that undoes rec (sent, its
	// devices resolved) and returns its message type.
	appendUndo(ctx context.Context, dst, rec []byte, devs *devResolver) (uint16, []byte, error)
}

// queueChunk holds records back to back: a little-endian u16 length,
// then the family header and attributes of one request (length 0: a
// refused call). Chunks are never reallocated, so a record can be sent
// in place.
type queueChunk struct {
	buf   []byte
	first int // call number of the first record
}

type queueError struct {
	call int
	err  error
}

// devRef is a device name a queued request refers to, with the field
// that named it (for the error if it does not exist).
type devRef struct{ field, name string }

const (
	// devPlaceholder marks an ifindex in a queued request that stands
	// for q.devs[ifindex&^devPlaceholder]; real ifindexes are positive
	// int32s and never have it.
	devPlaceholder = 1 << 31
	// queueChunkSize is the size of a queue's chunks: each new one costs
	// a page fault per 4 KiB, the same as one grown slice would.
	queueChunkSize = 64 << 10
	// queueWindow is how many queued requests Send and DelAdded hand
	// the core's batch at a time: their messages, not all of them.
	queueWindow = 1024
)

// init readies an empty queue of requests of op sent with header h.
func (q *requestQueue) init(op string, h codec.Header, kind requestKind) {
	q.op, q.header, q.kind = op, h, kind
	q.deferTo = devResolver{deferTo: q}
}

// push queues request b as the next call, or, when err is set, records
// the call as refused with err. b may be q.scratch: it is copied.
func (q *requestQueue) push(b []byte, err error) {
	if err == nil && len(b) > 0xffff {
		err = fmt.Errorf("%s: request of %d bytes is too large: %w", q.op, len(b), ErrInvalidArgument)
	}
	if err != nil {
		q.refused = append(q.refused, queueError{q.n, err})
		b = nil
	}
	c := q.chunkFor(2 + len(b))
	c.buf = binary.LittleEndian.AppendUint16(c.buf, uint16(len(b)))
	c.buf = append(c.buf, b...)
	q.n++
}

// chunkFor returns the chunk to append a record of size bytes to.
func (q *requestQueue) chunkFor(size int) *queueChunk {
	if k := len(q.chunks) - 1; k >= 0 && cap(q.chunks[k].buf)-len(q.chunks[k].buf) >= size {
		return &q.chunks[k]
	}
	q.chunks = append(q.chunks, queueChunk{buf: make([]byte, 0, max(queueChunkSize, size)), first: q.n})
	return &q.chunks[len(q.chunks)-1]
}

// placeholder is devResolver.index for a queue: the name's placeholder.
func (q *requestQueue) placeholder(field, name string) int {
	d := devRef{field, name}
	if len(q.devs) > 0 && d == q.lastDev {
		return devPlaceholder | q.lastK
	}
	k, ok := q.devIdx[d]
	if !ok {
		if q.devIdx == nil {
			q.devIdx = map[devRef]int{}
		}
		k = len(q.devs)
		q.devIdx[d] = k
		q.devs = append(q.devs, d)
	}
	q.lastDev, q.lastK = d, k
	return devPlaceholder | k
}

// each calls fn with every record in order, with its call number, until
// fn returns false.
func (q *requestQueue) each(fn func(i int, rec []byte) bool) {
	for _, c := range q.chunks {
		i := c.first
		for b := c.buf; len(b) >= 2; i++ {
			n := int(binary.LittleEndian.Uint16(b))
			if !fn(i, b[2:2+n:2+n]) {
				return
			}
			b = b[2+n:]
		}
	}
}

// Send sends the queued requests in order through the core's batch and
// calls failed(i, err) for each call i that failed, in order: a refused
// call with its error, a device that does not exist with an *ArgError,
// the kernel's refusal with its error, and, when the exchange itself
// fails, every call whose outcome is then unknown with that error (a
// caller journals those as maybe applied). Requests are patched in place
// with the devices' indexes, which DelAdded uses.
func (q *requestQueue) Send(ctx context.Context, c *Client, failed func(i int, err error)) {
	s := q.newSend(ctx, c, failed)
	s.resolve(q.devs)
	for _, ch := range q.chunks {
		s.records(ch.buf, ch.first, q.refused)
	}
	s.flush()
	q.sendDone(s)
}

// queueSend is one sending of a queue's requests, in order: the devices
// resolved so far and the window of messages being filled. It reads the
// queue's records and devices only as handed to it (records, resolve),
// so that it can run on another goroutine than the one filling the
// queue (see QueueSender); it writes only into the records it sends
// (their device slots).
type queueSend struct {
	ctx    context.Context
	c      *Client
	op     string
	header codec.Header
	kind   requestKind
	failed func(i int, err error)

	devs   *devResolver
	names  []devRef // devices resolved, by placeholder
	index  []int    // their indexes (0: failed, see devErr)
	devErr []error
	ms     []codec.Message
	calls  []int
	slots  []int
	broken error // the exchange failed: nothing more is sent
	sent   int   // calls before this one were handed to the kernel
}

func (q *requestQueue) newSend(ctx context.Context, c *Client, failed func(i int, err error)) *queueSend {
	return &queueSend{ctx: ctx, c: c, op: q.op, header: q.header, kind: q.kind, failed: failed,
		devs: c.devs(), ms: make([]codec.Message, 0, min(q.n, queueWindow)), calls: make([]int, 0, min(q.n, queueWindow))}
}

// sendDone keeps what a finished sending learnt, for DelAdded and
// errors: the devices' indexes and how far it went.
func (q *requestQueue) sendDone(s *queueSend) {
	q.index, q.devErr = s.index, s.devErr
	q.sent = max(q.sent, s.sent)
}

// resolve resolves the devices of devs (the queue's, in placeholder
// order) that it has not resolved yet.
func (s *queueSend) resolve(devs []devRef) {
	for k := len(s.index); k < len(devs); k++ {
		d := devs[k]
		i, err := s.devs.index(s.ctx, s.op, d.field, d.name)
		s.names = append(s.names, d)
		s.index, s.devErr = append(s.index, i), append(s.devErr, err)
	}
}

// records sends (a window at a time) the records of buf, the first
// being call first; refused holds the calls refused when queued
// (ascending; those outside buf's are ignored).
func (s *queueSend) records(buf []byte, first int, refused []queueError) {
	for len(refused) > 0 && refused[0].call < first {
		refused = refused[1:]
	}
	for i, b := first, buf; len(b) >= 2; i++ {
		n := int(binary.LittleEndian.Uint16(b))
		rec := b[2 : 2+n : 2+n]
		b = b[2+n:]
		switch {
		case len(refused) > 0 && refused[0].call == i:
			s.failed(i, refused[0].err)
			refused = refused[1:]
		case s.broken != nil:
			s.failed(i, s.broken)
		default:
			if err := s.patch(rec); err != nil {
				s.failed(i, err)
				continue
			}
			s.ms = append(s.ms, codec.Message{Header: s.header, Data: rec})
			s.calls = append(s.calls, i)
			s.sent = i + 1
			if len(s.ms) == queueWindow {
				s.flush()
			}
		}
	}
}

// flush sends the window.
func (s *queueSend) flush() {
	if len(s.ms) == 0 {
		return
	}
	errs, err := s.c.batch(s.ctx, s.ms, func(j int) string { return s.kind.describe(s.ms[j].Data, s.devName) })
	for j, i := range s.calls {
		switch {
		case j < len(errs) && errs[j] != nil:
			s.failed(i, errs[j])
		case err != nil:
			s.failed(i, err)
		}
	}
	if err != nil {
		s.broken = err
	}
	s.ms, s.calls = s.ms[:0], s.calls[:0]
}

// devName is the name of a device resolved to idx ("" if none).
func (s *queueSend) devName(idx int) string {
	return devNameOf(s.names, s.index, s.devErr, idx)
}

// patch replaces the device placeholders of request rec with the
// indexes resolved; a device that does not exist is the error of the
// request.
func (s *queueSend) patch(rec []byte) error {
	s.slots = s.kind.devSlots(rec, s.slots[:0])
	// Check every slot before patching any: a request that is not sent
	// keeps all its placeholders (see unsent).
	for _, off := range s.slots {
		v := binary.LittleEndian.Uint32(rec[off:])
		if v&devPlaceholder == 0 {
			continue
		}
		k := int(v &^ devPlaceholder)
		if k >= len(s.index) {
			return fmt.Errorf("%s: device placeholder %d of %d", s.op, k, len(s.index))
		}
		if s.devErr[k] != nil {
			return s.devErr[k]
		}
	}
	for _, off := range s.slots {
		if v := binary.LittleEndian.Uint32(rec[off:]); v&devPlaceholder != 0 {
			binary.LittleEndian.PutUint32(rec[off:], uint32(s.index[v&^devPlaceholder]))
		}
	}
	return nil
}

// unsent reports whether request rec still names a device by
// placeholder: its device did not resolve and Send did not send it.
func (q *requestQueue) unsent(rec []byte) bool {
	q.slots = q.kind.devSlots(rec, q.slots[:0])
	for _, off := range q.slots {
		if binary.LittleEndian.Uint32(rec[off:])&devPlaceholder != 0 {
			return true
		}
	}
	return false
}

// devName is the name of a device Send resolved to idx ("" if none).
func (q *requestQueue) devName(idx int) string {
	return devNameOf(q.devs, q.index, q.devErr, idx)
}

// devNameOf is the name among devs of the device resolved to idx.
func devNameOf(devs []devRef, index []int, devErr []error, idx int) string {
	for k, i := range index {
		if i == idx && idx != 0 && devErr[k] == nil {
			return devs[k].name
		}
	}
	return ""
}

// DelAdded undoes, newest first, what the queued requests did when Send
// sent them: every call but those skip lists (ascending), which a caller
// knows changed nothing (the kernel refused them), and but refused calls
// and calls Send did not send (an unknown device's). It returns every
// failure, each naming its object, those of objects already gone
// included.
func (q *requestQueue) DelAdded(ctx context.Context, c *Client, skip []int) []error {
	var out []error
	devs := c.devs()
	var (
		buf   []byte
		ms    []codec.Message
		offs  []int
		calls []int
		recs  [][]byte
	)
	send := func() bool {
		if len(ms) == 0 {
			return true
		}
		// buf may have moved while it grew: point the messages at it now.
		for j := range ms {
			end := len(buf)
			if j+1 < len(ms) {
				end = offs[j+1]
			}
			ms[j].Data = buf[offs[j]:end:end]
		}
		errs, err := c.batch(ctx, ms, func(j int) string { return q.kind.describe(ms[j].Data, q.devName) })
		for _, e := range errs {
			if e != nil {
				out = append(out, e)
			}
		}
		if err != nil {
			out = append(out, err)
			return false
		}
		buf, ms, offs = buf[:0], ms[:0], offs[:0]
		return true
	}
	for k := len(q.chunks) - 1; k >= 0; k-- {
		// The records of one chunk, found forwards, undone backwards.
		calls, recs = calls[:0], recs[:0]
		i := q.chunks[k].first
		for b := q.chunks[k].buf; len(b) >= 2; i++ {
			n := int(binary.LittleEndian.Uint16(b))
			recs = append(recs, b[2:2+n])
			calls = append(calls, i)
			b = b[2+n:]
		}
		for j := len(recs) - 1; j >= 0; j-- {
			for len(skip) > 0 && skip[len(skip)-1] > calls[j] {
				skip = skip[:len(skip)-1]
			}
			if len(recs[j]) == 0 || calls[j] >= q.sent || (len(skip) > 0 && skip[len(skip)-1] == calls[j]) || q.unsent(recs[j]) {
				continue
			}
			start := len(buf)
			typ, b, err := q.kind.appendUndo(ctx, buf, recs[j], devs)
			if err != nil {
				out = append(out, fmt.Errorf("%s: undo of queued call %d: %w", q.op, calls[j], err))
				buf = buf[:start]
				continue
			}
			buf = b
			ms = append(ms, codec.Message{Header: codec.Header{Type: typ}})
			offs = append(offs, start)
			if len(ms) == queueWindow && !send() {
				return out
			}
		}
	}
	send()
	return out
}
