package genl

import (
	"context"

	"github.com/nlsh/nlsh/core/codec"
)

// Conn is what the generic netlink layer needs from a NETLINK_GENERIC
// connection. *socket.Conn satisfies it through the adapter in
// conn_linux.go; tests may use a fake.
type Conn interface {
	// Execute sends one request with NLM_F_REQUEST|NLM_F_ACK (plus the
	// header's own flags) and returns the replies before the ack, or the
	// kernel's *codec.Error.
	Execute(ctx context.Context, m codec.Message) ([]codec.Message, error)
	// Dump sends a dump request (NLM_F_REQUEST|NLM_F_DUMP plus the
	// header's own flags) and calls fn for each reply as it arrives.
	// Message data is only valid during the call.
	Dump(ctx context.Context, m codec.Message, fn func(codec.Message) error) error
	// JoinGroup subscribes the connection to a multicast group by id.
	JoinGroup(group uint32) error
	// Close releases the connection.
	Close() error
}
