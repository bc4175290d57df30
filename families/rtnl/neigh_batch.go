package rtnl

import (
	"context"

	"github.com/nlsh/nlsh/core/codec"
)

// AddNeighs adds many neighbour entries in few syscalls (the core's
// batch). It returns one error per entry (nil for success), in order;
// the second result reports a failure of the batch as a whole. An entry
// whose arguments cannot be right fails on its own and is not sent. With
// ExistOK an entry that exists already and matches is a success.
func (c *Client) AddNeighs(ctx context.Context, ns []Neigh, opts ...CallOption) ([]error, error) {
	return c.batchNeighs(ctx, "neigh add", ns, codec.Create|codec.Excl, opts)
}

// DelNeighs removes many neighbour entries in few syscalls, one error per
// entry.
func (c *Client) DelNeighs(ctx context.Context, ns []Neigh, opts ...CallOption) ([]error, error) {
	return c.batchNeighs(ctx, "neigh del", ns, 0, opts)
}

func (c *Client) batchNeighs(ctx context.Context, op string, ns []Neigh, flags uint16, opts []CallOption) ([]error, error) {
	o := collectOptions(opts)
	devs := c.devs()
	errs := make([]error, len(ns))
	norm := make([]Neigh, len(ns))
	ms := make([]codec.Message, 0, len(ns))
	where := make([]int, 0, len(ns))
	for i := range ns {
		norm[i] = ns[i]
		m, err := c.neighMessage(ctx, op, &norm[i], flags, devs)
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
		if e != nil && o.existOK && flags&codec.Excl != 0 && isExist(e) && c.neighExists(ctx, &norm[i]) {
			e = nil
		}
		errs[i] = e
	}
	return errs, nil
}
