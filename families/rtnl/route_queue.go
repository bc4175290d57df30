package rtnl

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// RouteQueue holds route adds encoded as they are queued, to be sent
// later, in order, as AddRoutes sends them: a queued route costs the bytes
// of its request (40 for an IPv4 host route on a device) instead of a
// Route. Devices are named in the requests by placeholders and resolved
// when the queue is sent, so a queue may name a link that a request sent
// before it creates. After Send, DelAdded deletes what the adds made (a
// rollback), from the same bytes.
//
// A RouteQueue is used by one goroutine at a time.
type RouteQueue struct {
	tables  *Tables
	chunks  []routeChunk
	n       int            // queued calls, refused ones included
	sent    int            // calls before this one were handed to the kernel
	refused []queueError   // calls refused when queued, in order
	devs    []devRef       // device k is placeholder devPlaceholder|k
	devIdx  map[devRef]int // k by device: a batch over many devices stays linear
	index   []int          // devs resolved by Send (0: failed, see devErr)
	devErr  []error
	scratch []byte
	devs0   devResolver // resolves every name to a placeholder
}

// routeChunk holds records back to back: a little-endian u16 length, then
// the rtmsg and attributes of one request (length 0: a refused call).
// Chunks are never reallocated, so a record can be sent in place.
type routeChunk struct {
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
	// routeChunkSize is the size of a queue's chunks: each new one costs
	// a page fault per 4 KiB, the same as one grown slice would.
	routeChunkSize = 64 << 10
	// routeWindow is how many queued requests Send and DelAdded hand
	// the core's batch at a time: their messages, not all of them.
	routeWindow = 1024
)

// NewRouteQueue returns an empty queue of route adds. Options are those
// of AddRoutes but ExistOK, which a queue does not take.
func NewRouteQueue(opts ...CallOption) *RouteQueue {
	o := collectOptions(opts)
	q := &RouteQueue{tables: o.tablesFor()}
	q.devs0 = devResolver{deferTo: q}
	return q
}

// Len is the number of queued calls.
func (q *RouteQueue) Len() int { return q.n }

// Add queues the add of r (normalized in place, its devices left named).
// A route whose arguments
// cannot be right is refused: Add returns the error, and Send reports it
// as that call's failure without sending it.
func (q *RouteQueue) Add(r *Route) error {
	typ, b, err := appendRouteRequest(context.Background(), q.scratch[:0], "route add", r, codec.Create|codec.Excl, q.tables, &q.devs0)
	if err == nil && typ != rtmNewRoute {
		err = fmt.Errorf("route add: encoded as message type %d", typ)
	}
	if err == nil && len(b) > 0xffff {
		err = badArg("dst", r.DstString(), "request of %d bytes is too large", len(b))
	}
	q.scratch = b
	// Placeholders stay in the queue: r keeps its devices by name.
	if r.Ifindex&devPlaceholder != 0 {
		r.Ifindex = 0
	}
	for i := range r.Nexthops {
		if r.Nexthops[i].Ifindex&devPlaceholder != 0 {
			r.Nexthops[i].Ifindex = 0
		}
	}
	if err != nil {
		q.refused = append(q.refused, queueError{q.n, err})
		b = nil
	}
	c := q.chunkFor(2 + len(b))
	c.buf = binary.LittleEndian.AppendUint16(c.buf, uint16(len(b)))
	c.buf = append(c.buf, b...)
	q.n++
	return err
}

// chunkFor returns the chunk to append a record of size bytes to.
func (q *RouteQueue) chunkFor(size int) *routeChunk {
	if k := len(q.chunks) - 1; k >= 0 && cap(q.chunks[k].buf)-len(q.chunks[k].buf) >= size {
		return &q.chunks[k]
	}
	q.chunks = append(q.chunks, routeChunk{buf: make([]byte, 0, max(routeChunkSize, size)), first: q.n})
	return &q.chunks[len(q.chunks)-1]
}

// placeholder is devResolver.index for a queue: the name's placeholder.
func (q *RouteQueue) placeholder(field, name string) int {
	d := devRef{field, name}
	if k, ok := q.devIdx[d]; ok {
		return devPlaceholder | k
	}
	if q.devIdx == nil {
		q.devIdx = map[devRef]int{}
	}
	q.devIdx[d] = len(q.devs)
	q.devs = append(q.devs, d)
	return devPlaceholder | (len(q.devs) - 1)
}

// each calls fn with every record in order, with its call number.
func (q *RouteQueue) each(fn func(i int, rec []byte) bool) {
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

// Send sends the queued adds in order through the core's batch and calls
// failed(i, err) for each call i that failed, in order: a refused call
// with its Add error, a device that does not exist with an *ArgError,
// the kernel's refusal with its error, and, when the exchange itself
// fails, every call whose outcome is then unknown with that error (a
// caller journals those as maybe applied). Requests are patched in place
// with the devices' indexes, which DelAdded uses.
func (q *RouteQueue) Send(ctx context.Context, c *Client, failed func(i int, err error)) {
	devs := c.devs()
	q.index, q.devErr = make([]int, len(q.devs)), make([]error, len(q.devs))
	for k, d := range q.devs {
		q.index[k], q.devErr[k] = devs.index(ctx, "route add", d.field, d.name)
	}
	ms := make([]codec.Message, 0, min(q.n, routeWindow))
	calls := make([]int, 0, cap(ms))
	refused := q.refused
	var broken error // the exchange failed: nothing more is sent
	send := func() {
		if len(ms) == 0 {
			return
		}
		errs, err := c.batch(ctx, ms, func(j int) string { return q.describe(ms[j].Data) })
		for j, i := range calls {
			switch {
			case j < len(errs) && errs[j] != nil:
				failed(i, errs[j])
			case err != nil:
				failed(i, err)
			}
		}
		if err != nil {
			broken = err
		}
		ms, calls = ms[:0], calls[:0]
	}
	q.each(func(i int, rec []byte) bool {
		if len(refused) > 0 && refused[0].call == i {
			failed(i, refused[0].err)
			refused = refused[1:]
			return true
		}
		if broken != nil {
			failed(i, broken)
			return true
		}
		if err := q.patch(rec); err != nil {
			failed(i, err)
			return true
		}
		ms = append(ms, codec.Message{Header: codec.Header{Type: rtmNewRoute, Flags: codec.Create | codec.Excl}, Data: rec})
		calls = append(calls, i)
		q.sent = i + 1
		if len(ms) == routeWindow {
			send()
		}
		return true
	})
	send()
}

// patch replaces the device placeholders of request rec (its RTA_OIF and
// its next hops' ifindexes) with the indexes Send resolved; a device that
// does not exist is the error of the request.
func (q *RouteQueue) patch(rec []byte) error {
	fix := func(p []byte) error {
		v := binary.LittleEndian.Uint32(p)
		if v&devPlaceholder == 0 {
			return nil
		}
		k := int(v &^ devPlaceholder)
		if k >= len(q.index) {
			return fmt.Errorf("route add: device placeholder %d of %d", k, len(q.index))
		}
		if q.devErr[k] != nil {
			return q.devErr[k]
		}
		binary.LittleEndian.PutUint32(p, uint32(q.index[k]))
		return nil
	}
	return eachAttr(rec[min(rtmsgLen, len(rec)):], func(typ uint16, p []byte) error {
		switch {
		case typ == rtaOif && len(p) >= 4:
			return fix(p)
		case typ == rtaMultipath:
			for len(p) >= rtnexthopLen {
				n := int(binary.LittleEndian.Uint16(p))
				if n < rtnexthopLen || n > len(p) {
					break
				}
				if err := fix(p[4:8]); err != nil {
					return err
				}
				p = p[min(codec.Align(n), len(p)):]
			}
		}
		return nil
	})
}

// eachAttr walks the attributes of b, which this package encoded.
func eachAttr(b []byte, fn func(typ uint16, payload []byte) error) error {
	for len(b) >= 4 {
		n := int(binary.LittleEndian.Uint16(b))
		if n < 4 || n > len(b) {
			return nil
		}
		if err := fn(binary.LittleEndian.Uint16(b[2:])&^(codec.AttrNested|codec.AttrNetByteOrder), b[4:n]); err != nil {
			return err
		}
		b = b[min(codec.Align(n), len(b)):]
	}
	return nil
}

// describe is the object of a failed request: the route as errors name
// it (see Route.object), its device named as the call named it.
func (q *RouteQueue) describe(req []byte) string {
	rd := routeDecoder{tables: q.tables}
	var r Route
	if err := rd.decode(&r, req); err != nil {
		return "route"
	}
	r.Dev = q.devName(r.Ifindex)
	return r.object()
}

// devName is the name of a device Send resolved to idx ("" if none).
func (q *RouteQueue) devName(idx int) string {
	for k, i := range q.index {
		if i == idx && idx != 0 && q.devErr[k] == nil {
			return q.devs[k].name
		}
	}
	return ""
}

// DelAdded deletes, newest first, the routes that the queue's adds made
// when Send sent them: every call but those skip lists (ascending), which
// a caller knows changed nothing (the kernel refused them), and but
// refused calls and calls Send did not send (an unknown device's). Each delete names exactly the route its add made (its
// Key). It returns every failure, those of routes already gone (ESRCH,
// ENODEV) included, each naming its route.
func (q *RouteQueue) DelAdded(ctx context.Context, c *Client, skip []int) []error {
	var out []error
	devs := c.devs()
	var (
		buf   []byte
		ms    []codec.Message
		offs  []int
		calls []int
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
		errs, err := c.batch(ctx, ms, func(j int) string { return q.describe(ms[j].Data) })
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
	var rd routeDecoder
	rd.tables = q.tables
	for k := len(q.chunks) - 1; k >= 0; k-- {
		// The records of one chunk, found forwards, deleted backwards.
		calls = calls[:0]
		recs := make([][]byte, 0, 64)
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
			if len(recs[j]) == 0 || calls[j] >= q.sent || (len(skip) > 0 && skip[len(skip)-1] == calls[j]) {
				continue
			}
			var r Route
			if err := rd.decode(&r, recs[j]); err != nil {
				out = append(out, fmt.Errorf("route del: queued request %d: %w", calls[j], err))
				continue
			}
			if unsent(&r) {
				continue // its device did not resolve: never sent
			}
			key := r.Key()
			start := len(buf)
			typ, b, err := appendRouteRequest(ctx, buf, "route del", &key, 0, q.tables, devs)
			if err != nil {
				out = append(out, err)
				continue
			}
			buf = b
			ms = append(ms, codec.Message{Header: codec.Header{Type: typ}})
			offs = append(offs, start)
			if len(ms) == routeWindow && !send() {
				return out
			}
		}
	}
	send()
	return out
}

// unsent reports whether a decoded queued request still names a device
// by placeholder, which Send does not send.
func unsent(r *Route) bool {
	if r.Ifindex&devPlaceholder != 0 {
		return true
	}
	for _, nh := range r.Nexthops {
		if nh.Ifindex&devPlaceholder != 0 {
			return true
		}
	}
	return false
}

// Key is what deletes exactly the route r: its family, type, destination,
// tos, gateway, device, table and metric, and nothing that would fail to
// match what the kernel keeps (protocol, scope, flags and the rest are
// left to match any).
func (r *Route) Key() Route {
	return Route{Family: r.Family, Type: r.Type, Dst: r.Dst, Tos: r.Tos, Gateway: r.Gateway, Via: r.Via,
		Dev: r.Dev, Ifindex: r.Ifindex, Table: r.Table, TableName: r.TableName, Metric: r.Metric}
}
