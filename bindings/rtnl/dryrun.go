package rtnl

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/families/rtnl"
)

// In a dry run nothing that changes state is sent, so a link the script
// "created" a line earlier does not exist when a later call names it
// (rtnl.addr.add{dev = "veth0"} after rtnl.link.add{ifname = "veth0"}).
// The dry-run overlay remembers, per runtime and namespace, the links the
// run created (with a placeholder ifindex), renamed and deleted; name
// resolution consults it first, so the whole script's plan prints.

// overlayKey is where the runtime's overlay lives in the Env.
const overlayKey = "rtnl.dryrun"

// placeholderBase is the first placeholder ifindex: the largest ifindex
// there is, counting down, so no real link of a namespace has it.
const placeholderBase = 1<<31 - 1

// dryLink is what the overlay knows of one name.
type dryLink struct {
	index int    // placeholder, or the real index of a renamed link
	kind  string // info_kind, when the run created it
	// portKind is the kind of the master this run gave the link.
	portKind string
	gone     bool // deleted or renamed away in this run
}

// overlay holds the dry run's links by namespace and name.
type overlay struct {
	next  int
	links map[string]map[string]*dryLink
}

// overlayOf returns a's overlay, or nil when the runtime is not in a dry
// run. It is made on first use and dropped when the runtime closes.
func (a *api) overlayOf() *overlay {
	if !a.env.DryRun {
		return nil
	}
	if o, ok := a.env.Value(overlayKey).(*overlay); ok {
		return o
	}
	o := &overlay{next: placeholderBase, links: map[string]map[string]*dryLink{}}
	a.env.SetValue(overlayKey, o)
	a.env.OnClose(func() { a.env.SetValue(overlayKey, nil) })
	return o
}

func (o *overlay) lookup(t netns.Target, name string) *dryLink {
	if o == nil || name == "" {
		return nil
	}
	return o.links[t.String()][name]
}

func (o *overlay) put(t netns.Target, name string, l *dryLink) {
	m := o.links[t.String()]
	if m == nil {
		m = map[string]*dryLink{}
		o.links[t.String()] = m
	}
	m[name] = l
}

// created records a link the run created: a new placeholder index.
func (o *overlay) created(t netns.Target, name, kind string) {
	o.put(t, name, &dryLink{index: o.next, kind: kind})
	o.next--
}

// resolve returns the overlay's index for name in a's namespace (0 when
// the overlay has nothing to say, and the kernel is asked as usual), and
// raises naming field when the run deleted or renamed the link away.
func (a *api) resolve(L *lua.LState, fn, field, name string) int {
	l := a.overlayOf().lookup(a.target(), name)
	if l == nil {
		return 0
	}
	if l.gone {
		bindings.ArgError(L, fn, "field %q: no such device %q (deleted or renamed earlier in this dry run)", field, name)
	}
	return l.index
}

// resolveRef rewrites r to the overlay's index when it names a link of
// the dry run.
func (a *api) resolveRef(L *lua.LState, fn, field string, r *rtnl.LinkRef) {
	if r == nil || r.Index != 0 {
		return
	}
	if i := a.resolve(L, fn, field, r.Name); i != 0 {
		*r = rtnl.ByIndex(i)
	}
}

// resolveDev rewrites a device name to the overlay's index.
func (a *api) resolveDev(L *lua.LState, fn, field string, dev *string, index *int) {
	if i := a.resolve(L, fn, field, *dev); i != 0 {
		*dev, *index = "", i
	}
}

// dryResolve applies the overlay to what o refers to, before it is sent
// (kept back) or queued. It does nothing outside a dry run.
func (a *api) dryResolve(L *lua.LState, o *op) {
	if !a.env.DryRun {
		return
	}
	switch {
	case o.addr != nil:
		a.resolveDev(L, o.fn, "dev", &o.addr.Dev, &o.addr.Ifindex)
	case o.route != nil:
		a.resolveDev(L, o.fn, "dev", &o.route.Dev, &o.route.Ifindex)
		for i := range o.route.Nexthops {
			nh := &o.route.Nexthops[i]
			a.resolveDev(L, o.fn, "nexthops.dev", &nh.Dev, &nh.Ifindex)
		}
	case o.neigh != nil:
		a.resolveDev(L, o.fn, "dev", &o.neigh.Dev, &o.neigh.Ifindex)
	case o.link != nil:
		a.resolveRef(L, o.fn, "master", &o.link.Master)
		a.resolveRef(L, o.fn, "link", &o.link.Parent)
	case o.linkRef != nil:
		a.resolveRef(L, o.fn, "ifname", o.linkRef)
	}
}

// dryAdded records the links a dry-run link add "created": the link and a
// veth peer, where each was to be made. With existOK, a link that exists
// already keeps its real index (without, the real run fails there).
func (a *api) dryAdded(L *lua.LState, fn string, s *rtnl.LinkSpec, existOK bool) {
	ov := a.overlayOf()
	if ov == nil {
		return
	}
	t := a.target()
	if s.NetNS != nil {
		t = *s.NetNS
	}
	if l := ov.lookup(t, s.Name); l == nil || l.gone {
		if l != nil || !existOK || !a.liveLink(L, fn, t, s.Name) {
			ov.created(t, s.Name, s.Kind)
			if !s.Master.IsZero() && t.String() == a.target().String() {
				ov.lookup(t, s.Name).portKind = a.masterKind(L, fn, s.Master)
			}
		}
	}
	if p := s.Peer; p != nil {
		pt := a.target()
		if p.NetNS != nil {
			pt = *p.NetNS
		}
		ov.created(pt, p.Name, s.Kind)
	}
}

// liveLink reports whether namespace t has a link called name (asking
// the kernel; reads are sent in a dry run).
func (a *api) liveLink(L *lua.LState, fn string, t netns.Target, name string) bool {
	if t.String() != a.target().String() {
		return false
	}
	l, err := a.client(L, fn).LinkExists(bindings.Context(L), rtnl.ByName(name))
	if err != nil {
		raise(L, fn, err)
	}
	return l != nil
}

// dryRenamed records a rename in the dry run: the new name has the link's
// index (placeholder or real), the old one is gone.
func (a *api) dryRenamed(L *lua.LState, fn string, ref rtnl.LinkRef, oldName, newName string) {
	ov := a.overlayOf()
	if ov == nil {
		return
	}
	t := a.target()
	l := &dryLink{index: ref.Index}
	if old := ov.lookup(t, oldName); old != nil {
		l.index, l.kind, l.portKind = old.index, old.kind, old.portKind
	}
	if l.index == 0 {
		got, err := a.client(L, fn).GetLink(bindings.Context(L), ref)
		if err != nil {
			raise(L, fn, err)
		}
		l.index = got.Index
	}
	if oldName != "" {
		ov.put(t, oldName, &dryLink{gone: true})
	}
	ov.put(t, newName, l)
}

// dryDeleted records a delete in the dry run.
func (a *api) dryDeleted(name string) {
	if ov := a.overlayOf(); ov != nil && name != "" {
		ov.put(a.target(), name, &dryLink{gone: true})
	}
}

// dryPort records that the run made a link of the overlay a port of a
// master of kind kind (for its port options later in the run).
func (a *api) dryPort(name, kind string) {
	if l := a.overlayOf().lookup(a.target(), name); l != nil && !l.gone {
		l.portKind = kind
	}
}
