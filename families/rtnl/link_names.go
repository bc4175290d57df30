package rtnl

import (
	"context"
	"errors"
	"strconv"
	"syscall"

	"github.com/nlsh/nlsh/core/codec"
)

// groupName spells a link group as ip -j does with the stock
// /etc/iproute2/group: "default" for 0, else the number.
func groupName(g uint32) string {
	if g == 0 {
		return "default"
	}
	return strconv.FormatUint(uint64(g), 10)
}

// unknownIfname is how ip names an ifindex it does not know: "if3".
func unknownIfname(i int) string { return "if" + strconv.Itoa(i) }

// resolveLink fills the fields of l that ip -j prints as names: group,
// and, when lookup is not nil, master and link (the parent) with the
// M-DOWN flag, and the kind and port options that are interfaces (Dev:
// vxlan's link, bond's primary): the ifindex becomes the name, when a
// link has it. lookup returns the link of an ifindex, nil when there is
// none. Without lookup only what l itself tells is filled.
func resolveLink(l *Link, lookup func(int) *Link) {
	l.GroupName = groupName(l.Group)
	l.Flags &^= FlagMasterDown
	l.MasterName, l.ParentName, l.LinkIndex = "", "", 0
	if l.Parent != 0 && l.NetNSID != nil {
		l.LinkIndex = l.Parent
	}
	if lookup == nil {
		return
	}
	if l.Master != 0 {
		l.MasterName = unknownIfname(l.Master)
		if m := lookup(l.Master); m != nil {
			l.MasterName = m.Name
		}
	}
	if l.Parent != 0 && l.NetNSID == nil {
		p := lookup(l.Parent)
		l.ParentName = unknownIfname(l.Parent)
		if p != nil {
			l.ParentName = p.Name
		}
		if !p.IsUp() { // as ip: a parent it cannot find counts as down
			l.Flags |= FlagMasterDown
		}
	}
	if l.Info != nil {
		nameDevOptions(l.Info.Data, kinds.get(l.Info.Kind), lookup)
		nameDevOptions(l.Info.SlaveData, slaveKinds.get(l.Info.SlaveKind), lookup)
	}
}

// nameDevOptions replaces, in opts of kind k, the ifindex of each
// interface option by the name of the link lookup finds for it (0 and
// unknown indexes stay numbers).
func nameDevOptions(opts Options, k *linkKind, lookup func(int) *Link) {
	if opts == nil || k == nil {
		return
	}
	for _, o := range k.options {
		u, ok := opts[o.Name].(uint64)
		if !o.Dev || !ok || u == 0 || u > 1<<31 {
			continue
		}
		if d := lookup(int(u)); d != nil {
			opts[o.Name] = d.Name
		}
	}
}

// resolveLinks resolves the names of every link of one dump from the
// dump itself.
func resolveLinks(ls []*Link) {
	byIndex := make(map[int]*Link, len(ls))
	for _, l := range ls {
		byIndex[l.Index] = l
	}
	lookup := func(i int) *Link { return byIndex[i] }
	for _, l := range ls {
		resolveLink(l, lookup)
	}
}

// resolveByRequest resolves l's names asking the kernel for the links it
// refers to (at most two requests: master and parent).
func (c *Client) resolveByRequest(ctx context.Context, l *Link) error {
	var err error
	resolveLink(l, func(i int) *Link {
		if err != nil {
			return nil
		}
		req := codec.Message{Header: codec.Header{Type: rtmGetLink}, Data: encodeGetLink(LinkRef{Index: i}, false)}
		msgs, e := c.conn.Execute(ctx, req)
		if errors.Is(e, syscall.ENODEV) {
			return nil
		}
		if e != nil {
			err = kernelErr(e, req, unknownIfname(i))
			return nil
		}
		for _, m := range msgs {
			if m.Header.Type == rtmNewLink {
				other, e := decodeLink(m.Data)
				if e != nil {
					err = e
					return nil
				}
				return other
			}
		}
		return nil
	})
	return err
}
