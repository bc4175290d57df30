package nl80211

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// Client reads and changes wireless devices through the nl80211 family.
type Client struct {
	g *genl.Client
}

// New returns a Client over g and registers the family's schema on g.
func New(g *genl.Client) *Client {
	g.RegisterFunc(FamilyName, Schema)
	return &Client{g: g}
}

// Wiphys lists every wiphy with a split dump (what `iw phy` shows),
// merging each wiphy's parts.
func (c *Client) Wiphys(ctx context.Context) ([]Wiphy, error) {
	return c.wiphys(ctx, nil)
}

// Wiphy reads one wiphy by index.
func (c *Client) Wiphy(ctx context.Context, index uint32) (*Wiphy, error) {
	ws, err := c.wiphys(ctx, &index)
	if err != nil {
		return nil, err
	}
	for i := range ws {
		if ws[i].Index == index {
			return &ws[i], nil
		}
	}
	return nil, fmt.Errorf("nl80211: wiphy %d: not in the dump", index)
}

func (c *Client) wiphys(ctx context.Context, index *uint32) ([]Wiphy, error) {
	attrs, err := encodeWiphyDump(index)
	if err != nil {
		return nil, err
	}
	var ws []Wiphy
	pos := map[uint32]int{}
	err = c.g.DumpEach(ctx, FamilyName, CmdGetWiphy, attrs, func(m genl.Message) error {
		idx, ok := wiphyIndex(m.Attrs)
		if !ok {
			return fmt.Errorf("wiphy dump part without NL80211_ATTR_WIPHY")
		}
		i, seen := pos[idx]
		if !seen {
			i = len(ws)
			pos[idx] = i
			ws = append(ws, Wiphy{Index: idx})
		}
		return DecodeWiphy(m.Attrs, &ws[i])
	})
	if err != nil {
		return nil, fmt.Errorf("nl80211: list wiphys: %w", err)
	}
	return ws, nil
}

// encodeWiphyDump encodes a split GET_WIPHY dump request, of one wiphy
// if index is set.
func encodeWiphyDump(index *uint32) ([]byte, error) {
	e := codec.NewEncoder(nil)
	if index != nil {
		e.Uint32(attrWiphy, *index)
	}
	e.Flag(attrSplitWiphyDump)
	return e.Encode()
}

func wiphyIndex(attrs []byte) (uint32, bool) {
	d := codec.NewDecoder(attrs)
	for d.Next() {
		if d.Type() == attrWiphy {
			return d.Uint32(), d.Err() == nil
		}
	}
	return 0, false
}

// Interfaces lists the wireless interfaces (`iw dev`).
func (c *Client) Interfaces(ctx context.Context) ([]Interface, error) {
	var out []Interface
	err := c.g.DumpEach(ctx, FamilyName, CmdGetInterface, nil, func(m genl.Message) error {
		v, err := DecodeInterface(m.Attrs)
		if err != nil {
			return err
		}
		out = append(out, *v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nl80211: list interfaces: %w", err)
	}
	return out, nil
}

// Interface reads one wireless interface by ifindex.
func (c *Client) Interface(ctx context.Context, ifindex uint32) (*Interface, error) {
	attrs, err := encodeIfindex(ifindex)
	if err != nil {
		return nil, err
	}
	return c.doInterface(ctx, CmdGetInterface, attrs, fmt.Sprintf("interface %d", ifindex))
}

func (c *Client) doInterface(ctx context.Context, cmd uint8, attrs []byte, what string) (*Interface, error) {
	msgs, err := c.g.Do(ctx, FamilyName, cmd, 0, attrs)
	if err != nil {
		return nil, fmt.Errorf("nl80211: %s: %w", what, err)
	}
	if len(msgs) != 1 {
		return nil, fmt.Errorf("nl80211: %s: %d replies, want 1", what, len(msgs))
	}
	return DecodeInterface(msgs[0].Attrs)
}

// CreateInterface adds an interface to a wiphy and returns it as the
// kernel reports it.
func (c *Client) CreateInterface(ctx context.Context, r *NewInterface) (*Interface, error) {
	attrs, err := EncodeNewInterface(r)
	if err != nil {
		return nil, err
	}
	return c.doInterface(ctx, CmdNewInterface, attrs, fmt.Sprintf("create interface %s on wiphy %d", r.Ifname, r.Wiphy))
}

// DeleteInterface removes wireless interface ifindex.
func (c *Client) DeleteInterface(ctx context.Context, ifindex uint32) error {
	attrs, err := encodeIfindex(ifindex)
	if err != nil {
		return err
	}
	if _, err := c.g.Do(ctx, FamilyName, CmdDelInterface, 0, attrs); err != nil {
		return fmt.Errorf("nl80211: delete interface %d: %w", ifindex, err)
	}
	return nil
}

// SetInterfaceType changes the type of interface ifindex ("station",
// "monitor", ...). Most drivers want the interface down (EBUSY
// otherwise).
func (c *Client) SetInterfaceType(ctx context.Context, ifindex uint32, iftype string) error {
	attrs, err := EncodeSetInterfaceType(ifindex, iftype)
	if err != nil {
		return err
	}
	if _, err := c.g.Do(ctx, FamilyName, CmdSetInterface, 0, attrs); err != nil {
		return fmt.Errorf("nl80211: set interface %d type %s: %w", ifindex, iftype, err)
	}
	return nil
}

// Stations lists the stations of interface ifindex (`iw dev X station
// dump`).
func (c *Client) Stations(ctx context.Context, ifindex uint32) ([]Station, error) {
	attrs, err := encodeIfindex(ifindex)
	if err != nil {
		return nil, err
	}
	var out []Station
	err = c.g.DumpEach(ctx, FamilyName, CmdGetStation, attrs, func(m genl.Message) error {
		v, err := DecodeStation(m.Attrs)
		if err != nil {
			return err
		}
		out = append(out, *v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nl80211: stations of interface %d: %w", ifindex, err)
	}
	return out, nil
}

// SetWiphyNetns moves a wiphy, with its interfaces, into the network
// namespace open as nsfd (`iw phy PHY set netns name NS`). When that
// namespace goes away the kernel moves the wiphy back to the initial one.
func (c *Client) SetWiphyNetns(ctx context.Context, wiphy uint32, nsfd int) error {
	e := codec.NewEncoder(nil)
	e.Uint32(attrWiphy, wiphy)
	e.Uint32(attrNetnsFD, uint32(nsfd))
	attrs, err := e.Encode()
	if err != nil {
		return err
	}
	if _, err := c.g.Do(ctx, FamilyName, CmdSetWiphyNetns, 0, attrs); err != nil {
		return fmt.Errorf("nl80211: move wiphy %d to netns: %w", wiphy, err)
	}
	return nil
}
