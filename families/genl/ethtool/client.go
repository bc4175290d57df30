package ethtool

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// Client reads and changes device settings through the ethtool family.
type Client struct {
	g *genl.Client
}

// New returns a Client over g and registers the family's schema on g.
func New(g *genl.Client) *Client {
	g.RegisterFunc(FamilyName, Schema)
	return &Client{g: g}
}

// get sends request cmd for dev with header flags and returns the one
// reply's attributes.
func (c *Client) get(ctx context.Context, cmd uint8, dev Device, flags uint32) ([]byte, error) {
	e := codec.NewEncoder(nil)
	appendHeader(e, 1, dev, flags)
	attrs, err := e.Encode()
	if err != nil {
		return nil, err
	}
	msgs, err := c.g.Do(ctx, FamilyName, cmd, 0, attrs)
	if err != nil {
		return nil, fmt.Errorf("ethtool: %s: %w", dev.label(), err)
	}
	if len(msgs) != 1 {
		return nil, fmt.Errorf("ethtool: %s %s: %d replies, want 1", dev.label(), Schema().CommandName(cmd), len(msgs))
	}
	return msgs[0].Attrs, nil
}

func (d Device) label() string {
	if d.Name != "" {
		return d.Name
	}
	return fmt.Sprintf("ifindex %d", d.Index)
}

// getFlat reads a flat message into v through schema s.
func (c *Client) getFlat(ctx context.Context, cmd uint8, s *codec.Schema, dev Device, flags uint32, v any) error {
	attrs, err := c.get(ctx, cmd, dev, flags)
	if err != nil {
		return err
	}
	return decodeFlat(s, attrs, v)
}

func decodeFlat(s *codec.Schema, attrs []byte, v any) error {
	t, err := s.Decode(attrs)
	if err != nil {
		return fmt.Errorf("ethtool: %w", err)
	}
	return fill(t, v)
}

// setFlat sends the non-nil fields of v as set command cmd.
func (c *Client) setFlat(ctx context.Context, cmd uint8, s *codec.Schema, dev Device, v any) error {
	attrs, err := s.Encode(toTree(s, dev, v))
	if err != nil {
		return fmt.Errorf("ethtool: %s %s: %w", dev.label(), Schema().CommandName(cmd), err)
	}
	if _, err := c.g.Do(ctx, FamilyName, cmd, 0, attrs); err != nil {
		return fmt.Errorf("ethtool: %s: %w", dev.label(), err)
	}
	return nil
}

// LinkInfo reads port, PHY address, MDI-X and transceiver.
func (c *Client) LinkInfo(ctx context.Context, dev Device) (*LinkInfo, error) {
	v := &LinkInfo{}
	return v, c.getFlat(ctx, MsgLinkinfoGet, linkinfoSchema(), dev, 0, v)
}

// LinkState reads whether the link is detected.
func (c *Client) LinkState(ctx context.Context, dev Device) (*LinkState, error) {
	v := &LinkState{}
	return v, c.getFlat(ctx, MsgLinkstateGet, linkstateSchema(), dev, 0, v)
}

// Rings reads ring sizes (`ethtool -g`).
func (c *Client) Rings(ctx context.Context, dev Device) (*Rings, error) {
	v := &Rings{}
	return v, c.getFlat(ctx, MsgRingsGet, ringsSchema(), dev, 0, v)
}

// SetRings changes the ring sizes that are set in r.
func (c *Client) SetRings(ctx context.Context, dev Device, r *Rings) error {
	return c.setFlat(ctx, MsgRingsSet, ringsSchema(), dev, r)
}

// Channels reads channel counts (`ethtool -l`).
func (c *Client) Channels(ctx context.Context, dev Device) (*Channels, error) {
	v := &Channels{}
	return v, c.getFlat(ctx, MsgChannelsGet, channelsSchema(), dev, 0, v)
}

// SetChannels changes the counts that are set in ch (`ethtool -L`).
func (c *Client) SetChannels(ctx context.Context, dev Device, ch *Channels) error {
	return c.setFlat(ctx, MsgChannelsSet, channelsSchema(), dev, ch)
}

// Coalesce reads interrupt coalescing (`ethtool -c`).
func (c *Client) Coalesce(ctx context.Context, dev Device) (*Coalesce, error) {
	v := &Coalesce{}
	return v, c.getFlat(ctx, MsgCoalesceGet, coalesceSchema(), dev, 0, v)
}

// SetCoalesce changes the coalescing settings that are set in co.
func (c *Client) SetCoalesce(ctx context.Context, dev Device, co *Coalesce) error {
	return c.setFlat(ctx, MsgCoalesceSet, coalesceSchema(), dev, co)
}

// Pause reads pause frame settings (`ethtool -a`); with stats, also the
// pause frame counters where the driver keeps them (`ethtool -I -a`).
func (c *Client) Pause(ctx context.Context, dev Device, stats bool) (*Pause, error) {
	var flags uint32
	if stats {
		flags = FlagStats
	}
	v := &Pause{}
	return v, c.getFlat(ctx, MsgPauseGet, pauseSchema(), dev, flags, v)
}

// SetPause changes the pause settings that are set in p.
func (c *Client) SetPause(ctx context.Context, dev Device, p *Pause) error {
	return c.setFlat(ctx, MsgPauseSet, pauseSchema(), dev, p)
}

// LinkModes reads speed, duplex, autonegotiation and link modes; the
// modes come in the verbose bitset form, with names.
func (c *Client) LinkModes(ctx context.Context, dev Device) (*LinkModes, error) {
	attrs, err := c.get(ctx, MsgLinkmodesGet, dev, 0)
	if err != nil {
		return nil, err
	}
	return decodeLinkModes(attrs)
}

func decodeLinkModes(attrs []byte) (*LinkModes, error) {
	v := &LinkModes{}
	if err := decodeFlat(linkmodesSchema(), attrs, v); err != nil {
		return nil, err
	}
	d := codec.NewDecoder(attrs)
	for d.Next() {
		switch d.Type() {
		case linkmodesOurs, linkmodesPeer:
			bs, err := decodeBitset(d.Bytes(), nil)
			if err != nil {
				return nil, fmt.Errorf("ethtool link modes: %w", err)
			}
			if d.Type() == linkmodesOurs {
				v.Ours = &bs
			} else {
				v.Peer = &bs
			}
		}
	}
	return v, d.Err()
}

// SetLinkModes changes speed, duplex and autonegotiation where set in lm
// (`ethtool -s DEV speed N duplex D autoneg on|off`).
func (c *Client) SetLinkModes(ctx context.Context, dev Device, lm *LinkModes) error {
	return c.setFlat(ctx, MsgLinkmodesSet, linkmodesSchema(), dev, lm)
}
