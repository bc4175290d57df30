package genl

import (
	"context"
	"errors"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// ErrStop, returned by an event callback, ends Events or Listen without
// an error.
var ErrStop = errors.New("genl: stop receiving events")

// Receiver is a Conn that can wait for multicast messages. The socket
// adapter of Dial is one; a test fake may be.
type Receiver interface {
	// Receive waits for the next datagram and returns its messages. When
	// the kernel dropped messages it returns an error matching
	// socket.ErrEventsLost (and unix.ENOBUFS).
	Receive(ctx context.Context) ([]codec.Message, error)
}

// GroupLeaver is a Conn that can leave a multicast group.
type GroupLeaver interface {
	LeaveGroup(group uint32) error
}

// Event is one multicast notification of a family.
type Event struct {
	Family      string `json:"family"`
	Command     uint8  `json:"cmd"`
	CommandName string `json:"cmd_name"`
	Version     uint8  `json:"version"`
	// Attrs are the message's attributes (the event owns them).
	Attrs  []byte `json:"-"`
	schema *FamilySchema
}

// Decode decodes the event's attributes through the family's registered
// schema (attributes it does not know are "attr_N" raw fields).
func (e Event) Decode() (*codec.Tree, error) {
	t, err := e.schema.ReplyAttrs(e.Command).Decode(e.Attrs)
	if err != nil {
		return nil, fmt.Errorf("genl: %s %s event: %w", e.Family, e.CommandName, err)
	}
	return t, nil
}

// Events joins the multicast group called group of family, calls fn for
// each of the family's messages that arrive until ctx ends or fn returns
// an error, and leaves the group again. fn returning ErrStop ends Events
// with a nil error; ctx ending returns its error.
//
// Use a Client of its own for events: requests on the same Client skip
// (drop) multicast messages that arrive while they wait for their reply.
// When the kernel dropped events for lack of buffer space, Events returns
// an error matching socket.ErrEventsLost: resynchronise (dump), then call
// Events again.
func (c *Client) Events(ctx context.Context, family, group string, fn func(Event) error) error {
	id, err := c.JoinGroup(ctx, family, group)
	if err != nil {
		return err
	}
	defer c.leave(id)
	return c.Listen(ctx, family, fn)
}

// leave leaves group id if the connection can.
func (c *Client) leave(id uint32) {
	if l, ok := c.conn.(GroupLeaver); ok {
		_ = l.LeaveGroup(id)
	}
}

// LeaveGroup leaves the multicast group called group of family, which
// JoinGroup joined.
func (c *Client) LeaveGroup(ctx context.Context, family, group string) error {
	f, err := c.Family(ctx, family)
	if err != nil {
		return err
	}
	g, ok := f.Group(group)
	if !ok {
		return fmt.Errorf("genl: family %s has no multicast group %q", family, group)
	}
	l, ok := c.conn.(GroupLeaver)
	if !ok {
		return fmt.Errorf("genl: leave %s group %s: connection %T: %w", family, group, c.conn, errors.ErrUnsupported)
	}
	if err := l.LeaveGroup(g.ID); err != nil {
		return fmt.Errorf("genl: leave %s group %s: %w", family, group, err)
	}
	return nil
}

// Listen calls fn for each message of family that arrives on the groups
// the Client already joined (see JoinGroup), until ctx ends or fn returns
// an error (ErrStop: a nil error). Messages of other families are
// skipped.
func (c *Client) Listen(ctx context.Context, family string, fn func(Event) error) error {
	r, ok := c.conn.(Receiver)
	if !ok {
		return fmt.Errorf("genl: %s events: connection %T cannot receive: %w", family, c.conn, errors.ErrUnsupported)
	}
	f, fs, err := c.resolve(ctx, family)
	if err != nil {
		return err
	}
	for {
		ms, err := r.Receive(ctx)
		if err != nil {
			return fmt.Errorf("genl: %s events: %w", family, err)
		}
		for _, m := range ms {
			if m.Header.Type != f.ID {
				continue
			}
			gm, err := ParseMessage(m.Data)
			if err != nil {
				return fmt.Errorf("genl: %s event: %w", family, err)
			}
			ev := Event{Family: family, Command: gm.Command, CommandName: fs.ReplyName(gm.Command),
				Version: gm.Version, Attrs: gm.Attrs, schema: fs}
			if err := fn(ev); err != nil {
				if errors.Is(err, ErrStop) {
					return nil
				}
				return err
			}
		}
	}
}
