// Package rtnl is the rtnetlink family: links, addresses, routes,
// neighbours, rules and their events, as a typed Go API over core/socket.
//
// Field names and value spellings follow `ip -j` output wherever ip shows
// the same thing, so users meet what they already know.
package rtnl

import (
	"context"

	"github.com/nlsh/nlsh/core/codec"
)

// Conn is what the family needs from a netlink connection. *socket.Conn
// satisfies it through the adapter in conn.go; tests may use a fake.
type Conn interface {
	// Execute sends one request with NLM_F_REQUEST|NLM_F_ACK (plus the
	// header's own flags) and returns the replies before the ack, or the
	// kernel's *codec.Error.
	Execute(ctx context.Context, m codec.Message) ([]codec.Message, error)
	// Dump sends a dump request and calls fn for each reply message as it
	// arrives, without holding the whole dump. Message data is only valid
	// during the call.
	Dump(ctx context.Context, m codec.Message, fn func(codec.Message) error) error
	// Batch sends many requests in few sendmsg calls and returns one error
	// (nil for success) per request, in order.
	Batch(ctx context.Context, ms []codec.Message) ([]error, error)
	// Close releases the connection.
	Close() error
}

// Client is an rtnetlink conversation bound to one network namespace.
// It is safe for use by several goroutines as far as its Conn is.
type Client struct {
	conn Conn
}

// New returns a Client over an open connection.
func New(c Conn) *Client { return &Client{conn: c} }

// Close closes the underlying connection.
func (c *Client) Close() error { return c.conn.Close() }

// Conn returns the underlying connection.
func (c *Client) Conn() Conn { return c.conn }
