package genl

import (
	"context"

	"github.com/nlsh/nlsh/core/codec"
)

// Receive makes the socket adapter a Receiver.
func (s sockConn) Receive(ctx context.Context) ([]codec.Message, error) { return s.c.Receive(ctx) }

// LeaveGroup makes the socket adapter a GroupLeaver.
func (s sockConn) LeaveGroup(g uint32) error { return s.c.LeaveGroup(g) }
