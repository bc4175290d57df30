package rtnl

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nlsh/nlsh/internal/testutil"
)

// linkNameFields are the fields ip -j prints as names or lists that
// nlsh must spell the same way.
var linkNameFields = []string{"ifname", "flags", "master", "link", "link_index", "link_netnsid", "group"}

// linkNamesNS builds a namespace with links in every state that changes
// how ip prints flags, master, link and group: a veth pair both down, one
// up without carrier (M-DOWN), both up, a bridge with a port and one
// without, a link in group 5, and a veth whose peer is in another
// namespace.
func linkNamesNS(t *testing.T) (*testutil.NS, *Client) {
	ns, c := linkLiveNS(t)
	other := testutil.NewNetNS(t)
	for _, args := range [][]string{
		{"link", "add", "a0", "type", "veth", "peer", "name", "a1"},
		{"link", "add", "b0", "type", "veth", "peer", "name", "b1"},
		{"link", "set", "b0", "up"},
		{"link", "add", "c0", "type", "veth", "peer", "name", "c1"},
		{"link", "set", "c0", "up"}, {"link", "set", "c1", "up"},
		{"link", "add", "br0", "type", "bridge"},
		{"link", "set", "c1", "master", "br0"}, {"link", "set", "br0", "up"},
		{"link", "add", "br1", "type", "bridge"}, {"link", "set", "br1", "up"},
		{"link", "set", "a1", "group", "5"},
		{"link", "add", "x0", "type", "veth", "peer", "name", "x1", "netns", other.Name},
		{"link", "set", "x0", "up"},
		{"link", "set", "lo", "up"},
	} {
		ns.IP(args...)
	}
	return ns, c
}

// settledLinks returns ip -j -d link show once two dumps in a row agree
// on the compared fields (carrier settles a moment after a link goes up).
func settledLinks(t *testing.T, ns *testutil.NS) []map[string]any {
	t.Helper()
	var prev string
	for range 50 {
		var ls []map[string]any
		ns.IPJSON(&ls, "-d", "link", "show")
		var cur string
		for _, l := range ls {
			cur += fmt.Sprint(asIP(t, l))
		}
		if cur == prev {
			return ls
		}
		prev = cur
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("links did not settle")
	return nil
}

// asIP reduces a JSON object to the fields of linkNameFields.
func asIP(t *testing.T, v any) map[string]string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, k := range linkNameFields {
		if x, ok := m[k]; ok {
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}

// Every link of the namespace: ListLinks and GetLink spell flags,
// master, link (or link_index and link_netnsid) and group as ip -j -d
// link show does.
func TestLinkNamesAsIP(t *testing.T) {
	ns, c := linkNamesNS(t)
	want := settledLinks(t, ns)
	ls, err := c.ListLinks(ctx(t), LinkFilter{NoStats: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != len(want) {
		t.Fatalf("nlsh lists %d links, ip %d", len(ls), len(want))
	}
	for i, w := range want {
		wm := asIP(t, w)
		if g := asIP(t, ls[i]); fmt.Sprint(g) != fmt.Sprint(wm) {
			t.Errorf("ListLinks %s:\n nlsh %v\n ip   %v", wm["ifname"], g, wm)
		}
		l, err := c.GetLink(ctx(t), ByName(ls[i].Name))
		if err != nil {
			t.Fatal(err)
		}
		var again []map[string]any
		ns.IPJSON(&again, "-d", "link", "show", "dev", ls[i].Name)
		if wm = asIP(t, again[0]); fmt.Sprint(asIP(t, l)) != fmt.Sprint(wm) {
			t.Errorf("GetLink %s:\n nlsh %v\n ip   %v", wm["ifname"], asIP(t, l), wm)
		}
	}
	// The filtered list resolves names from its own (whole) dump too.
	ports, err := c.ListLinks(ctx(t), LinkFilter{Master: ByName("br0")})
	if err != nil || len(ports) != 1 || ports[0].MasterName != "br0" || ports[0].ParentName != "c0" || ports[0].Master == 0 {
		t.Errorf("ports of br0: %v, %v", ports, err)
	}
	if _, err := c.ListLinks(ctx(t), LinkFilter{Master: ByName("nope0")}); err == nil {
		t.Error("a master that does not exist is no error")
	}
}
