package rtnl

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
)

// LinkFilter narrows ListLinks. The kernel filters by Kind and Master
// (strict dump checking); nlsh checks again.
type LinkFilter struct {
	Kind   string  // only links of this kind
	Master LinkRef // only ports of this master
	// NoStats leaves Stats64 out (a smaller, faster dump).
	NoStats bool
}

// clientEnv resolves names through the client for one call and remembers
// descriptors to close when the call ends.
type clientEnv struct {
	ctx      context.Context
	c        *Client
	byName   map[string]int
	releases []func()
}

func (c *Client) env(ctx context.Context) *clientEnv {
	return &clientEnv{ctx: ctx, c: c}
}

// index resolves a device name once per call; a missing device is an
// *ArgError naming the field.
func (e *clientEnv) index(field string, r LinkRef) (int, error) {
	if r.Index != 0 {
		return r.Index, nil
	}
	if i, ok := e.byName[r.Name]; ok {
		return i, nil
	}
	if err := checkIfname(field, r.Name); err != nil {
		return 0, err
	}
	req := codec.Message{Header: codec.Header{Type: rtmGetLink}, Data: encodeGetLink(r, false)}
	msgs, err := e.c.conn.Execute(e.ctx, req)
	if errors.Is(err, syscall.ENODEV) {
		return 0, argErr(field, r.Name, "no such device")
	}
	if err != nil {
		return 0, fmt.Errorf("resolve %s %q: %w", field, r.Name, kernelErr(err, req, r.Name))
	}
	for _, m := range msgs {
		if m.Header.Type == rtmNewLink && len(m.Data) >= ifinfomsgLen {
			i := int(int32(binary.LittleEndian.Uint32(m.Data[4:8])))
			if e.byName == nil {
				e.byName = map[string]int{}
			}
			e.byName[r.Name] = i
			return i, nil
		}
	}
	return 0, argErr(field, r.Name, "no such device")
}

func (e *clientEnv) netns(field string, t netns.Target) (uint16, uint32, error) {
	return netnsAttr(field, t, func(f func()) { e.releases = append(e.releases, f) })
}

func (e *clientEnv) close() {
	for _, f := range e.releases {
		f()
	}
	e.releases = nil
}

// EachLink streams the links of the client's namespace to fn, decoding
// one at a time; fn must not keep l past the call if it reuses it (each l
// is new). A dump the kernel starts over is handled as OnRestart says.
func (c *Client) EachLink(ctx context.Context, f LinkFilter, fn func(l *Link) error, opts ...CallOption) error {
	rs := restarts{hook: collectOptions(opts).onRestart}
	req, err := c.linkDumpRequest(ctx, f)
	if err != nil {
		return err
	}
	err = c.conn.Dump(ctx, req, func(m codec.Message) error {
		if isDumpRestart(m) {
			return rs.restarted()
		}
		if m.Header.Type != rtmNewLink {
			return nil
		}
		l, err := decodeLinkStats(m.Data, !f.NoStats)
		if err != nil {
			return err
		}
		if !f.matches(l) {
			return nil
		}
		resolveLink(l, nil)
		rs.seen = true
		return fn(l)
	})
	return kernelErr(err, req, "")
}

func (f *LinkFilter) matches(l *Link) bool {
	if f.Kind != "" && l.Kind() != f.Kind {
		return false
	}
	if f.Master.Index != 0 && l.Master != f.Master.Index {
		return false
	}
	return true
}

func (c *Client) linkDumpRequest(ctx context.Context, f LinkFilter) (codec.Message, error) {
	if f.Master.Name != "" && f.Master.Index == 0 {
		i, err := c.env(ctx).index("master", f.Master)
		if err != nil {
			return codec.Message{}, err
		}
		f.Master.Index = i
	}
	e := codec.NewEncoder(encodeGetLink(LinkRef{}, !f.NoStats))
	if f.Master.Index != 0 {
		e.Uint32(iflaMaster, uint32(f.Master.Index))
	}
	if f.Kind != "" {
		e.Nested(iflaLinkInfo, func(e *codec.Encoder) { e.String(iflaInfoKind, f.Kind) })
	}
	b, err := e.Encode()
	if err != nil {
		return codec.Message{}, argErr("kind", f.Kind, err.Error())
	}
	return codec.Message{Header: codec.Header{Type: rtmGetLink, Flags: codec.Dump}, Data: b}, nil
}

// ListLinks returns the links of the client's namespace (ip link show),
// with master and parent names resolved from the same dump: the dump
// covers every link and the filter is applied after, as ip does.
func (c *Client) ListLinks(ctx context.Context, f LinkFilter) ([]*Link, error) {
	var ls []*Link
	err := c.EachLink(ctx, LinkFilter{NoStats: f.NoStats}, func(l *Link) error {
		ls = append(ls, l)
		return nil
	}, OnRestart(func() error { ls = ls[:0]; return nil }))
	if err != nil {
		return nil, err
	}
	resolveLinks(ls)
	if f.Master.Name != "" && f.Master.Index == 0 {
		if err := checkIfname("master", f.Master.Name); err != nil {
			return nil, err
		}
		for _, l := range ls {
			if l.Name == f.Master.Name {
				f.Master.Index = l.Index
			}
		}
		if f.Master.Index == 0 {
			return nil, argErr("master", f.Master.Name, "no such device")
		}
	}
	out := ls[:0]
	for _, l := range ls {
		if f.matches(l) {
			out = append(out, l)
		}
	}
	return out, nil
}

// GetLink returns one link by name or index, with its master and parent
// names resolved (one more request for each). A link that does not exist
// is an error matching syscall.ENODEV.
func (c *Client) GetLink(ctx context.Context, r LinkRef) (*Link, error) {
	if r.IsZero() {
		return nil, argErr("ifname", nil, "name or index needed")
	}
	if err := r.check("ifname"); err != nil {
		return nil, err
	}
	req := codec.Message{Header: codec.Header{Type: rtmGetLink}, Data: encodeGetLink(r, true)}
	msgs, err := c.conn.Execute(ctx, req)
	if err != nil {
		return nil, kernelErr(err, req, r.String())
	}
	for _, m := range msgs {
		if m.Header.Type == rtmNewLink {
			l, err := decodeLink(m.Data)
			if err != nil {
				return nil, err
			}
			if err := c.resolveByRequest(ctx, l); err != nil {
				return nil, fmt.Errorf("link %s: resolve names: %w", l.Name, err)
			}
			return l, nil
		}
	}
	return nil, fmt.Errorf("RTM_GETLINK %s: no link in the kernel's answer", r)
}

// LinkExists reports whether a link exists: GetLink without the error for
// a missing link.
func (c *Client) LinkExists(ctx context.Context, r LinkRef) (*Link, error) {
	l, err := c.GetLink(ctx, r)
	if errors.Is(err, syscall.ENODEV) {
		return nil, nil
	}
	return l, err
}

// AddLink creates a link (ip link add). With ExistOK, a link of the same
// name and kind that exists already is not an error: its MTU, address,
// master, txqlen, alias, group and up state are set as s asks, so running
// the same provisioning twice gives the same state.
func (c *Client) AddLink(ctx context.Context, s LinkSpec, opts ...CallOption) error {
	o := collectOptions(opts)
	req, env, err := c.newLinkMessage(ctx, &s)
	if err != nil {
		return err
	}
	defer env.close()
	_, err = c.conn.Execute(ctx, req)
	env.close()
	if err == nil {
		if s.Alias != "" {
			// The kernel takes an alias only on an existing link.
			if err := c.SetLink(ctx, ByName(s.Name), LinkChange{Alias: &s.Alias}); err != nil {
				return err
			}
		}
		if s.Peer != nil && s.Peer.Up {
			up := true
			return c.SetLink(ctx, ByName(s.Peer.Name), LinkChange{Up: &up})
		}
		return nil
	}
	err = kernelErr(err, req, s.Name)
	if !o.existOK || !errors.Is(err, syscall.EEXIST) {
		return err
	}
	return c.ensureLink(ctx, &s, err)
}

// ensureLink brings an existing link to the common settings of s.
func (c *Client) ensureLink(ctx context.Context, s *LinkSpec, exists error) error {
	if s.NetNS != nil {
		// It exists in another namespace; nothing here to compare.
		return exists
	}
	l, err := c.LinkExists(ctx, ByName(s.Name))
	if err != nil || l == nil || l.Kind() != s.Kind {
		return exists
	}
	var ch LinkChange
	if s.MTU > 0 && uint32(s.MTU) != l.MTU {
		ch.MTU = &s.MTU
	}
	if s.Address != "" {
		if hw, _ := parseMAC("address", s.Address); hw.String() != l.Address.String() {
			ch.Address = s.Address
		}
	}
	if !s.Master.IsZero() {
		ch.Master = &s.Master
	}
	if s.TxQLen > 0 && uint32(s.TxQLen) != l.TxQLen {
		ch.TxQLen = &s.TxQLen
	}
	if s.Alias != "" && s.Alias != l.Alias {
		ch.Alias = &s.Alias
	}
	if s.Group != 0 && s.Group != l.Group {
		ch.Group = &s.Group
	}
	if s.Up && !l.IsUp() {
		up := true
		ch.Up = &up
	}
	if ch.isEmpty() {
		return nil
	}
	return c.SetLink(ctx, ByIndex(l.Index), ch)
}

func (ch *LinkChange) isEmpty() bool {
	return ch.Name == nil && ch.Up == nil && ch.MTU == nil && ch.Address == "" && ch.Master == nil &&
		!ch.NoMaster && ch.TxQLen == nil && ch.Alias == nil && ch.Group == nil && ch.NetNS == nil &&
		len(ch.Data) == 0 && len(ch.Port) == 0 && len(ch.Unknown) == 0
}

// newLinkMessage validates s and builds its RTM_NEWLINK request. The
// caller closes env after sending.
func (c *Client) newLinkMessage(ctx context.Context, s *LinkSpec) (codec.Message, *clientEnv, error) {
	if err := s.validate("", false); err != nil {
		return codec.Message{}, nil, err
	}
	env := c.env(ctx)
	b, err := encodeNewLink(s, env)
	if err != nil {
		env.close()
		return codec.Message{}, nil, err
	}
	return codec.Message{Header: codec.Header{Type: rtmNewLink, Flags: codec.Create | codec.Excl}, Data: b}, env, nil
}

// SetLink changes a link (ip link set).
func (c *Client) SetLink(ctx context.Context, r LinkRef, ch LinkChange) error {
	req, env, err := c.setLinkMessage(ctx, r, &ch)
	if err != nil {
		return err
	}
	defer env.close()
	_, err = c.conn.Execute(ctx, req)
	return kernelErr(err, req, r.String())
}

func (c *Client) setLinkMessage(ctx context.Context, r LinkRef, ch *LinkChange) (codec.Message, *clientEnv, error) {
	if r.IsZero() {
		return codec.Message{}, nil, argErr("ifname", nil, "name or index needed")
	}
	if err := r.check("ifname"); err != nil {
		return codec.Message{}, nil, err
	}
	if err := ch.validate(); err != nil {
		return codec.Message{}, nil, err
	}
	env := c.env(ctx)
	index := r.Index
	if index == 0 && ch.Name != nil {
		// The new name takes IFLA_IFNAME; find the link by index.
		i, err := env.index("ifname", r)
		if err != nil {
			return codec.Message{}, nil, err
		}
		index = i
	}
	b, err := encodeSetLink(index, r.Name, ch, env)
	if err != nil {
		env.close()
		return codec.Message{}, nil, err
	}
	return codec.Message{Header: codec.Header{Type: rtmNewLink}, Data: b}, env, nil
}

// UpdateLink writes l back as it is (see ChangeFrom), keeping the
// attributes nlsh did not know.
func (c *Client) UpdateLink(ctx context.Context, l *Link) error {
	return c.SetLink(ctx, ByIndex(l.Index), ChangeFrom(l))
}

// DelLink deletes a link (ip link del). Deleting either end of a veth
// pair deletes both.
func (c *Client) DelLink(ctx context.Context, r LinkRef) error {
	if r.IsZero() {
		return argErr("ifname", nil, "name or index needed")
	}
	if err := r.check("ifname"); err != nil {
		return err
	}
	req := codec.Message{Header: codec.Header{Type: rtmDelLink}, Data: encodeDelLink(r)}
	_, err := c.conn.Execute(ctx, req)
	return kernelErr(err, req, r.String())
}

// AddLinks creates many links in few system calls (the socket's batch).
// It returns one error per spec (nil for success), in order; a spec that
// fails validation is not sent. The second result is an error of the
// exchange itself.
func (c *Client) AddLinks(ctx context.Context, specs []LinkSpec) ([]error, error) {
	errs := make([]error, len(specs))
	var ms []codec.Message
	var objs []string
	var at []int
	for i := range specs {
		req, env, err := c.newLinkMessage(ctx, &specs[i])
		if err != nil {
			errs[i] = err
			continue
		}
		defer env.close()
		ms, objs, at = append(ms, req), append(objs, specs[i].Name), append(at, i)
	}
	return c.scatter(ctx, errs, ms, objs, at)
}

// SetLinks changes many links in few system calls (the socket's batch):
// chs[i] is applied to the link refs[i] names, in order. It returns one
// error per link (nil for success); a change that fails validation is
// not sent. Names a request needs as indexes (a new name for a link given
// by name, a master) are resolved before anything is sent, so they must
// not name links an earlier change in the same call renames. The second
// result is an error of the batch as a whole.
func (c *Client) SetLinks(ctx context.Context, refs []LinkRef, chs []LinkChange) ([]error, error) {
	if len(refs) != len(chs) {
		return nil, fmt.Errorf("set links: %d links but %d changes", len(refs), len(chs))
	}
	errs := make([]error, len(refs))
	ms := make([]codec.Message, 0, len(refs))
	objs := make([]string, 0, len(refs))
	at := make([]int, 0, len(refs))
	for i := range refs {
		req, env, err := c.setLinkMessage(ctx, refs[i], &chs[i])
		if err != nil {
			errs[i] = err
			continue
		}
		defer env.close()
		ms, objs, at = append(ms, req), append(objs, refs[i].String()), append(at, i)
	}
	return c.scatter(ctx, errs, ms, objs, at)
}

// DelLinks deletes many links in few system calls; one error per ref.
func (c *Client) DelLinks(ctx context.Context, refs []LinkRef) ([]error, error) {
	errs := make([]error, len(refs))
	var ms []codec.Message
	var objs []string
	var at []int
	for i, r := range refs {
		if err := r.check("ifname"); err != nil || r.IsZero() {
			if err == nil {
				err = argErr("ifname", nil, "name or index needed")
			}
			errs[i] = err
			continue
		}
		ms = append(ms, codec.Message{Header: codec.Header{Type: rtmDelLink}, Data: encodeDelLink(r)})
		objs, at = append(objs, r.String()), append(at, i)
	}
	return c.scatter(ctx, errs, ms, objs, at)
}

// scatter sends ms as one batch and puts each answer at its position.
func (c *Client) scatter(ctx context.Context, errs []error, ms []codec.Message, objs []string, at []int) ([]error, error) {
	if len(ms) == 0 {
		return errs, nil
	}
	got, err := c.conn.Batch(ctx, ms)
	if err != nil {
		err = fmt.Errorf("%s batch of %d: %w", MessageName(ms[0].Header.Type), len(ms), err)
	}
	for j, e := range got {
		if j < len(at) {
			errs[at[j]] = kernelErr(e, ms[j], objs[j])
		}
	}
	return errs, err
}
