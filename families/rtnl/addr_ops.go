package rtnl

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	"github.com/nlsh/nlsh/core/codec"
)

// AddrFilter selects addresses to list. Family and device are filtered in
// the kernel (strict checking), and again here for kernels without it.
type AddrFilter struct {
	Family  string // "inet", "inet6" or "" for both
	Dev     string // device name, or
	Ifindex int    // device index; 0 for all
}

// EachAddr streams the addresses matching f to fn without holding the whole
// dump. The Address is fn's to keep. An error from fn stops the dump and is
// returned.
// A dump the kernel starts over is handled as OnRestart says.
func (c *Client) EachAddr(ctx context.Context, f AddrFilter, fn func(Address) error, opts ...CallOption) error {
	const op = "addr list"
	rs := restarts{hook: collectOptions(opts).onRestart}
	fam, ok := ipFamilyNumber(f.Family)
	if !ok {
		return badArg("family", f.Family, "want inet or inet6")
	}
	devs := c.devs()
	idx, err := devs.resolve(ctx, op, "dev", f.Dev, f.Ifindex)
	if err != nil {
		return err
	}
	if err := devs.loadAll(ctx); err != nil {
		return err
	}
	b := make([]byte, ifaddrmsgLen)
	b[0] = fam
	binary.LittleEndian.PutUint32(b[4:8], uint32(idx))
	var d codec.Decoder
	err = c.conn.Dump(ctx, codec.Message{Header: codec.Header{Type: rtmGetAddr, Flags: codec.Dump}, Data: b}, func(m codec.Message) error {
		if isDumpRestart(m) {
			return rs.restarted()
		}
		if m.Header.Type != rtmNewAddr {
			return nil
		}
		var a Address
		if err := decodeAddrInto(&a, m.Data, &d); err != nil {
			return err
		}
		if (fam != ipFamilyUnspec && m.Data[0] != fam) || (idx != 0 && a.Ifindex != idx) {
			return nil
		}
		a.Dev = devs.name(a.Ifindex)
		rs.seen = true
		return fn(a)
	})
	return annotate(err, rtmGetAddr, addrFilterObject(f))
}

func addrFilterObject(f AddrFilter) string {
	s := "dump"
	if f.Family != "" {
		s += " " + f.Family
	}
	if f.Dev != "" {
		s += " dev " + f.Dev
	} else if f.Ifindex != 0 {
		s += fmt.Sprintf(" ifindex %d", f.Ifindex)
	}
	return s
}

// ListAddrs returns the addresses matching f, like `ip -j addr show`.
func (c *Client) ListAddrs(ctx context.Context, f AddrFilter) ([]Address, error) {
	var out []Address
	err := c.EachAddr(ctx, f, func(a Address) error {
		out = append(out, a)
		return nil
	}, OnRestart(func() error { out = out[:0]; return nil }))
	return out, err
}

// AddAddr adds an address, like `ip addr add`. It fails with EEXIST if the
// address is already there, unless ExistOK is given and what is there
// matches.
func (c *Client) AddAddr(ctx context.Context, a Address, opts ...CallOption) error {
	return c.writeAddr(ctx, "addr add", a, codec.Create|codec.Excl, opts)
}

// ReplaceAddr adds an address or updates the one with the same local
// address and prefix, like `ip addr replace`.
func (c *Client) ReplaceAddr(ctx context.Context, a Address, opts ...CallOption) error {
	return c.writeAddr(ctx, "addr replace", a, codec.Create|codec.Replace, opts)
}

// DelAddr removes an address, like `ip addr del`.
func (c *Client) DelAddr(ctx context.Context, a Address, opts ...CallOption) error {
	return c.writeAddr(ctx, "addr del", a, 0, opts)
}

func (c *Client) writeAddr(ctx context.Context, op string, a Address, flags uint16, opts []CallOption) error {
	o := collectOptions(opts)
	m, err := c.addrMessage(ctx, op, &a, flags, c.devs())
	if err != nil {
		return err
	}
	_, err = c.execute(ctx, m.Header.Type, m.Header.Flags, m.Data, a.object())
	if err != nil && o.existOK && flags&codec.Excl != 0 && errors.Is(err, syscall.EEXIST) {
		if ok, lerr := c.addrExists(ctx, &a); lerr == nil && ok {
			return nil
		}
	}
	return err
}

// addrMessage validates a, resolves its device, and encodes the request.
func (c *Client) addrMessage(ctx context.Context, op string, a *Address, flags uint16, devs *devResolver) (codec.Message, error) {
	fam, err := a.normalize(op)
	if err != nil {
		return codec.Message{}, err
	}
	if a.Dev == "" && a.Ifindex == 0 {
		return codec.Message{}, badArg("dev", "", "device missing")
	}
	if a.Ifindex, err = devs.resolve(ctx, op, "dev", a.Dev, a.Ifindex); err != nil {
		return codec.Message{}, err
	}
	typ := rtmNewAddr
	if flags == 0 {
		typ = rtmDelAddr
	}
	b, err := encodeAddr(a, fam, typ == rtmDelAddr)
	if err != nil {
		return codec.Message{}, err
	}
	return codec.Message{Header: codec.Header{Type: typ, Flags: flags}, Data: b}, nil
}

// addrExists reports whether the device already has an address equal to a
// in every field a sets.
func (c *Client) addrExists(ctx context.Context, a *Address) (bool, error) {
	found := false
	err := c.EachAddr(ctx, AddrFilter{Family: a.Family, Ifindex: a.Ifindex}, func(x Address) error {
		if x.Local == a.Local && x.Prefixlen == a.Prefixlen && addrMatches(a, &x) {
			found = true
		}
		return nil
	})
	return found, err
}

func addrMatches(want, have *Address) bool {
	if want.Address.IsValid() && want.Address != have.Address {
		return false
	}
	if want.Broadcast.IsValid() && want.Broadcast != have.Broadcast {
		return false
	}
	if want.BroadcastAuto && want.Prefixlen < 31 && autoBroadcast(want.Prefix()) != have.Broadcast {
		return false
	}
	if want.Label != "" && want.Label != have.Label {
		return false
	}
	if want.Scope != "" && want.Scope != have.Scope {
		return false
	}
	for _, f := range want.Flags {
		if f != "dynamic" && !have.HasFlag(f) {
			return false
		}
	}
	return true
}

// AddAddrs adds many addresses in few syscalls. It returns one error per
// address (nil for success), in order; the second result reports a failure
// of the batch as a whole. Arguments that cannot be right fail their own
// entry and are not sent.
func (c *Client) AddAddrs(ctx context.Context, as []Address, opts ...CallOption) ([]error, error) {
	return c.batchAddrs(ctx, "addr add", as, codec.Create|codec.Excl, opts)
}

// DelAddrs removes many addresses in few syscalls, one error per address.
func (c *Client) DelAddrs(ctx context.Context, as []Address, opts ...CallOption) ([]error, error) {
	return c.batchAddrs(ctx, "addr del", as, 0, opts)
}

func (c *Client) batchAddrs(ctx context.Context, op string, as []Address, flags uint16, opts []CallOption) ([]error, error) {
	o := collectOptions(opts)
	devs := c.devs()
	errs := make([]error, len(as))
	var ms []codec.Message
	var where []int
	norm := make([]Address, len(as))
	for i := range as {
		norm[i] = as[i]
		m, err := c.addrMessage(ctx, op, &norm[i], flags, devs)
		if err != nil {
			errs[i] = err
			continue
		}
		ms, where = append(ms, m), append(where, i)
	}
	berrs, err := c.batch(ctx, ms, func(j int) string { return norm[where[j]].object() })
	if err != nil {
		return errs, err
	}
	for j, e := range berrs {
		i := where[j]
		if e != nil && o.existOK && flags&codec.Excl != 0 && errors.Is(e, syscall.EEXIST) {
			if ok, lerr := c.addrExists(ctx, &norm[i]); lerr == nil && ok {
				e = nil
			}
		}
		errs[i] = e
	}
	return errs, nil
}
