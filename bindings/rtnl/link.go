package rtnl

import (
	"context"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	corens "github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/families/rtnl"
)

// MTU bounds accepted for links (lo has 65536).
const (
	minMTU = 68
	maxMTU = 65536
)

func (a *api) linkList(L *lua.LState) int {
	const fn = "rtnl.link.list"
	f := readLinkFilter(bindings.OptTable(L, 1, fn))
	cl := a.client(L, fn)
	ls, err := cl.ListLinks(bindings.Context(L), f)
	if err != nil {
		raise(L, fn, err)
	}
	t := L.CreateTable(len(ls), 0)
	for _, l := range ls {
		// Each link is new and nothing else keeps it: the record takes it.
		t.Append(bindings.NewRecordOwned(L, linkSpec, l))
	}
	L.Push(t)
	return 1
}

// readLinkFilter reads link.list's and link.each's arguments.
func readLinkFilter(args *bindings.Args) rtnl.LinkFilter {
	f := rtnl.LinkFilter{Kind: args.String("kind", bindings.Optional)}
	if m := args.Ifname("master", bindings.Optional); m != "" {
		f.Master = rtnl.ByName(m)
	}
	f.NoStats = !args.Bool("stats", bindings.Optional)
	args.Done()
	return f
}

// linkRef reads ifname= or ifindex= (one of them is required).
func linkRef(args *bindings.Args) rtnl.LinkRef {
	name := args.Ifname("ifname", bindings.Optional)
	idx := args.Int("ifindex", bindings.Optional, 1, 1<<31-1)
	if name == "" && idx == 0 {
		args.Fail("ifname", "required (or ifindex)")
	}
	return rtnl.LinkRef{Name: name, Index: int(idx)}
}

func (a *api) linkGet(L *lua.LState) int {
	const fn = "rtnl.link.get"
	args := bindings.Table(L, 1, fn)
	ref := linkRef(args)
	args.Done()
	cl := a.client(L, fn)
	l, err := cl.GetLink(bindings.Context(L), ref)
	if err != nil {
		raise(L, fn, err)
	}
	L.Push(linkToLua(L, l))
	return 1
}

// readSpec reads the fields a link and a veth peer share.
func readSpec(args *bindings.Args, s *rtnl.LinkSpec) {
	s.MTU = int(args.Int("mtu", bindings.Optional, minMTU, maxMTU))
	if hw := args.MAC("address", bindings.Optional); hw != nil {
		s.Address = hw.String()
	}
	s.TxQLen = int(args.Int("txqlen", bindings.Optional, 0, 1<<32-1))
	if t, ok := nsbind.Field(args, "netns"); ok {
		s.NetNS = &t
	}
}

func (a *api) linkAdd(L *lua.LState) int {
	const fn = "rtnl.link.add"
	args := bindings.Table(L, 1, fn)
	s := &rtnl.LinkSpec{Name: args.Ifname("ifname", bindings.Required)}
	s.Kind = args.String("kind", bindings.Required)
	readSpec(args, s)
	s.Alias = args.String("ifalias", bindings.Optional)
	s.Group = args.Uint32("group", bindings.Optional)
	s.Up = args.Bool("up", bindings.Optional)
	if m := args.Ifname("master", bindings.Optional); m != "" {
		s.Master = rtnl.ByName(m)
	}
	if p := args.Ifname("link", bindings.Optional); p != "" {
		s.Parent = rtnl.ByName(p)
	}
	if d := args.Table("info_data", bindings.Optional); d != nil {
		s.Data = rtnl.Options{}
		d.LTable().ForEach(func(k, v lua.LValue) {
			ks, ok := k.(lua.LString)
			if !ok {
				d.Fail(bindings.Describe(k), "option names are strings")
			}
			d.Known(string(ks))
			s.Data[string(ks)] = bindings.FromLua(v)
		})
	}
	if p := args.Table("peer", bindings.Optional); p != nil {
		s.Peer = &rtnl.LinkSpec{Name: p.Ifname("ifname", bindings.Required)}
		readSpec(p, s.Peer)
		p.Done()
	}
	existOK := args.Bool("exist_ok", bindings.Optional)
	args.Done()
	if s.Kind != "veth" && s.Peer != nil {
		bindings.ArgError(L, fn, "field \"peer\": kind %s has no peer", s.Kind)
	}
	o := &op{fn: fn, group: "link.add", link: s, existOK: existOK}
	// When journalling, look first: a link that is there already is not
	// this call's to delete, even when the kernel's answer (EEXIST) is
	// lost and the undo of an unanswered add is journalled (see do).
	var existed bool
	if a.journalled() {
		cl := a.client(L, fn)
		l, err := cl.LinkExists(bindings.Context(L), rtnl.ByName(s.Name))
		if err != nil {
			raise(L, fn, err)
		}
		existed = l != nil
		if existed && existOK {
			o.group = "" // ensure-style: set what differs, undo by restoring
			prev := rtnl.ChangeFrom(l)
			prev.Name, prev.Unknown = nil, nil
			o.done = func() {
				push(a.env, o.target, "set link "+s.Name+" as it was", func(ctx context.Context, cl *rtnl.Client) error {
					return cl.SetLink(ctx, rtnl.ByIndex(l.Index), prev)
				})
			}
		}
	}
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return cl.AddLink(ctx, *s, o.callOpts()...) }
	if !existed {
		o.done = func() { a.journalLinkAdd(o) }
	}
	a.do(L, o)
	a.dryAdded(L, fn, s, existOK)
	return 0
}

// journalLinkAdd records the inverse of a link add: delete it where it was
// created (a veth's peer goes with it).
func (a *api) journalLinkAdd(o *op) {
	t := o.target
	if o.link.NetNS != nil {
		t = *o.link.NetNS
	}
	name := o.link.Name
	push(a.env, t, "add link "+name, func(ctx context.Context, cl *rtnl.Client) error {
		return cl.DelLink(ctx, rtnl.ByName(name))
	})
}

func (a *api) linkSet(L *lua.LState) int {
	const fn = "rtnl.link.set"
	args := bindings.Table(L, 1, fn)
	ref := linkRef(args)
	var ch rtnl.LinkChange
	if n := args.Ifname("name", bindings.Optional); n != "" {
		ch.Name = &n
	}
	if args.Has("up") {
		up := args.Bool("up", bindings.Optional)
		ch.Up = &up
	}
	if args.Has("mtu") {
		m := int(args.Int("mtu", bindings.Optional, minMTU, maxMTU))
		ch.MTU = &m
	}
	if hw := args.MAC("address", bindings.Optional); hw != nil {
		ch.Address = hw.String()
	}
	if m := args.Ifname("master", bindings.Optional); m != "" {
		r := rtnl.ByName(m)
		ch.Master = &r
	}
	ch.NoMaster = args.Bool("nomaster", bindings.Optional)
	if args.Has("txqlen") {
		q := int(args.Int("txqlen", bindings.Optional, 0, 1<<32-1))
		ch.TxQLen = &q
	}
	if args.Has("ifalias") {
		s := args.String("ifalias", bindings.Optional)
		ch.Alias = &s
	}
	if args.Has("group") {
		g := args.Uint32("group", bindings.Optional)
		ch.Group = &g
	}
	if t, ok := nsbind.Field(args, "netns"); ok {
		ch.NetNS = &t
	}
	var data *bindings.Args
	if d := args.Table("info_data", bindings.Optional); d != nil {
		data = d
		ch.Data = rtnl.Options{}
		d.LTable().ForEach(func(k, v lua.LValue) {
			ks, ok := k.(lua.LString)
			if !ok {
				d.Fail(bindings.Describe(k), "option names are strings")
			}
			d.Known(string(ks))
			ch.Data[string(ks)] = bindings.FromLua(v)
		})
	}
	port := readOptions(args, "port")
	args.Done()
	if ch.Master != nil && ch.NoMaster {
		bindings.ArgError(L, fn, "field \"nomaster\": conflicts with master")
	}
	name := ref.Name
	a.resolveRef(L, fn, "ifname", &ref)
	if ch.Master != nil {
		a.resolveRef(L, fn, "master", ch.Master)
	}
	o := &op{fn: fn, linkRef: &ref}
	// Read the link first: its kind for info_data, its master's for
	// port, its state for undo, and an unknown device is named before
	// anything is sent. A link made earlier in a dry run is not read.
	dry := a.overlayOf().lookup(a.target(), name)
	var prev *rtnl.Link
	if (data != nil || port != nil || a.journalled()) && dry == nil {
		l, err := a.client(L, fn).GetLink(bindings.Context(L), ref)
		if err != nil {
			raise(L, fn, err)
		}
		prev = l
		ch.Kind = l.Kind()
		if l.Info != nil {
			ch.PortKind = l.Info.SlaveKind
		}
	}
	if dry != nil {
		ch.Kind, ch.PortKind = dry.kind, dry.portKind
	}
	if ch.Master != nil && port != nil {
		ch.PortKind = a.masterKind(L, fn, *ch.Master)
	}
	// The kernel sets port options through the link's current master,
	// so with a new master they go in a second request after it.
	var portCh *rtnl.LinkChange
	if port != nil {
		if ch.PortKind == "" {
			bindings.ArgError(L, fn, "field \"port\": %s is no port of a bridge or bond (set master first)", ref)
		}
		if ch.Master != nil {
			portCh = &rtnl.LinkChange{PortKind: ch.PortKind, Port: port}
		} else {
			ch.Port = port
		}
	}
	o.run = func(ctx context.Context, cl *rtnl.Client) error {
		if err := cl.SetLink(ctx, ref, ch); err != nil {
			return err
		}
		if portCh != nil {
			return cl.SetLink(ctx, ref, *portCh)
		}
		return nil
	}
	// In a batch, link.sets go many per sendmsg (rtnl.Client.SetLinks),
	// except those whose request needs a name resolved to an index when
	// it is made (a rename of a link given by name, a master by name):
	// an earlier call of the batch may make or rename that link, so they
	// are sent alone, in order, as is one that needs a second request
	// for port options.
	if portCh == nil && (ch.Name == nil || ref.Index != 0) && (ch.Master == nil || ch.Master.Index != 0) {
		o.group, o.change = "link.set", &ch
	}
	if prev != nil {
		o.done = func() { a.journalLinkSet(o, prev, &ch, portCh) }
	}
	a.do(L, o)
	if ch.Name != nil {
		a.dryRenamed(L, fn, ref, name, *ch.Name)
	}
	if ch.Master != nil && ch.PortKind != "" {
		a.dryPort(name, ch.PortKind)
	}
	return 0
}

// readOptions reads an options table (info_data, port) by option name,
// or returns nil when the field is absent.
func readOptions(args *bindings.Args, field string) rtnl.Options {
	d := args.Table(field, bindings.Optional)
	if d == nil {
		return nil
	}
	opts := rtnl.Options{}
	d.LTable().ForEach(func(k, v lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok {
			d.Fail(bindings.Describe(k), "option names are strings")
		}
		d.Known(string(ks))
		opts[string(ks)] = bindings.FromLua(v)
	})
	return opts
}

// masterKind returns the kind of the link r names: a link of this dry run
// or one the kernel has.
func (a *api) masterKind(L *lua.LState, fn string, r rtnl.LinkRef) string {
	if l := a.overlayOf().lookup(a.target(), r.Name); l != nil {
		return l.kind
	}
	if ov := a.overlayOf(); ov != nil && r.Index != 0 {
		for _, l := range ov.links[a.target().String()] {
			if l.index == r.Index && !l.gone {
				return l.kind
			}
		}
	}
	m, err := a.client(L, fn).GetLink(bindings.Context(L), r)
	if err != nil {
		raise(L, fn, err)
	}
	return m.Kind()
}

// journalLinkSet records setting back what ch changed, from prev.
func (a *api) journalLinkSet(o *op, prev *rtnl.Link, ch *rtnl.LinkChange, portCh *rtnl.LinkChange) {
	all := rtnl.ChangeFrom(prev)
	var back rtnl.LinkChange
	if ch.Name != nil {
		back.Name = all.Name
	}
	if ch.Up != nil {
		back.Up = all.Up
	}
	if ch.MTU != nil {
		back.MTU = all.MTU
	}
	if ch.Address != "" {
		back.Address = all.Address
	}
	if ch.Master != nil || ch.NoMaster {
		back.Master, back.NoMaster = all.Master, all.NoMaster
	}
	if ch.TxQLen != nil {
		back.TxQLen = all.TxQLen
	}
	if ch.Alias != nil {
		back.Alias = all.Alias
	}
	if ch.Group != nil {
		back.Group = all.Group
	}
	name := prev.Name
	if ch.Name != nil {
		name = *ch.Name
	}
	if ch.NetNS != nil {
		// Move it back from where it went, by name.
		home := o.target
		if home.IsHost() {
			// The host namespace as a reference the kernel can take
			// (the thread's own: see netns.Target.ID).
			if t, err := corens.Path("/proc/thread-self/ns/net"); err == nil {
				home = t
			}
		}
		push(a.env, *ch.NetNS, "move link "+name+" to "+ch.NetNS.String(), func(ctx context.Context, cl *rtnl.Client) error {
			return cl.SetLink(ctx, rtnl.ByName(name), rtnl.LinkChange{NetNS: &home})
		})
		return
	}
	if len(ch.Data) > 0 {
		push(a.env, o.target, "set info_data of link "+name, cannotUndo("kind options are not read back"))
	}
	idx := prev.Index
	if pc := portChange(ch, portCh); pc != nil {
		a.journalPortSet(o, prev, pc)
	}
	push(a.env, o.target, "set link "+name, func(ctx context.Context, cl *rtnl.Client) error {
		return cl.SetLink(ctx, rtnl.ByIndex(idx), back)
	})
}

// portChange is the port part of a set, or nil.
func portChange(ch, portCh *rtnl.LinkChange) *rtnl.LinkChange {
	if portCh != nil {
		return portCh
	}
	if len(ch.Port) > 0 {
		return ch
	}
	return nil
}

// journalPortSet records setting back the port options pc changed, with
// the values prev had (as ip -j spells them, which a request takes).
func (a *api) journalPortSet(o *op, prev *rtnl.Link, pc *rtnl.LinkChange) {
	if prev.Info == nil || prev.Info.SlaveKind != pc.PortKind {
		// A new master: its port options go with the link leaving it.
		return
	}
	back := rtnl.Options{}
	for k := range pc.Port {
		v, ok := prev.Info.SlaveData[k]
		if !ok {
			push(a.env, o.target, "set port "+k+" of link "+prev.Name, cannotUndo("the kernel did not report its value"))
			return
		}
		back[k] = v
	}
	idx, kind := prev.Index, pc.PortKind
	push(a.env, o.target, "set port options of link "+prev.Name, func(ctx context.Context, cl *rtnl.Client) error {
		return cl.SetLink(ctx, rtnl.ByIndex(idx), rtnl.LinkChange{PortKind: kind, Port: back})
	})
}

func (a *api) linkDel(L *lua.LState) int {
	const fn = "rtnl.link.del"
	args := bindings.Table(L, 1, fn)
	ref := linkRef(args)
	args.Done()
	name := ref.Name
	o := &op{fn: fn, group: "link.del", linkRef: &ref}
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return cl.DelLink(ctx, ref) }
	if a.journalled() {
		snap := a.snapshotLink(L, fn, ref)
		o.done = func() { push(a.env, o.target, "delete link "+snap.link.Name, snap.recreate) }
	}
	a.do(L, o)
	a.dryDeleted(name)
	return 0
}
