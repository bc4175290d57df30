package wireguard

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// Client reads and configures WireGuard devices over a generic netlink
// client.
type Client struct {
	g *genl.Client
	// MessageLimit bounds each SET_DEVICE message; 0 means
	// DefaultMessageLimit.
	MessageLimit int
}

// New returns a Client over g and registers the family's schema on g.
func New(g *genl.Client) *Client {
	g.RegisterFunc(FamilyName, Schema)
	return &Client{g: g}
}

// EncodeGetRequest encodes the attributes of a WG_CMD_GET_DEVICE dump
// request for the device called ifname.
func EncodeGetRequest(ifname string) ([]byte, error) {
	e := codec.NewEncoder(nil)
	e.String(deviceIfname, ifname)
	return e.Encode()
}

// Get reads the device called ifname with all its peers.
func (c *Client) Get(ctx context.Context, ifname string) (*Device, error) {
	e := codec.NewEncoder(nil)
	e.String(deviceIfname, ifname)
	return c.get(ctx, e, ifname)
}

// GetIndex reads the device with interface index ifindex.
func (c *Client) GetIndex(ctx context.Context, ifindex uint32) (*Device, error) {
	e := codec.NewEncoder(nil)
	e.Uint32(deviceIfindex, ifindex)
	return c.get(ctx, e, fmt.Sprint("ifindex ", ifindex))
}

func (c *Client) get(ctx context.Context, e *codec.Encoder, what string) (*Device, error) {
	attrs, err := e.Encode()
	if err != nil {
		return nil, err
	}
	d := &Device{}
	err = c.g.DumpEach(ctx, FamilyName, CmdGetDevice, attrs, func(m genl.Message) error {
		return DecodeDevice(m.Attrs, d)
	})
	if err != nil {
		return nil, fmt.Errorf("wireguard: get %s: %w", what, err)
	}
	return d, nil
}

// Set applies cfg, in as many messages as it takes. The messages are not
// atomic together: when a later one fails, the earlier ones stay applied.
func (c *Client) Set(ctx context.Context, cfg *Config) error {
	msgs, err := EncodeConfig(cfg, c.MessageLimit)
	if err != nil {
		return err
	}
	for i, attrs := range msgs {
		if _, err := c.g.Do(ctx, FamilyName, CmdSetDevice, 0, attrs); err != nil {
			return fmt.Errorf("wireguard: set %s (message %d of %d): %w", cfg.Ifname, i+1, len(msgs), err)
		}
	}
	return nil
}
