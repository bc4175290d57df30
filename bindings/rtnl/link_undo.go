package rtnl

import (
	"context"
	"fmt"
	"slices"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

// Undoing a link delete is best effort: the link is re-created from what
// was read just before the delete — kind, settable kind options, MTU,
// address, txqlen, alias, group, master, up state — with its addresses
// (except IPv6 link-local ones, which come back by themselves) and the
// routes through it that the kernel did not make. A veth is re-created
// with its peer when the peer was in the same namespace (the peer's own
// addresses are lost); otherwise the undo step fails, and the rollback
// reports it. Counters, ifindex and neighbours are not restored.

// linkSnapshot is a link as read before deleting it.
type linkSnapshot struct {
	link   *rtnl.Link
	peer   string // veth peer in the same namespace
	master string
	addrs  []rtnl.Address
	routes []rtnl.Route
	tables *rtnl.Tables // the runtime's routing table names, for routes
}

// settableAddrFlags are the address flags an add may carry.
var settableAddrFlags = []string{"nodad", "home", "mngtmpaddr", "noprefixroute", "autojoin"}

func (a *api) snapshotLink(L *lua.LState, fn string, ref rtnl.LinkRef) *linkSnapshot {
	ctx := bindings.Context(L)
	cl := a.client(L, fn)
	l, err := cl.GetLink(ctx, ref)
	if err != nil {
		raise(L, fn, err)
	}
	s := &linkSnapshot{link: l, tables: connsOf(a.env).routeTables()}
	if l.Master != 0 {
		s.master = l.MasterName
	}
	if l.Kind() == "veth" && l.NetNSID == nil {
		s.peer = l.ParentName
	}
	addrs, err := cl.ListAddrs(ctx, rtnl.AddrFilter{Ifindex: l.Index})
	if err != nil {
		raise(L, fn, err)
	}
	for _, x := range addrs {
		if x.Local.Is6() && x.Local.IsLinkLocalUnicast() {
			continue
		}
		x.Ifindex = 0
		x.ValidLifetime, x.PreferredLifetime = 0, 0
		var keep []string
		for _, f := range x.Flags {
			if slices.Contains(settableAddrFlags, f) {
				keep = append(keep, f)
			}
		}
		x.Flags = keep
		s.addrs = append(s.addrs, x)
	}
	routes, err := cl.ListRoutes(ctx, rtnl.RouteFilter{TableName: "all", Ifindex: l.Index}, rtnl.WithTables(s.tables))
	if err != nil {
		raise(L, fn, err)
	}
	for _, r := range routes {
		if r.Protocol == "kernel" || r.Type == "local" || r.Type == "broadcast" || r.Type == "multicast" || len(r.Nexthops) > 0 {
			continue
		}
		if r.Dst.IsValid() && r.Dst.Addr().Is6() && r.Dst.Addr().IsLinkLocalUnicast() {
			continue
		}
		r.Ifindex = 0
		r.Flags = slices.DeleteFunc(r.Flags, func(f string) bool { return f != "onlink" })
		r.Table, r.Expires = 0, 0
		s.routes = append(s.routes, r)
	}
	return s
}

// recreate is the undo step of a link delete. A delete whose answer was
// lost may not have happened: the same link (same name and ifindex) still
// there means there is nothing to re-create.
func (s *linkSnapshot) recreate(ctx context.Context, cl *rtnl.Client) error {
	l := s.link
	if now, err := cl.LinkExists(ctx, rtnl.ByName(l.Name)); err != nil {
		return err
	} else if now != nil && now.Index == l.Index {
		return nil
	}
	kind := l.Kind()
	if kind == "" {
		return fmt.Errorf("cannot re-create %s: its kind is unknown", l.Name)
	}
	spec := rtnl.LinkSpec{Name: l.Name, Kind: kind, MTU: int(l.MTU), TxQLen: int(l.TxQLen),
		Alias: l.Alias, Group: l.Group, Up: l.IsUp()}
	if len(l.Address) == 6 {
		spec.Address = l.Address.String()
	}
	if s.master != "" {
		spec.Master = rtnl.ByName(s.master)
	}
	if kind == "veth" {
		if s.peer == "" {
			return fmt.Errorf("cannot re-create veth %s: its peer was in another namespace", l.Name)
		}
		spec.Peer = &rtnl.LinkSpec{Name: s.peer}
	} else if l.Info != nil && len(l.Info.Data) > 0 {
		settable := rtnl.KindOptions(kind)
		spec.Data = rtnl.Options{}
		for k, v := range l.Info.Data {
			if slices.Contains(settable, k) {
				spec.Data[k] = v
			}
		}
	}
	if err := cl.AddLink(ctx, spec); err != nil {
		return err
	}
	for _, x := range s.addrs {
		if err := cl.AddAddr(ctx, x, rtnl.ExistOK()); err != nil {
			return err
		}
	}
	for _, r := range s.routes {
		if err := cl.AddRoute(ctx, r, rtnl.ExistOK(), rtnl.WithTables(s.tables)); err != nil {
			return err
		}
	}
	return nil
}
