package rtnl

import (
	"context"

	"github.com/nlsh/nlsh/core/codec"
)

// AddRules adds many rules in few syscalls (the core's batch). It returns
// one error per rule (nil for success), in order; the second result
// reports a failure of the batch as a whole. A rule whose arguments
// cannot be right fails on its own and is not sent. With ExistOK a rule
// identical in every field to one there is a success.
func (c *Client) AddRules(ctx context.Context, rs []Rule, opts ...CallOption) ([]error, error) {
	return c.batchRules(ctx, rs, false, opts)
}

// DelRules removes many rules in few syscalls, one error per rule; each
// removes the first rule matching every field it sets.
func (c *Client) DelRules(ctx context.Context, rs []Rule, opts ...CallOption) ([]error, error) {
	return c.batchRules(ctx, rs, true, opts)
}

func (c *Client) batchRules(ctx context.Context, rs []Rule, del bool, opts []CallOption) ([]error, error) {
	o := collectOptions(opts)
	tables := o.tablesFor()
	typ, flags := rtmNewRule, codec.Create|codec.Excl
	if del {
		typ, flags = rtmDelRule, 0
	}
	errs := make([]error, len(rs))
	norm := make([]Rule, len(rs))
	ms := make([]codec.Message, 0, len(rs))
	where := make([]int, 0, len(rs))
	for i := range rs {
		norm[i] = rs[i]
		b, err := encodeRule(&norm[i], tables, del)
		if err != nil {
			errs[i] = err
			continue
		}
		ms = append(ms, codec.Message{Header: codec.Header{Type: typ, Flags: flags}, Data: b})
		where = append(where, i)
	}
	berrs, err := c.batch(ctx, ms, func(j int) string { return norm[where[j]].object() })
	if err != nil {
		return errs, err
	}
	for j, e := range berrs {
		if e != nil && o.existOK && !del && isExist(e) {
			e = nil // the kernel's rule_exists compared every field
		}
		errs[where[j]] = e
	}
	return errs, nil
}
