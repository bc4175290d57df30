package nfnl

import (
	"context"
	"fmt"
	"net"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"github.com/nlsh/nlsh/families/nfnl/ruletext"
)

// netlinkNetfilter is NETLINK_NETFILTER, spelled out so the package
// builds on every OS.
const netlinkNetfilter = 12

// Socket buffer sizes Dial asks for unless Options.Socket sets them:
// enough for a transaction of about 10,000 rules.
const (
	DefaultReceiveBuffer = 16 << 20
	DefaultSendBuffer    = 4 << 20
)

// Options configure a Client. A nil *Options is the defaults.
type Options struct {
	// Socket configures the netlink socket (namespace, tracing, dry
	// run). Protocol and AttrPath default to nf_tables' own.
	Socket *socket.Config
	// Registry decodes expressions; nil means expr.NewRegistry().
	Registry *expr.Registry
	// Resolver maps interface names for iif/oif; nil means the
	// interfaces of the socket's namespace.
	Resolver ruletext.Resolver
}

// Client talks nf_tables over one nfnetlink socket.
type Client struct {
	conn     *socket.Conn
	cfg      socket.Config
	reg      *expr.Registry
	types    *ruletext.Types
	compiler *ruletext.Compiler
	printer  *ruletext.Printer
}

// Dial opens an nfnetlink socket (in o.Socket.NetNS) and returns a
// Client over it.
func Dial(o *Options) (*Client, error) {
	var cfg socket.Config
	if o != nil && o.Socket != nil {
		cfg = *o.Socket
	}
	if cfg.Protocol == nil {
		cfg.Protocol = typeNamer{}
	}
	if cfg.AttrPath == nil {
		cfg.AttrPath = attrPath
	}
	// A transaction is one sendmsg and its answers one queue: size both
	// for large rulesets (the kernel doubles these; root lifts the caps).
	if cfg.ReceiveBuffer == 0 {
		cfg.ReceiveBuffer = DefaultReceiveBuffer
	}
	if cfg.SendBuffer == 0 {
		cfg.SendBuffer = DefaultSendBuffer
	}
	sc, err := socket.Dial(netlinkNetfilter, &cfg)
	if err != nil {
		return nil, fmt.Errorf("nfnetlink: %w", err)
	}
	c := New(sc, o)
	c.cfg = cfg
	return c, nil
}

// New returns a Client over an open connection (for example a fake one
// from core/nltest).
func New(conn *socket.Conn, o *Options) *Client {
	c := &Client{conn: conn}
	var r ruletext.Resolver
	if o != nil {
		c.reg, r = o.Registry, o.Resolver
		if o.Socket != nil {
			c.cfg = *o.Socket
		}
	}
	if c.reg == nil {
		c.reg = expr.NewRegistry()
	}
	if r == nil {
		r = nsResolver{target: c.cfg.NetNS}
	}
	c.types = ruletext.NewTypes() // one table (and one read of /etc/protocols) for all three
	c.compiler = ruletext.NewCompilerWith(c.types, r)
	c.printer = ruletext.NewPrinterWith(c.types, r)
	return c
}

// Close closes the socket.
func (c *Client) Close() error { return c.conn.Close() }

// Registry returns the expression registry the client decodes with.
func (c *Client) Registry() *expr.Registry { return c.reg }

// Compile compiles rule text for a table of family, as AddRule does.
func (c *Client) Compile(family, text string) (*ruletext.Rule, error) {
	return c.compiler.Compile(family, text)
}

// nsResolver resolves interface names inside a namespace.
type nsResolver struct{ target netns.Target }

func (r nsResolver) do(fn func() error) error {
	if r.target.IsHost() {
		return fn()
	}
	return r.target.Do(fn)
}

// IfIndex returns the index of the interface called name.
func (r nsResolver) IfIndex(name string) (uint32, error) {
	var idx uint32
	err := r.do(func() error {
		ifi, err := net.InterfaceByName(name)
		if err != nil {
			return err
		}
		idx = uint32(ifi.Index)
		return nil
	})
	return idx, err
}

// IfName returns the name of the interface with index.
func (r nsResolver) IfName(index uint32) (string, error) {
	var name string
	err := r.do(func() error {
		ifi, err := net.InterfaceByIndex(int(index))
		if err != nil {
			return err
		}
		name = ifi.Name
		return nil
	})
	return name, err
}

// message builds an nf_tables message: struct nfgenmsg, then attrs.
func message(typ uint16, flags uint16, family uint8, resID uint16, fill func(e *codec.Encoder)) (codec.Message, error) {
	e := codec.NewEncoder([]byte{family, 0, byte(resID >> 8), byte(resID)})
	if fill != nil {
		fill(e)
	}
	b, err := e.Encode()
	if err != nil {
		return codec.Message{}, err
	}
	return codec.Message{Header: codec.Header{Type: typ, Flags: flags}, Data: b}, nil
}

// Generation returns the ruleset's generation id (NFT_MSG_GETGEN); it
// changes with every committed batch.
func (c *Client) Generation(ctx context.Context) (uint32, error) {
	m, err := message(msgType(msgGetGen), codec.Request, 0, 0, nil)
	if err != nil {
		return 0, err
	}
	replies, err := c.conn.Execute(ctx, m)
	if err != nil {
		return 0, fmt.Errorf("nftables generation: %w", err)
	}
	for _, r := range replies {
		if r.Header.Type != msgType(msgNewGen) {
			continue
		}
		_, d, err := body(r)
		if err != nil {
			return 0, err
		}
		for d.Next() {
			if d.Type() == attrGenID {
				return d.Be32(), d.Err()
			}
		}
	}
	return 0, fmt.Errorf("nftables generation: no NFTA_GEN_ID in the reply")
}
