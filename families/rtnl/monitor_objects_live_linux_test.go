package rtnl

import (
	"context"
	"testing"
	"time"
)

// Route, neighbour and rule events made by ip arrive decoded: Object is
// a *Route, *Neigh or *Rule with the fields ip set.
func TestMonitorTypedObjects(t *testing.T) {
	ns, c := linkLiveNS(t)
	ns.IP("link", "add", "o0", "type", "veth", "peer", "name", "o1")
	ns.IP("link", "set", "o0", "up")
	ns.IP("addr", "add", "10.9.0.1/24", "dev", "o0")
	mon, err := c.Monitor(ctx(t), GroupRoute, GroupNeigh, GroupRule)
	if err != nil {
		t.Fatal(err)
	}
	defer mon.Close()
	ns.IP("route", "add", "10.77.0.0/16", "via", "10.9.0.2")
	ns.IP("neigh", "add", "10.9.0.3", "lladdr", "02:00:00:00:00:03", "dev", "o0")
	ns.IP("rule", "add", "pref", "1234", "from", "10.5.0.0/16", "table", "5")
	deadline, cancel := context.WithTimeout(ctx(t), 5*time.Second)
	defer cancel()
	var route, neigh, rule bool
	for !route || !neigh || !rule {
		ev, err := mon.Next(deadline)
		if err != nil {
			t.Fatalf("route %v neigh %v rule %v: %v", route, neigh, rule, err)
		}
		switch o := ev.Object.(type) {
		case *Route:
			route = route || (ev.Group == GroupRoute && o.Dst.String() == "10.77.0.0/16" && o.Gateway.String() == "10.9.0.2")
		case *Neigh:
			neigh = neigh || (ev.Group == GroupNeigh && o.Dst.String() == "10.9.0.3" && o.Lladdr.String() == "02:00:00:00:00:03")
		case *Rule:
			rule = rule || (ev.Group == GroupRule && o.Priority == 1234 && o.Src.String() == "10.5.0.0/16" && o.Table == 5)
		default:
			t.Fatalf("%s event carries %T", ev.Type, ev.Object)
		}
	}
}
