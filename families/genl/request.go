package genl

import (
	"context"
	"fmt"
	"sort"

	"github.com/nlsh/nlsh/core/codec"
)

// Request is a request to any family in user-facing terms, for raw use
// (the Lua genl.request, --trace, tests).
type Request struct {
	// Family is the family's name.
	Family string
	// Command is the command number (see FamilySchema.CommandByName).
	Command uint8
	// Flags are extra NLM_F_* header flags; codec.Dump makes the request
	// a dump.
	Flags uint16
	// Attrs are the attributes: nil; a *codec.Tree; a map[string]any of
	// schema names or "attr_N" raw names; a map[uint16][]byte of attribute
	// numbers to payloads; or []byte already encoded. Names are encoded
	// through the family's registered schema; without one only raw forms
	// are accepted.
	Attrs any
}

// Reply is one message a family sent back, decoded through the family's
// registered schema (unknown attributes are "attr_N" fields holding
// codec.Raw bytes).
type Reply struct {
	Family      string      `json:"family"`
	Command     uint8       `json:"cmd"`
	CommandName string      `json:"cmd_name"`
	Version     uint8       `json:"version"`
	Attrs       *codec.Tree `json:"attrs"`
}

// EncodeAttrs encodes the attributes of a request of command cmd through
// schema fs (which may be nil).
func EncodeAttrs(fs *FamilySchema, cmd uint8, attrs any) ([]byte, error) {
	s := fs.RequestAttrs(cmd)
	switch a := attrs.(type) {
	case nil:
		return nil, nil
	case []byte:
		return a, nil
	case *codec.Tree:
		return s.Encode(a)
	case map[string]any:
		return s.EncodeMap(a)
	case map[uint16][]byte:
		types := make([]int, 0, len(a))
		for t := range a {
			types = append(types, int(t))
		}
		sort.Ints(types)
		e := codec.NewEncoder(nil)
		for _, t := range types {
			e.Bytes(uint16(t), a[uint16(t)])
		}
		return e.Encode()
	}
	return nil, fmt.Errorf("attributes of type %T: want a tree, a map or bytes", attrs)
}

// DecodeReply decodes one reply of family (schema fs, may be nil).
func DecodeReply(family string, fs *FamilySchema, m Message) (Reply, error) {
	t, err := fs.ReplyAttrs(m.Command).Decode(m.Attrs)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Family: family, Command: m.Command, CommandName: fs.ReplyName(m.Command), Version: m.Version, Attrs: t}, nil
}

// Request sends r and returns the replies decoded. A dump (Flags with
// codec.Dump) returns every message of the dump.
func (c *Client) Request(ctx context.Context, r Request) ([]Reply, error) {
	fs := c.Schema(r.Family)
	attrs, err := EncodeAttrs(fs, r.Command, r.Attrs)
	if err != nil {
		return nil, fmt.Errorf("genl: %s %s: %w", r.Family, fs.CommandName(r.Command), err)
	}
	var out []Reply
	add := func(m Message) error {
		rep, err := DecodeReply(r.Family, fs, m)
		if err != nil {
			return err
		}
		out = append(out, rep)
		return nil
	}
	if r.Flags&codec.Dump == codec.Dump {
		if err := c.DumpEach(ctx, r.Family, r.Command, attrs, add); err != nil {
			return nil, err
		}
		return out, nil
	}
	msgs, err := c.Do(ctx, r.Family, r.Command, r.Flags, attrs)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if err := add(m); err != nil {
			return nil, fmt.Errorf("genl: %s %s reply: %w", r.Family, fs.CommandName(r.Command), err)
		}
	}
	return out, nil
}

// JoinGroup subscribes the connection to the multicast group called group
// of family, and returns the group's id.
func (c *Client) JoinGroup(ctx context.Context, family, group string) (uint32, error) {
	f, err := c.Family(ctx, family)
	if err != nil {
		return 0, err
	}
	g, ok := f.Group(group)
	if !ok {
		names := make([]string, len(f.Groups))
		for i, g := range f.Groups {
			names[i] = g.Name
		}
		return 0, fmt.Errorf("genl: family %s has no multicast group %q (groups: %v)", family, group, names)
	}
	if err := c.conn.JoinGroup(g.ID); err != nil {
		return 0, fmt.Errorf("genl: join %s group %s: %w", family, group, err)
	}
	return g.ID, nil
}
