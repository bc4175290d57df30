package rtnl

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
)

// AddrKey identifies an address in a Mirror: the interface and the local
// prefix, as the kernel keys them.
type AddrKey struct {
	Ifindex int
	Prefix  netip.Prefix
}

// Mirror is a view of a namespace's links and addresses kept current
// from events, which never drifts silently: when the kernel drops events
// (ENOBUFS), the Mirror discards what is still queued, dumps links and
// addresses again, and counts the resync. Use it from one goroutine.
type Mirror struct {
	c   *Client
	mon *Monitor

	// Links are the links by ifindex; Addrs the addresses by key.
	Links map[int]*Link
	Addrs map[AddrKey]Address
	// Events counts the events applied, Resyncs the dumps made after a
	// loss (the first dump is not counted).
	Events, Resyncs int
}

// discarder is implemented by event connections that can drop what the
// kernel has queued (socket.Conn.Discard): after a loss the kernel reports
// only the first ENOBUFS until the queue is emptied.
type discarder interface {
	Discard() (int, error)
}

// Discard drops the queued events.
func (e *socketEvents) Discard() (int, error) { return e.c.Discard() }

// Mirror subscribes to link and address events and then dumps both, so
// no change falls between the dump and the first event.
func (c *Client) Mirror(ctx context.Context) (*Mirror, error) {
	mon, err := c.Monitor(ctx, GroupLink, GroupAddr)
	if err != nil {
		return nil, err
	}
	m := &Mirror{c: c, mon: mon}
	if err := m.sync(ctx); err != nil {
		mon.Close()
		return nil, err
	}
	return m, nil
}

// sync replaces the view with a fresh dump.
func (m *Mirror) sync(ctx context.Context) error {
	links, err := m.c.ListLinks(ctx, LinkFilter{})
	if err != nil {
		return fmt.Errorf("rtnetlink mirror: resync links: %w", err)
	}
	addrs, err := m.c.ListAddrs(ctx, AddrFilter{})
	if err != nil {
		return fmt.Errorf("rtnetlink mirror: resync addresses: %w", err)
	}
	m.Links = make(map[int]*Link, len(links))
	for _, l := range links {
		m.Links[l.Index] = l
	}
	m.Addrs = make(map[AddrKey]Address, len(addrs))
	for _, a := range addrs {
		m.Addrs[AddrKey{a.Ifindex, a.Prefix()}] = a
	}
	return nil
}

// Next waits for the next event and applies it. After a loss it
// resynchronises and returns resynced true (ev is then the zero Event).
// Events of other kinds and undecodable messages are returned as errors
// without ending the Mirror.
func (m *Mirror) Next(ctx context.Context) (ev Event, resynced bool, err error) {
	ev, err = m.mon.Next(ctx)
	if errors.Is(err, ErrEventsLost) {
		if d, ok := m.mon.ec.(discarder); ok {
			if _, err := d.Discard(); err != nil {
				return Event{}, false, fmt.Errorf("rtnetlink mirror: %w", err)
			}
		}
		if err := m.sync(ctx); err != nil {
			return Event{}, false, err
		}
		m.Resyncs++
		m.mon.pending = nil // older than the dump
		return Event{}, true, nil
	}
	if err != nil {
		return ev, false, err
	}
	m.Events++
	switch o := ev.Object.(type) {
	case *Link:
		if ev.Deleted {
			delete(m.Links, o.Index)
			for k := range m.Addrs {
				if k.Ifindex == o.Index {
					delete(m.Addrs, k)
				}
			}
		} else {
			m.Links[o.Index] = o
		}
	case *Address:
		k := AddrKey{o.Ifindex, o.Prefix()}
		if ev.Deleted {
			delete(m.Addrs, k)
		} else {
			m.Addrs[k] = *o
		}
	}
	return ev, false, nil
}

// Close ends the subscription.
func (m *Mirror) Close() error { return m.mon.Close() }
