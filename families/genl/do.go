package genl

import (
	"context"
	"errors"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// Do resolves family, sends it command cmd with attrs (already encoded)
// and the extra header flags, and returns the replies. A kernel error is a
// *codec.Error whose Op names the family and command ("ethtool
// LINKINFO_GET").
func (c *Client) Do(ctx context.Context, family string, cmd uint8, flags uint16, attrs []byte) ([]Message, error) {
	f, fs, err := c.resolve(ctx, family)
	if err != nil {
		return nil, err
	}
	nm := NetlinkMessage(f.ID, flags, Message{Command: cmd, Version: version(f, fs), Attrs: attrs})
	msgs, err := c.conn.Execute(ctx, nm)
	if err != nil {
		return nil, opError(err, family, fs, cmd)
	}
	out := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		gm, err := ParseMessage(m.Data)
		if err != nil {
			return nil, fmt.Errorf("genl: %s %s reply: %w", family, fs.CommandName(cmd), err)
		}
		out = append(out, gm)
	}
	return out, nil
}

// DumpEach resolves family, sends it a dump of command cmd with attrs and
// calls fn for each reply as it arrives. The message's Attrs are only
// valid during the call.
func (c *Client) DumpEach(ctx context.Context, family string, cmd uint8, attrs []byte, fn func(Message) error) error {
	f, fs, err := c.resolve(ctx, family)
	if err != nil {
		return err
	}
	nm := NetlinkMessage(f.ID, 0, Message{Command: cmd, Version: version(f, fs), Attrs: attrs})
	err = c.conn.Dump(ctx, nm, func(m codec.Message) error {
		gm, err := ParseMessage(m.Data)
		if err != nil {
			return err
		}
		return fn(gm)
	})
	if err != nil {
		return opError(err, family, fs, cmd)
	}
	return nil
}

// resolve returns the family and its registered schema (nil if none).
func (c *Client) resolve(ctx context.Context, family string) (*Family, *FamilySchema, error) {
	fs := c.Schema(family)
	if family == CtrlName {
		return &Family{ID: IDCtrl, Name: CtrlName, Version: 2}, fs, nil
	}
	f, err := c.Family(ctx, family)
	if err != nil {
		return nil, nil, err
	}
	return f, fs, nil
}

func version(f *Family, fs *FamilySchema) uint8 {
	if fs != nil && fs.Version != 0 {
		return fs.Version
	}
	return uint8(f.Version)
}

// opError names the failed request in a kernel error.
func opError(err error, family string, fs *FamilySchema, cmd uint8) error {
	var ke *codec.Error
	if errors.As(err, &ke) {
		e := *ke
		if e.Op == "" {
			e.Op = family + " " + fs.CommandName(cmd)
		}
		return &e
	}
	return fmt.Errorf("genl: %s %s: %w", family, fs.CommandName(cmd), err)
}
