package rtnl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// --json writes a dump's records through their JSON plans (streamed from
// each, or as a list's records); what it writes must be, byte for byte,
// what FromLua + json.MarshalIndent make of the same objects (the
// contract, and the writer's path before plans), for routes of every
// sort (IPv6, gateways, metrics, multipath, a table without a name,
// blackhole), links, addresses and neighbours; and routes must agree
// with ip -j on every scalar field both print.
func TestEachJSONMatchesReference(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "e0", "type", "veth", "peer", "name", "e1")
	ns.IP("link", "add", "d\"q<&>", "type", "veth", "peer", "name", "dq1")
	// The kernel's own changes must not land between two dumps compared:
	// no link-local addresses (their DAD flips flags), and the links'
	// state settled (below) before the first dump.
	for _, l := range []string{"e0", "e1", "d\"q<&>", "dq1"} {
		ns.IP("link", "set", l, "addrgenmode", "none")
	}
	ns.IP("link", "set", "e0", "up")
	ns.IP("link", "set", "e1", "up")
	ns.IP("addr", "add", "10.7.0.1/24", "dev", "e0")
	ns.IP("addr", "add", "2001:db8::1/64", "dev", "e0", "nodad")
	for _, r := range [][]string{
		{"10.8.0.0/16", "via", "10.7.0.2", "dev", "e0", "metric", "7", "mtu", "1400", "advmss", "1300"},
		{"10.9.0.0/16", "dev", "e0", "table", "1234", "proto", "static"},
		{"blackhole", "10.10.0.0/16"},
		{"10.11.0.0/16", "nexthop", "via", "10.7.0.2", "dev", "e0", "weight", "2", "nexthop", "via", "10.7.0.3", "dev", "e0"},
		{"2001:db8:1::/48", "via", "2001:db8::2", "dev", "e0", "metric", "1024", "pref", "high"},
		{"default", "via", "10.7.0.254", "dev", "e0", "proto", "dhcp", "onlink"},
	} {
		ns.IP(append([]string{"route", "add"}, r...)...)
	}
	for i := range 300 {
		ns.IP("route", "add", fmt.Sprintf("10.12.%d.%d/32", i/256, i%256), "dev", "e0")
	}
	ns.IP("neigh", "add", "10.7.0.9", "lladdr", "02:00:00:00:00:09", "dev", "e0")
	settle(t, ns)
	ctx := context.Background()
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	call := func(code string) []lua.LValue {
		f, err := rt.Compile("t", code)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := rt.Call(ctx, f)
		if err != nil {
			t.Fatal(code, err)
		}
		return vals
	}
	printJSON := func(code string) string {
		var b bytes.Buffer
		if err := rt.PrintJSON(ctx, &b, call(code)); err != nil {
			t.Fatal(code, err)
		}
		return b.String()
	}
	reference := func(code string) string {
		b, err := runtime.JSON(call(code))
		if err != nil {
			t.Fatal(code, err)
		}
		return string(b) + "\n"
	}
	for _, c := range []struct{ kind, filter string }{
		{"route", ""}, {"route", "family = 'inet6'"}, {"route", "table = 'all'"},
		// IPv6 neighbours come and go with multicast listener reports
		{"link", ""}, {"link", "stats = true"}, {"addr", ""}, {"neigh", "family = 'inet'"},
	} {
		collect := fmt.Sprintf(`local t = {} for x in require("rtnl").%s.each{%s} do t[#t + 1] = x end return t`, c.kind, c.filter)
		want := reference(collect)
		if len(want) < 100 {
			t.Fatalf("%s{%s}: too little to compare: %s", c.kind, c.filter, want)
		}
		streamed := printJSON(fmt.Sprintf(`return require("rtnl").%s.each{%s}`, c.kind, c.filter))
		if c.filter == "stats = true" {
			// Counters move between two dumps: compare what does not.
			want, streamed = withoutStats(t, want), withoutStats(t, streamed)
		}
		if streamed != want {
			t.Errorf("%s.each{%s} as JSON:\n%.600s\nFromLua + MarshalIndent:\n%.600s", c.kind, c.filter, streamed, want)
		}
		if c.filter == "stats = true" {
			continue
		}
		if got := printJSON(collect); got != want {
			t.Errorf("%s.each{%s}'s records as JSON:\n%.600s\nFromLua + MarshalIndent:\n%.600s", c.kind, c.filter, got, want)
		}
	}
	// An iterator the script called before returning it writes what is
	// left of its dump (across its batches of 256), beside the records
	// it handed out, read after it went on.
	for _, kind := range []string{"route", "link"} {
		want := reference(fmt.Sprintf(`local t = {} for x in require("rtnl").%s.each{} do t[#t + 1] = x end
			local rest = {} for i = 3, #t do rest[#rest + 1] = t[i] end
			return t[1], rest, t[2]`, kind))
		got := printJSON(fmt.Sprintf(`local it = require("rtnl").%s.each{}
			local a, b = it(), it()
			return a, it, b`, kind))
		if got != want {
			t.Errorf("%s.each called twice, then returned, as JSON:\n%.600s\nFromLua + MarshalIndent:\n%.600s", kind, got, want)
		}
	}
	// Against ip -j: every field both print, route by route.
	var nlsh, ip []map[string]any
	if err := json.Unmarshal([]byte(printJSON(`return require("rtnl").route.each{family = "inet6"}`)), &nlsh); err != nil {
		t.Fatal(err)
	}
	ns.IPJSON(&ip, "-6", "route", "show")
	v4 := []map[string]any{}
	if err := json.Unmarshal([]byte(printJSON(`return require("rtnl").route.each{family = "inet"}`)), &v4); err != nil {
		t.Fatal(err)
	}
	var ip4 []map[string]any
	ns.IPJSON(&ip4, "route", "show")
	nlsh, ip = append(nlsh, v4...), append(ip, ip4...)
	if len(nlsh) != len(ip) || len(nlsh) < 300 {
		t.Fatalf("nlsh %d routes, ip -j %d", len(nlsh), len(ip))
	}
	compared := 0
	for i := range ip {
		for k, want := range ip[i] {
			got, ok := nlsh[i][k]
			if !ok {
				continue
			}
			switch want.(type) {
			case []any, map[string]any:
				// nlsh's metrics and nexthops are shaped as its
				// docs say, not as ip's lists: scalars only.
				continue
			}
			compared++
			if !reflect.DeepEqual(got, want) {
				t.Errorf("route %d (%v) %s: nlsh %v, ip -j %v", i, ip[i]["dst"], k, got, want)
			}
		}
	}
	if compared < 3*len(ip) {
		t.Errorf("only %d fields compared over %d routes", compared, len(ip))
	}
}

// withoutStats is a JSON list of links with each link's counters dropped.
func withoutStats(t *testing.T, s string) string {
	var links []map[string]any
	if err := json.Unmarshal([]byte(s), &links); err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		delete(l, "stats64")
	}
	b, err := json.Marshal(links)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// failingOutput takes n bytes, then fails every write.
type failingOutput struct{ n int }

var errOutputGone = errors.New("output gone")

func (w *failingOutput) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, errOutputGone
	}
	w.n -= len(p)
	return len(p), nil
}

// --json of a dump whose output fails half way (a closed pipe) stops the
// dump with the output's error and leaves its connection clean: the next
// dump, on it again, writes every route.
func TestEachJSONOutputFails(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "e0", "type", "veth", "peer", "name", "e1")
	ns.IP("link", "set", "e0", "up")
	ctx := context.Background()
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	const n = 3000 // some 600 KiB of JSON: many of the writer's flushes
	if _, err := rt.EvalString(ctx, "add", fmt.Sprintf(`local rtnl = require "rtnl"
		rtnl.batch(function()
			for i = 0, %d - 1 do rtnl.route.add{dst = string.format("10.20.%%d.%%d/32", math.floor(i / 256), i %% 256), dev = "e0"} end
		end)`, n)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		vals, err := rt.EvalString(ctx, "each", `return require("rtnl").route.each{}`)
		if err != nil {
			t.Fatal(err)
		}
		if err := rt.PrintJSON(ctx, &failingOutput{n: 100 << 10}, vals); !errors.Is(err, errOutputGone) {
			t.Fatalf("PrintJSON to a failing output = %v; want its error", err)
		}
	}
	vals, err := rt.EvalString(ctx, "each", `return require("rtnl").route.each{}`)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rt.PrintJSON(ctx, &b, vals); err != nil {
		t.Fatal(err)
	}
	var routes []map[string]any
	if err := json.Unmarshal(b.Bytes(), &routes); err != nil {
		t.Fatal(err)
	}
	if len(routes) != n {
		t.Errorf("%d routes after the failed writes, want %d", len(routes), n)
	}
}

// settle waits until the namespace's links and addresses read the same
// twice in a row, 50 ms apart (a link brought up reaches its operational
// state through the kernel's link watch, up to a second later).
func settle(t *testing.T, ns *testutil.NS) {
	t.Helper()
	prev := ""
	for range 100 {
		cur := ns.IP("-j", "link", "show") + ns.IP("-j", "addr", "show")
		if cur == prev {
			return
		}
		prev = cur
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("links and addresses did not settle in 5 s")
}
