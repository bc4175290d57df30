package rtnl

import (
	"context"
	"errors"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
)

// netlinkRoute is NETLINK_ROUTE, spelled out so the family builds on every
// OS.
const netlinkRoute = 0

// Dial opens an rtnetlink connection in cfg.NetNS (nil: the caller's
// namespace) and returns a Client over it. Errors from the kernel are
// named with the rtnetlink message names and attribute paths.
func Dial(cfg *socket.Config) (*Client, error) {
	var c socket.Config
	if cfg != nil {
		c = *cfg
	}
	if c.Protocol == nil {
		c.Protocol = typeNamer{}
	}
	if c.AttrPath == nil {
		c.AttrPath = attrPath
	}
	sc, err := socket.Dial(netlinkRoute, &c)
	if err != nil {
		return nil, fmt.Errorf("rtnetlink: %w", err)
	}
	return New(&SocketConn{Conn: sc, cfg: c}), nil
}

// typeNamer names message types for the socket's errors from the protocol
// table, building it only when a name is asked for.
type typeNamer struct{}

func (typeNamer) TypeName(typ uint16) string { return protocol().TypeName(typ) }

// attrPath names the attribute an extack offset points at.
func attrPath(req []byte, offset uint32) string {
	h, err := codec.ParseHeader(req)
	if err != nil || int(h.Len) > len(req) || h.Len < codec.HeaderLen {
		return ""
	}
	return codec.AttrPath(protocol().Message(h.Type), req[codec.HeaderLen:h.Len], offset)
}

// SocketConn adapts a *socket.Conn to Conn, and opens subscriptions for
// Monitor on new sockets in the same namespace.
type SocketConn struct {
	*socket.Conn
	cfg socket.Config
}

// NewSocketConn wraps an open *socket.Conn (for example one from
// core/nltest). Subscriptions dial new sockets with cfg; for a fake
// connection Subscribe joins the groups on the same Conn instead when
// cfg is nil.
func NewSocketConn(c *socket.Conn, cfg *socket.Config) *SocketConn {
	sc := &SocketConn{Conn: c}
	if cfg != nil {
		sc.cfg = *cfg
	} else {
		sc.cfg.ReceiveBuffer = -2 // marker: reuse c
	}
	return sc
}

// dumpRestarted is the message a SocketConn's Dump hands to its callback
// when the kernel's table changed during the dump and the dump started
// over: a consumer that collects should forget what it has. Consumers
// that only look at messages of their own type skip it.
var dumpRestarted = codec.Message{Header: codec.Header{Type: codec.TypeNoop, Flags: codec.DumpIntr}}

// ErrStreamRestarted ends an Each call whose dump the kernel started over
// (its table changed during the dump: NLM_F_DUMP_INTR) after fn had seen
// objects: those may be stale, and the new attempt would hand some of
// them out again, so the call stops instead of repeating them. It
// matches socket.ErrDumpInterrupted. The List calls start over instead.
var ErrStreamRestarted error = streamRestarted{}

type streamRestarted struct{}

func (streamRestarted) Error() string {
	return "the kernel's table changed during the dump after objects were handed out (NLM_F_DUMP_INTR): they may be stale or come again, so the stream stops; a list starts over"
}

// Is makes ErrStreamRestarted match socket.ErrDumpInterrupted.
func (streamRestarted) Is(target error) bool { return target == socket.ErrDumpInterrupted }

// restarts is what an Each call does when its dump starts over
// (OnRestart).
type restarts struct {
	hook func() error // the caller's, or nil
	seen bool         // fn has seen an object
}

// restarted is called at the restart marker: an error ends the dump.
func (r *restarts) restarted() error {
	switch {
	case r.hook != nil:
		return r.hook()
	case r.seen:
		return ErrStreamRestarted
	}
	return nil
}

// isDumpRestart reports whether m is the restart marker.
func isDumpRestart(m codec.Message) bool {
	return m.Header.Type == codec.TypeNoop && m.Header.Flags&codec.DumpIntr != 0 && len(m.Data) == 0
}

// Batch sends many requests through the core's batch, asking only the
// last of each sendmsg for an acknowledgement (socket.BatchOptions
// AckLast): rtnetlink answers every failure anyway, and an ack per route
// or address was a good part of the kernel's work for a bulk add.
func (s *SocketConn) Batch(ctx context.Context, ms []codec.Message) ([]error, error) {
	return s.Conn.BatchWith(ctx, ms, socket.BatchOptions{AckLast: true})
}

// Dump streams a dump to fn. After a restart (NLM_F_DUMP_INTR) fn first
// receives a NLMSG_NOOP message flagged NLM_F_DUMP_INTR with no data.
func (s *SocketConn) Dump(ctx context.Context, m codec.Message, fn func(codec.Message) error) error {
	d := s.Conn.Dump(ctx, m)
	defer d.Close()
	for d.Next() {
		if d.Restarted() {
			if err := fn(dumpRestarted); err != nil {
				return err
			}
		}
		if err := fn(d.Message()); err != nil {
			return err
		}
	}
	if d.Restarted() { // started over and came back empty
		if err := fn(dumpRestarted); err != nil {
			return err
		}
	}
	return d.Err()
}

// Subscribe opens a socket in the same namespace joined to groups.
func (s *SocketConn) Subscribe(ctx context.Context, groups []uint32) (EventConn, error) {
	var c *socket.Conn
	if s.cfg.ReceiveBuffer == -2 {
		c = s.Conn
	} else {
		cfg := s.cfg
		cfg.DryRun = nil
		var err error
		if c, err = socket.Dial(netlinkRoute, &cfg); err != nil {
			return nil, fmt.Errorf("rtnetlink monitor: %w", err)
		}
	}
	for _, g := range groups {
		if err := c.JoinGroup(g); err != nil {
			if c != s.Conn {
				c.Close()
			}
			return nil, fmt.Errorf("rtnetlink monitor: join group %d: %w", g, err)
		}
	}
	return &socketEvents{c: c, own: c != s.Conn}, nil
}

type socketEvents struct {
	c   *socket.Conn
	own bool
}

func (e *socketEvents) Receive(ctx context.Context) ([]codec.Message, error) {
	ms, err := e.c.Receive(ctx)
	if errors.Is(err, socket.ErrEventsLost) {
		return ms, fmt.Errorf("%w: %w", ErrEventsLost, err)
	}
	return ms, err
}

func (e *socketEvents) Close() error {
	if e.own {
		return e.c.Close()
	}
	return nil
}
