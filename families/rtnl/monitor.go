package rtnl

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// ErrEventsLost reports that the kernel dropped events because the
// monitor's socket buffer was full (ENOBUFS). The monitor stays usable;
// the caller should resynchronise (list again). It matches under
// errors.Is, and so does syscall.ENOBUFS.
var ErrEventsLost = errors.New("rtnetlink events lost, resync")

// EventConn is a connection subscribed to multicast groups.
type EventConn interface {
	// Receive waits for the next datagram of events. A buffer overrun is
	// an error matching ErrEventsLost.
	Receive(ctx context.Context) ([]codec.Message, error)
	Close() error
}

// Subscriber is implemented by Conns that can open a subscription to
// rtnetlink multicast groups (SocketConn does, with a new socket in the
// same namespace). Monitor needs it.
type Subscriber interface {
	Subscribe(ctx context.Context, groups []uint32) (EventConn, error)
}

// Group is a class of rtnetlink events, named as ip monitor names them.
type Group string

// Event groups.
const (
	GroupLink  Group = "link"
	GroupAddr  Group = "addr"
	GroupRoute Group = "route"
	GroupNeigh Group = "neigh"
	GroupRule  Group = "rule"
)

// groupTable lists each Group's RTNLGRP_* multicast groups.
var groupTable = [...]struct {
	group Group
	ids   []uint32
}{
	{GroupLink, []uint32{1}},      // RTNLGRP_LINK
	{GroupAddr, []uint32{5, 9}},   // RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR
	{GroupRoute, []uint32{7, 11}}, // RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE
	{GroupNeigh, []uint32{3}},     // RTNLGRP_NEIGH
	{GroupRule, []uint32{8, 19}},  // RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE
}

// groupIDs returns the multicast groups of g; ok is false for a group not
// in groupTable.
func groupIDs(g Group) (ids []uint32, ok bool) {
	for _, e := range groupTable {
		if e.group == g {
			return e.ids, true
		}
	}
	return nil, false
}

// Event is one change the kernel announced.
type Event struct {
	// Type is the message type name: "RTM_NEWLINK", "RTM_DELADDR", ...
	Type string
	// Deleted is true for RTM_DEL* events.
	Deleted bool
	// Group says which kind of object changed.
	Group Group
	// Object is the decoded object: *Link, *Address, *Route, *Neigh or
	// *Rule (see eventDecoders).
	Object any
	// Msg is the raw message (owned by the event).
	Msg codec.Message
}

// Link returns the event's link, or nil for other events.
func (e *Event) Link() *Link {
	l, _ := e.Object.(*Link)
	return l
}

// eventDecoder decodes one event message; nil leaves Object nil.
type eventDecoder struct {
	group   Group
	deleted bool
	decode  func(codec.Message) (any, error)
}

func decodeLinkEvent(m codec.Message) (any, error) {
	l, err := decodeLink(m.Data)
	if err == nil {
		resolveLink(l, nil)
	}
	return l, err
}

// pointerTo adapts a part's DecodeX function to an event decoder whose
// Object is a *X.
func pointerTo[T any](decode func(codec.Message) (T, error)) func(codec.Message) (any, error) {
	return func(m codec.Message) (any, error) {
		v, err := decode(m)
		if err != nil {
			return nil, err
		}
		return &v, nil
	}
}

// eventDecoders returns the table of event message types and the decode
// function of each: Object is a *Link, *Address, *Route, *Neigh or *Rule.
// It is built on first use (a monitor's first event).
var eventDecoders = sync.OnceValue(func() map[uint16]eventDecoder {
	return map[uint16]eventDecoder{
		rtmNewLink:  {GroupLink, false, decodeLinkEvent},
		rtmDelLink:  {GroupLink, true, decodeLinkEvent},
		rtmNewAddr:  {GroupAddr, false, pointerTo(DecodeAddr)},
		rtmDelAddr:  {GroupAddr, true, pointerTo(DecodeAddr)},
		rtmNewRoute: {GroupRoute, false, pointerTo(DecodeRoute)},
		rtmDelRoute: {GroupRoute, true, pointerTo(DecodeRoute)},
		rtmNewNeigh: {GroupNeigh, false, pointerTo(DecodeNeigh)},
		rtmDelNeigh: {GroupNeigh, true, pointerTo(DecodeNeigh)},
		rtmNewRule:  {GroupRule, false, pointerTo(DecodeRule)},
		rtmDelRule:  {GroupRule, true, pointerTo(DecodeRule)},
	}
})

// Monitor is a subscription to rtnetlink events. Use it from one
// goroutine; Close it when done.
type Monitor struct {
	ec      EventConn
	groups  []Group
	pending []codec.Message
}

// Monitor subscribes to the given event groups (all five when none are
// given). Events that happen after Monitor returns are delivered by Next.
func (c *Client) Monitor(ctx context.Context, groups ...Group) (*Monitor, error) {
	sub, ok := c.conn.(Subscriber)
	if !ok {
		return nil, fmt.Errorf("rtnetlink monitor: connection %T cannot subscribe to events", c.conn)
	}
	if len(groups) == 0 {
		groups = []Group{GroupLink, GroupAddr, GroupRoute, GroupNeigh, GroupRule}
	}
	var ids []uint32
	for _, g := range groups {
		gs, ok := groupIDs(g)
		if !ok {
			return nil, argErr("groups", string(g), "unknown event group (link, addr, route, neigh, rule)")
		}
		for _, id := range gs {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	ec, err := sub.Subscribe(ctx, ids)
	if err != nil {
		return nil, err
	}
	return &Monitor{ec: ec, groups: groups}, nil
}

// Next returns the next event, waiting until one comes or ctx ends. When
// the kernel dropped events it returns an error matching ErrEventsLost;
// the monitor stays usable and the caller should resynchronise.
// Messages that are not events (or that fail to decode) are reported as
// errors too, without ending the monitor.
func (m *Monitor) Next(ctx context.Context) (Event, error) {
	for len(m.pending) == 0 {
		ms, err := m.ec.Receive(ctx)
		if err != nil {
			if errors.Is(err, ErrEventsLost) {
				return Event{}, err
			}
			return Event{}, ctxError(ctx, err, "rtnetlink monitor: next "+m.what()+" event")
		}
		m.pending = ms
	}
	msg := m.pending[0]
	m.pending = m.pending[1:]
	return decodeEvent(msg)
}

func decodeEvent(msg codec.Message) (Event, error) {
	ev := Event{Type: MessageName(msg.Header.Type), Msg: msg}
	d, ok := eventDecoders()[msg.Header.Type]
	if !ok {
		return ev, fmt.Errorf("rtnetlink monitor: unexpected %s message", ev.Type)
	}
	ev.Group, ev.Deleted = d.group, d.deleted
	if d.decode != nil {
		obj, err := d.decode(msg)
		if err != nil {
			return ev, fmt.Errorf("rtnetlink monitor: %s: %w", ev.Type, err)
		}
		ev.Object = obj
	}
	return ev, nil
}

// what names the monitor's groups for errors: "link", "addr/route".
func (m *Monitor) what() string {
	s := ""
	for i, g := range m.groups {
		if i > 0 {
			s += "/"
		}
		s += string(g)
	}
	return s
}

// ctxError turns an error that came from ctx ending (as ctx itself
// reports it, or as the socket reports a deadline its poller saw before
// the context's timer fired) into an error naming what was being waited
// for and wrapping context.DeadlineExceeded or context.Canceled; other
// errors come back unchanged.
func ctxError(ctx context.Context, err error, what string) error {
	if cause := ctxCause(ctx, err); cause != nil {
		return fmt.Errorf("%s: %w", what, cause)
	}
	return err
}

// ctxCause is the context error behind err (nil when err did not come
// from ctx ending).
func ctxCause(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		return context.Canceled
	}
	return nil
}

// Close ends the subscription.
func (m *Monitor) Close() error { return m.ec.Close() }
