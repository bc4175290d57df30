package genl

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
	"golang.org/x/sys/unix"
)

// Dial opens a NETLINK_GENERIC socket (in cfg.NetNS, if set) and returns a
// Client over it that knows schemas.
func Dial(cfg *socket.Config, schemas ...*FamilySchema) (*Client, error) {
	c, err := socket.Dial(unix.NETLINK_GENERIC, cfg)
	if err != nil {
		return nil, fmt.Errorf("genl: %w", err)
	}
	return New(SocketConn(c), schemas...), nil
}

// SocketConn adapts a *socket.Conn to Conn.
func SocketConn(c *socket.Conn) Conn { return sockConn{c} }

type sockConn struct{ c *socket.Conn }

func (s sockConn) Execute(ctx context.Context, m codec.Message) ([]codec.Message, error) {
	return s.c.Execute(ctx, m)
}

// Dump collects the whole dump before calling fn, so that a dump the
// kernel marks inconsistent (NLM_F_DUMP_INTR) is restarted by the socket
// and fn never sees a torn view.
func (s sockConn) Dump(ctx context.Context, m codec.Message, fn func(codec.Message) error) error {
	ms, err := s.c.DumpAll(ctx, m)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

func (s sockConn) JoinGroup(g uint32) error { return s.c.JoinGroup(g) }
func (s sockConn) Close() error             { return s.c.Close() }
