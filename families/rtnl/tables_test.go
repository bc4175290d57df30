package rtnl

import "testing"

// The tables that were map literals (whose duplicate keys the compiler
// refused) are lists now: each key appears once, and every event type's
// group is one a monitor can subscribe to.
func TestTablesHaveUniqueKeys(t *testing.T) {
	types := map[LinkType]bool{}
	for _, e := range linkTypeNames {
		if types[e.t] {
			t.Errorf("link type %d named twice", e.t)
		}
		types[e.t] = true
		if e.t.String() != e.name {
			t.Errorf("LinkType(%d) = %q, want %q", e.t, e.t.String(), e.name)
		}
	}
	groups := map[Group]bool{}
	for _, e := range groupTable {
		if groups[e.group] || len(e.ids) == 0 {
			t.Errorf("group %s listed twice or without multicast groups", e.group)
		}
		groups[e.group] = true
	}
	for typ, d := range eventDecoders() {
		if _, ok := groupIDs(d.group); !ok {
			t.Errorf("%s: event group %q has no multicast groups", MessageName(typ), d.group)
		}
	}
	if _, ok := groupIDs("nosuch"); ok {
		t.Error("group nosuch has multicast groups")
	}
}
