package genl

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
	"golang.org/x/sys/unix"
)

// ErrNoFamily reports that the kernel has no generic netlink family of the
// requested name (the module is not loaded or not built). It matches
// unix.ENOENT too.
var ErrNoFamily = errors.New("no such generic netlink family")

// Client is a generic netlink conversation over one Conn (bound to one
// network namespace). It caches resolved families and holds the family
// schemas used for raw requests. It is safe for concurrent use as far as
// its Conn is.
type Client struct {
	conn Conn

	mu      sync.Mutex
	cache   map[string]*Family
	schemas map[string]func() *FamilySchema
}

// New returns a Client over c that knows the controller's schema and the
// given family schemas.
func New(c Conn, schemas ...*FamilySchema) *Client {
	cl := &Client{conn: c, cache: map[string]*Family{}, schemas: map[string]func() *FamilySchema{}}
	cl.RegisterFunc(CtrlName, CtrlSchema)
	cl.Register(schemas...)
	return cl
}

// Conn returns the underlying connection.
func (c *Client) Conn() Conn { return c.conn }

// Close closes the underlying connection.
func (c *Client) Close() error { return c.conn.Close() }

// Register adds family schemas, replacing any of the same name.
func (c *Client) Register(schemas ...*FamilySchema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range schemas {
		if s != nil {
			c.schemas[s.Name] = func() *FamilySchema { return s }
		}
	}
}

// RegisterFunc adds the schema of family name that schema returns,
// replacing any of the same name. The client calls schema only when it
// needs the family's schema (a raw request, a reply or event to decode),
// so a family's schema can be built on first use: schema must return the
// same value every time (sync.OnceValue makes such a function), and that
// value's Name must be name.
func (c *Client) RegisterFunc(name string, schema func() *FamilySchema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.schemas[name] = schema
}

// Schema returns the registered schema of family name, or nil.
func (c *Client) Schema(name string) *FamilySchema {
	c.mu.Lock()
	f := c.schemas[name]
	c.mu.Unlock()
	if f == nil {
		return nil
	}
	return f()
}

// Forget drops name from the family cache (all names when name is ""), so
// the next use resolves it again, for example after a module reload.
func (c *Client) Forget(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if name == "" {
		clear(c.cache)
		return
	}
	delete(c.cache, name)
}

// Family resolves a family by name, asking the controller once and then
// answering from the client's cache. A missing family is an error that
// matches ErrNoFamily and unix.ENOENT.
func (c *Client) Family(ctx context.Context, name string) (*Family, error) {
	c.mu.Lock()
	f, ok := c.cache[name]
	c.mu.Unlock()
	if ok {
		return f, nil
	}
	e := codec.NewEncoder(nil)
	e.String(ctrlAttrFamilyName, name)
	attrs, err := e.Encode()
	if err != nil {
		return nil, fmt.Errorf("genl: resolve %q: %w", name, err)
	}
	msgs, err := c.conn.Execute(ctx, NetlinkMessage(IDCtrl, 0, Message{Command: ctrlCmdGetFamily, Version: 1, Attrs: attrs}))
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return nil, &FamilyError{Name: name, Err: err}
		}
		return nil, fmt.Errorf("genl: resolve %q: %w", name, err)
	}
	for _, m := range msgs {
		gm, err := ParseMessage(m.Data)
		if err != nil {
			return nil, fmt.Errorf("genl: resolve %q: %w", name, err)
		}
		fam, err := decodeFamily(gm.Attrs)
		if err != nil {
			return nil, fmt.Errorf("genl: resolve %q: %w", name, err)
		}
		if fam.Name != name {
			continue
		}
		f = &fam
		c.mu.Lock()
		c.cache[name] = f
		c.mu.Unlock()
		return f, nil
	}
	return nil, &FamilyError{Name: name, Err: unix.ENOENT}
}

// FamilyError reports a family the kernel does not have. It matches
// ErrNoFamily and the errno under errors.Is.
type FamilyError struct {
	Name string
	Err  error
}

// Error reads like `genl: no such generic netlink family "wireguard"`.
func (e *FamilyError) Error() string {
	return fmt.Sprintf("genl: %s %q (module not loaded?)", ErrNoFamily, e.Name)
}

// Unwrap returns ErrNoFamily and the underlying error.
func (e *FamilyError) Unwrap() []error { return []error{ErrNoFamily, e.Err} }

// Families lists every family the controller knows, in the order it dumps
// them (that of `genl ctrl list`). The list also refreshes the cache.
func (c *Client) Families(ctx context.Context) ([]Family, error) {
	var fams []Family
	err := c.conn.Dump(ctx, NetlinkMessage(IDCtrl, 0, Message{Command: ctrlCmdGetFamily, Version: 1}), func(m codec.Message) error {
		gm, err := ParseMessage(m.Data)
		if err != nil {
			return err
		}
		f, err := decodeFamily(gm.Attrs)
		if err != nil {
			return err
		}
		fams = append(fams, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("genl: list families: %w", err)
	}
	c.mu.Lock()
	for i := range fams {
		f := fams[i]
		c.cache[f.Name] = &f
	}
	c.mu.Unlock()
	return fams, nil
}
