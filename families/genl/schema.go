package genl

import (
	"strconv"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// FamilySchema describes a generic netlink family as data: its name, the
// version it speaks, its commands and their attribute sets. A Client uses
// the schemas registered on it to encode raw requests and decode replies by
// attribute name. Schemas are immutable once built.
type FamilySchema struct {
	// Name is the family's name as the controller knows it ("ethtool").
	Name string
	// Version is written in the genlmsghdr of requests.
	Version uint8
	// Attrs is the attribute set of every command that does not name its
	// own (most families have one attribute space).
	Attrs *codec.Schema
	// Commands lists the commands userspace sends.
	Commands []Command
	// Replies lists the commands the kernel sends, when they are numbered
	// apart from the requests (ethtool); nil means the same as Commands.
	Replies []Command
}

// Command is one command of a family.
type Command struct {
	Cmd  uint8
	Name string
	// Attrs is the command's attribute set, nil for FamilySchema.Attrs.
	Attrs *codec.Schema
}

// rawAttrs is the empty attribute set used when a family or command has
// no schema: every attribute decodes to an "attr_N" field of raw bytes.
var rawAttrs = sync.OnceValue(func() *codec.Schema {
	return codec.NewSchema("raw")
})

func findCommand(list []Command, cmd uint8) *Command {
	for i := range list {
		if list[i].Cmd == cmd {
			return &list[i]
		}
	}
	return nil
}

// RequestAttrs returns the attribute schema of request command cmd, or an
// empty schema (everything raw) when s (which may be nil) has none.
func (s *FamilySchema) RequestAttrs(cmd uint8) *codec.Schema {
	if s == nil {
		return rawAttrs()
	}
	if c := findCommand(s.Commands, cmd); c != nil && c.Attrs != nil {
		return c.Attrs
	}
	if s.Attrs == nil {
		return rawAttrs()
	}
	return s.Attrs
}

// ReplyAttrs returns the attribute schema of a message the kernel sends
// with command cmd.
func (s *FamilySchema) ReplyAttrs(cmd uint8) *codec.Schema {
	if s == nil {
		return rawAttrs()
	}
	if s.Replies == nil {
		return s.RequestAttrs(cmd)
	}
	if c := findCommand(s.Replies, cmd); c != nil && c.Attrs != nil {
		return c.Attrs
	}
	if s.Attrs == nil {
		return rawAttrs()
	}
	return s.Attrs
}

// CommandByName returns the number of the request command called name
// (a schema's name such as "LINKINFO_GET", or a decimal number).
func (s *FamilySchema) CommandByName(name string) (uint8, bool) {
	if s != nil {
		for _, c := range s.Commands {
			if c.Name == name {
				return c.Cmd, true
			}
		}
	}
	n, err := strconv.ParseUint(name, 0, 8)
	return uint8(n), err == nil
}

// CommandName names request command cmd, or returns its number.
func (s *FamilySchema) CommandName(cmd uint8) string {
	if s != nil {
		if c := findCommand(s.Commands, cmd); c != nil {
			return c.Name
		}
	}
	return strconv.Itoa(int(cmd))
}

// ReplyName names reply command cmd, or returns its number.
func (s *FamilySchema) ReplyName(cmd uint8) string {
	if s != nil && s.Replies != nil {
		if c := findCommand(s.Replies, cmd); c != nil {
			return c.Name
		}
		return strconv.Itoa(int(cmd))
	}
	return s.CommandName(cmd)
}
