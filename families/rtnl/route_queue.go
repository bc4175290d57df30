package rtnl

import (
	"context"
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
	requestQueue
	tables *Tables
}

// NewRouteQueue returns an empty queue of route adds. Options are those
// of AddRoutes but ExistOK, which a queue does not take.
func NewRouteQueue(opts ...CallOption) *RouteQueue {
	o := collectOptions(opts)
	q := &RouteQueue{tables: o.tablesFor()}
	q.init("route add", codec.Header{Type: rtmNewRoute, Flags: codec.Create | codec.Excl}, routeKind{q.tables})
	return q
}

// Len is the number of queued calls.
func (q *RouteQueue) Len() int { return q.n }

// Add queues the add of r (normalized in place, its devices left named).
// A route whose arguments cannot be right is refused: Add returns the
// error, and Send reports it as that call's failure without sending it.
func (q *RouteQueue) Add(r *Route) error {
	typ, b, err := appendRouteRequest(context.Background(), q.scratch[:0], q.op, r, q.header.Flags, q.tables, &q.deferTo)
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
	q.push(b, err)
	return err
}

// DelAdded deletes, newest first, the routes that the queue's adds made
// when Send sent them: every call but those skip lists (ascending), which
// a caller knows changed nothing (the kernel refused them), and but
// refused calls and calls Send did not send (an unknown device's). Each
// delete names exactly the route its add made (its Key). It returns every
// failure, those of routes already gone (ESRCH, ENODEV) included, each
// naming its route.
func (q *RouteQueue) DelAdded(ctx context.Context, c *Client, skip []int) []error {
	return q.requestQueue.DelAdded(ctx, c, skip)
}

// routeKind is the requestKind of route adds.
type routeKind struct{ tables *Tables }

// devSlots are a route's RTA_OIF and its next hops' ifindexes.
func (k routeKind) devSlots(rec []byte, dst []int) []int {
	var d codec.Decoder
	off := min(rtmsgLen, len(rec)) // of the attribute d.Next reads
	d.Reset(rec[off:])
	for d.Next() {
		p, at := d.Bytes(), off+4 // at: offset of p in rec
		off += codec.Align(4 + len(p))
		switch {
		case d.Type() == rtaOif && len(p) >= 4:
			dst = append(dst, at)
		case d.Type() == rtaMultipath:
			for len(p) >= rtnexthopLen {
				n := int(uint16(p[0]) | uint16(p[1])<<8)
				if n < rtnexthopLen || n > len(p) {
					break
				}
				dst = append(dst, at+4)
				step := min(codec.Align(n), len(p))
				p, at = p[step:], at+step
			}
		}
	}
	return dst
}

// describe is the route as errors name it (see Route.object).
func (k routeKind) describe(rec []byte, devName func(int) string) string {
	rd := routeDecoder{tables: k.tables}
	var r Route
	if err := rd.decode(&r, rec); err != nil {
		return "route"
	}
	r.Dev = devName(r.Ifindex)
	return r.object()
}

// appendUndo is the delete of the route's Key.
func (k routeKind) appendUndo(ctx context.Context, dst, rec []byte, devs *devResolver) (uint16, []byte, error) {
	rd := routeDecoder{tables: k.tables}
	var r Route
	if err := rd.decode(&r, rec); err != nil {
		return 0, dst, err
	}
	key := r.Key()
	return appendRouteRequest(ctx, dst, "route del", &key, 0, k.tables, devs)
}

// Key is what deletes exactly the route r: its family, type, destination,
// tos, gateway, device, table and metric, and nothing that would fail to
// match what the kernel keeps (protocol, scope, flags and the rest are
// left to match any).
func (r *Route) Key() Route {
	return Route{Family: r.Family, Type: r.Type, Dst: r.Dst, Tos: r.Tos, Gateway: r.Gateway, Via: r.Via,
		Dev: r.Dev, Ifindex: r.Ifindex, Table: r.Table, TableName: r.TableName, Metric: r.Metric}
}
