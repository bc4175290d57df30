package rtnl

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"

	"github.com/nlsh/nlsh/core/codec"
)

// Neighbour attributes (NDA_*), flags and the size of struct ndmsg.
const (
	ndaDst     uint16 = 1
	ndaLladdr  uint16 = 2
	ndaProbes  uint16 = 4
	ndaIfindex uint16 = 8
	ndmsgLen          = 12

	ntfProxy  uint8  = 0x08
	ntfRouter uint8  = 0x80
	nudPerm   uint16 = 0x80
)

// ipNeighStates are NUD_* as `ip -j neigh` prints them in "state".
var ipNeighStates = []ipFlagName{
	{0x01, "INCOMPLETE"}, {0x02, "REACHABLE"}, {0x04, "STALE"}, {0x08, "DELAY"},
	{0x10, "PROBE"}, {0x20, "FAILED"}, {0x40, "NOARP"}, {0x80, "PERMANENT"},
}

// ipNeighFlags are the NTF_* bits other than proxy and router, which
// Neigh has as booleans.
var ipNeighFlags = []ipFlagName{
	{0x01, "use"}, {0x02, "self"}, {0x04, "master"}, {0x10, "extern_learn"},
	{0x20, "offload"}, {0x40, "sticky"},
}

// Neigh is one neighbour (ARP or NDP) entry, or a proxy entry, with the
// names `ip -j neigh` uses.
type Neigh struct {
	Family  string           `json:"family,omitempty"` // inferred from Dst when empty
	Dst     netip.Addr       `json:"dst"`
	Dev     string           `json:"dev,omitempty"`
	Ifindex int              `json:"ifindex,omitempty"`
	Lladdr  net.HardwareAddr `json:"lladdr,omitempty"`
	// State is the list of NUD_* names ip prints, such as ["PERMANENT"]
	// or ["REACHABLE"]; on add the default is ["PERMANENT"], as ip's.
	State []string `json:"state,omitempty"`
	// Router marks the neighbour as an IPv6 router (NTF_ROUTER).
	Router bool `json:"router,omitempty"`
	// Proxy makes this a proxy ARP/NDP entry (NTF_PROXY); list proxies
	// with NeighFilter.Proxy.
	Proxy  bool     `json:"proxy,omitempty"`
	Flags  []string `json:"flags,omitempty"`
	Probes uint32   `json:"probes,omitempty"`
}

func (n *Neigh) object() string {
	s := n.Dst.String()
	if n.Proxy {
		s = "proxy " + s
	}
	if n.Lladdr != nil {
		s += " lladdr " + n.Lladdr.String()
	}
	if n.Dev != "" {
		s += " dev " + n.Dev
	} else if n.Ifindex != 0 {
		s += fmt.Sprintf(" ifindex %d", n.Ifindex)
	}
	return s
}

// encodeNeigh builds an RTM_NEWNEIGH / RTM_DELNEIGH payload.
func encodeNeigh(n *Neigh, del bool) ([]byte, error) {
	if !n.Dst.IsValid() {
		return nil, badArg("dst", "", "address missing")
	}
	n.Dst = n.Dst.Unmap()
	fam := ipAddrFamily(n.Dst)
	if want, ok := ipFamilyNumber(n.Family); !ok || (want != 0 && want != fam) {
		return nil, badArg("family", n.Family, "does not fit dst %s", n.Dst)
	}
	n.Family = ipFamilyName(fam)
	state := nudPerm
	if len(n.State) > 0 {
		v, err := ipFlagBits("state", n.State, ipNeighStates)
		if err != nil {
			return nil, err
		}
		state = uint16(v)
	}
	flags, err := ipFlagBits("flags", n.Flags, ipNeighFlags)
	if err != nil {
		return nil, err
	}
	if n.Proxy {
		flags |= uint32(ntfProxy)
	}
	if n.Router {
		flags |= uint32(ntfRouter)
	}
	b := make([]byte, ndmsgLen, 48)
	b[0] = fam
	binary.LittleEndian.PutUint32(b[4:8], uint32(n.Ifindex))
	if !del {
		binary.LittleEndian.PutUint16(b[8:10], state)
	}
	b[10] = uint8(flags)
	e := codec.NewEncoder(b)
	e.Addr(ndaDst, n.Dst)
	if n.Lladdr != nil && !del {
		e.Bytes(ndaLladdr, n.Lladdr)
	}
	return e.Encode()
}

// DecodeNeigh decodes an RTM_NEWNEIGH or RTM_DELNEIGH message (a dump reply
// or an event). Dev is left empty: the message carries the ifindex.
func DecodeNeigh(m codec.Message) (Neigh, error) {
	var n Neigh
	b := m.Data
	if len(b) < ndmsgLen {
		return n, fmt.Errorf("ndmsg: %d bytes, need %d: %w", len(b), ndmsgLen, codec.ErrTruncated)
	}
	n.Family = ipFamilyName(b[0])
	n.Ifindex = int(int32(binary.LittleEndian.Uint32(b[4:8])))
	n.State = ipFlagNames(uint32(binary.LittleEndian.Uint16(b[8:10])), ipNeighStates)
	flags := b[10]
	n.Proxy, n.Router = flags&ntfProxy != 0, flags&ntfRouter != 0
	n.Flags = ipFlagNames(uint32(flags&^(ntfProxy|ntfRouter)), ipNeighFlags)
	d := codec.NewDecoder(b[ndmsgLen:])
	for d.Next() {
		switch d.Type() {
		case ndaDst:
			n.Dst = d.Addr()
		case ndaLladdr:
			n.Lladdr = append(net.HardwareAddr(nil), d.Bytes()...)
		case ndaProbes:
			n.Probes = d.Uint32()
		}
	}
	if err := d.Err(); err != nil {
		return n, fmt.Errorf("neighbour attributes: %w", err)
	}
	return n, nil
}

// NeighFilter selects neighbours to list; family and device are filtered
// in the kernel (strict checking) and again here.
type NeighFilter struct {
	Family  string
	Dev     string
	Ifindex int
	// Proxy lists proxy entries instead (`ip neigh show proxy`).
	Proxy bool
}

// EachNeigh streams the neighbours matching f to fn. A dump the kernel
// starts over is handled as OnRestart says.
func (c *Client) EachNeigh(ctx context.Context, f NeighFilter, fn func(Neigh) error, opts ...CallOption) error {
	rs := restarts{hook: collectOptions(opts).onRestart}
	fam, ok := ipFamilyNumber(f.Family)
	if !ok {
		return badArg("family", f.Family, "want inet or inet6")
	}
	devs := c.devs()
	idx, err := devs.resolve(ctx, "neigh list", "dev", f.Dev, f.Ifindex)
	if err != nil {
		return err
	}
	if err := devs.loadAll(ctx); err != nil {
		return err
	}
	b := make([]byte, ndmsgLen, 24)
	b[0] = fam
	if f.Proxy {
		b[10] = ntfProxy
	}
	e := codec.NewEncoder(b)
	if idx != 0 {
		e.Uint32(ndaIfindex, uint32(idx))
	}
	req, _ := e.Encode()
	err = c.conn.Dump(ctx, codec.Message{Header: codec.Header{Type: rtmGetNeigh, Flags: codec.Dump}, Data: req}, func(m codec.Message) error {
		if isDumpRestart(m) {
			return rs.restarted()
		}
		if m.Header.Type != rtmNewNeigh {
			return nil
		}
		n, err := DecodeNeigh(m)
		if err != nil {
			return err
		}
		if (fam != 0 && m.Data[0] != fam) || (idx != 0 && n.Ifindex != idx) || n.Proxy != f.Proxy {
			return nil
		}
		n.Dev = devs.name(n.Ifindex)
		rs.seen = true
		return fn(n)
	})
	return annotate(err, rtmGetNeigh, "dump")
}

// ListNeighs returns the neighbours matching f, like `ip -j neigh show`
// (which, unlike this, hides NOARP entries).
func (c *Client) ListNeighs(ctx context.Context, f NeighFilter) ([]Neigh, error) {
	var out []Neigh
	err := c.EachNeigh(ctx, f, func(n Neigh) error {
		out = append(out, n)
		return nil
	}, OnRestart(func() error { out = out[:0]; return nil }))
	return out, err
}

// AddNeigh adds a neighbour entry, like `ip neigh add` (EEXIST if one
// exists, unless ExistOK is given and it matches).
func (c *Client) AddNeigh(ctx context.Context, n Neigh, opts ...CallOption) error {
	return c.writeNeigh(ctx, "neigh add", n, codec.Create|codec.Excl, opts)
}

// ReplaceNeigh adds or updates a neighbour entry, like `ip neigh replace`.
func (c *Client) ReplaceNeigh(ctx context.Context, n Neigh, opts ...CallOption) error {
	return c.writeNeigh(ctx, "neigh replace", n, codec.Create|codec.Replace, opts)
}

// DelNeigh removes a neighbour entry, like `ip neigh del`.
func (c *Client) DelNeigh(ctx context.Context, n Neigh, opts ...CallOption) error {
	return c.writeNeigh(ctx, "neigh del", n, 0, opts)
}

func (c *Client) writeNeigh(ctx context.Context, op string, n Neigh, flags uint16, opts []CallOption) error {
	o := collectOptions(opts)
	m, err := c.neighMessage(ctx, op, &n, flags, c.devs())
	if err != nil {
		return err
	}
	_, err = c.execute(ctx, m.Header.Type, flags, m.Data, n.object())
	if err != nil && o.existOK && flags&codec.Excl != 0 && isExist(err) && c.neighExists(ctx, &n) {
		return nil
	}
	return err
}

// neighMessage checks n, resolves its device (n.Ifindex is set) and
// builds its RTM_NEWNEIGH (flags not 0) or RTM_DELNEIGH request.
func (c *Client) neighMessage(ctx context.Context, op string, n *Neigh, flags uint16, devs *devResolver) (codec.Message, error) {
	if n.Dev == "" && n.Ifindex == 0 {
		return codec.Message{}, badArg("dev", "", "device missing")
	}
	var err error
	if n.Ifindex, err = devs.resolve(ctx, op, "dev", n.Dev, n.Ifindex); err != nil {
		return codec.Message{}, err
	}
	typ := rtmNewNeigh
	if flags == 0 {
		typ = rtmDelNeigh
	}
	b, err := encodeNeigh(n, typ == rtmDelNeigh)
	if err != nil {
		return codec.Message{}, err
	}
	return codec.Message{Header: codec.Header{Type: typ, Flags: flags}, Data: b}, nil
}

// neighExists reports whether an entry like n (same address, link-layer
// address when given, router flag) is there: what ExistOK accepts.
func (c *Client) neighExists(ctx context.Context, n *Neigh) bool {
	found := false
	lerr := c.EachNeigh(ctx, NeighFilter{Family: n.Family, Ifindex: n.Ifindex, Proxy: n.Proxy}, func(x Neigh) error {
		if x.Dst == n.Dst && (n.Lladdr == nil || x.Lladdr.String() == n.Lladdr.String()) && x.Router == n.Router {
			found = true
		}
		return nil
	})
	return lerr == nil && found
}
