package rtnl

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
)

// LinkCond is a condition on a link that WaitLink waits for. Its function
// gets nil while no link of the name exists.
type LinkCond struct {
	Name string // for messages: "exists", "is up", ...
	Fn   func(l *Link) bool
}

// Conditions for WaitLink.
var (
	UntilExists  = LinkCond{"exists", func(l *Link) bool { return l != nil }}
	UntilGone    = LinkCond{"is gone", func(l *Link) bool { return l == nil }}
	UntilUp      = LinkCond{"is up", func(l *Link) bool { return l.IsUp() }}
	UntilDown    = LinkCond{"is down", func(l *Link) bool { return l != nil && !l.IsUp() }}
	UntilCarrier = LinkCond{"has carrier", func(l *Link) bool { return l.HasCarrier() }}
	UntilOperUp  = LinkCond{"is operationally up", func(l *Link) bool { return l != nil && l.OperState == OperUp }}
)

// WaitLink waits until the link called name meets cond, or ctx ends. It
// subscribes to link events first, then reads the current state, then
// follows events, so no change can slip between looking and listening;
// it never polls. After lost events it reads the state again. It returns
// the link as last seen (nil if absent) and, on timeout, an error
// wrapping ctx's error.
func (c *Client) WaitLink(ctx context.Context, name string, cond LinkCond) (*Link, error) {
	if err := checkIfname("ifname", name); err != nil {
		return nil, err
	}
	what := "wait until link " + name + " " + cond.Name
	mon, err := c.Monitor(ctx, GroupLink)
	if err != nil {
		return nil, ctxError(ctx, err, what)
	}
	defer mon.Close()
	cur, err := c.LinkExists(ctx, ByName(name))
	if err != nil {
		return nil, ctxError(ctx, err, what)
	}
	for !cond.Fn(cur) {
		ev, err := mon.Next(ctx)
		switch {
		case errors.Is(err, ErrEventsLost):
			if cur, err = c.LinkExists(ctx, ByName(name)); err != nil {
				return nil, ctxError(ctx, err, what)
			}
			continue
		case ctxCause(ctx, err) != nil:
			return cur, ctxError(ctx, err, what)
		case err != nil:
			return cur, err
		}
		l := ev.Link()
		if l == nil {
			continue
		}
		switch {
		case l.Name == name && ev.Deleted:
			cur = nil
		case l.Name == name:
			cur = l
		case cur != nil && l.Index == cur.Index:
			cur = nil // renamed away or deleted under another name
		}
	}
	return cur, nil
}

// AddrCond is a condition on an address that WaitAddr waits for. Its
// function gets nil while the address is absent.
type AddrCond struct {
	Name string
	Fn   func(a *Address) bool
}

// Conditions for WaitAddr.
var (
	UntilAddrExists = AddrCond{"exists", func(a *Address) bool { return a != nil }}
	UntilAddrGone   = AddrCond{"is gone", func(a *Address) bool { return a == nil }}
	// UntilUsable: present and no longer tentative (duplicate address
	// detection is over and did not fail).
	UntilUsable = AddrCond{"is no longer tentative", func(a *Address) bool {
		return a != nil && !slices.Contains(a.Flags, "tentative") && !slices.Contains(a.Flags, "dadfailed")
	}}
)

// WaitAddr waits until address addr on device dev meets cond, or ctx
// ends, in the same subscribe-then-look order as WaitLink.
func (c *Client) WaitAddr(ctx context.Context, dev string, addr netip.Addr, cond AddrCond) (*Address, error) {
	if err := checkIfname("dev", dev); err != nil {
		return nil, err
	}
	if !addr.IsValid() {
		return nil, argErr("local", nil, "an address is needed")
	}
	what := fmt.Sprintf("wait until address %s dev %s %s", addr, dev, cond.Name)
	mon, err := c.Monitor(ctx, GroupAddr)
	if err != nil {
		return nil, ctxError(ctx, err, what)
	}
	defer mon.Close()
	idx, err := c.env(ctx).index("dev", ByName(dev))
	if err != nil {
		return nil, ctxError(ctx, err, what)
	}
	look := func() (*Address, error) {
		as, err := c.ListAddrs(ctx, AddrFilter{Ifindex: idx})
		if err != nil {
			return nil, err
		}
		for i := range as {
			if as[i].Local == addr {
				return &as[i], nil
			}
		}
		return nil, nil
	}
	cur, err := look()
	if err != nil {
		return nil, ctxError(ctx, err, what)
	}
	for !cond.Fn(cur) {
		ev, err := mon.Next(ctx)
		switch {
		case errors.Is(err, ErrEventsLost):
			if cur, err = look(); err != nil {
				return nil, ctxError(ctx, err, what)
			}
			continue
		case ctxCause(ctx, err) != nil:
			return cur, ctxError(ctx, err, what)
		case err != nil:
			return cur, err
		}
		a, ok := ev.Object.(*Address)
		if !ok || a.Ifindex != idx || a.Local != addr {
			continue
		}
		if ev.Deleted {
			cur = nil
		} else {
			cur = a
		}
	}
	return cur, nil
}
