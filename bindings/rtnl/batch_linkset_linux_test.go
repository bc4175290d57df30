package rtnl_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/socket/faultinject"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// linkState is what ip -j says of the links vI/pI: name, UP flag, mtu,
// alias.
func linkState(t *testing.T, ns *testutil.NS) string {
	t.Helper()
	var ls []struct {
		Ifname  string
		Flags   []string
		MTU     int
		Ifalias string
	}
	ns.IPJSON(&ls, "link", "show")
	var b strings.Builder
	for _, l := range ls {
		up := false
		for _, f := range l.Flags {
			up = up || f == "UP"
		}
		fmt.Fprintf(&b, "%s up=%v mtu=%d alias=%q\n", l.Ifname, up, l.MTU, l.Ifalias)
	}
	return b.String()
}

// Consecutive link.sets in rtnl.batch go through the core's batch: one
// sendmsg for all of them, each result its own, the links as ip sees
// them as if set one by one.
func TestBatchLinkSetsShareASendmsg(t *testing.T) {
	const n = 8
	ns := testutil.NewNetNS(t)
	for i := range n {
		ns.IP("link", "add", fmt.Sprintf("v%d", i), "type", "veth", "peer", "name", fmt.Sprintf("p%d", i))
	}
	inj := faultinject.New()
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, WrapTransport: inj.Wrap})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	ctx := context.Background()
	if _, err := rt.RunString(ctx, "warm.lua", `require("rtnl").link.list()`); err != nil {
		t.Fatal(err)
	}
	sends, _ := inj.Counts()
	res, err := rt.RunString(ctx, "set.lua", fmt.Sprintf(`local rtnl = require "rtnl"
local res = rtnl.batch(function()
  for i = 0, %d - 1 do
    rtnl.link.set{ifname = "v" .. i, up = true, mtu = 1400 + i, ifalias = "a" .. i}
    rtnl.link.set{ifname = "p" .. i, up = true}
  end
end)
local ok = 0
for _, r in ipairs(res) do if r.ok and r.fn == "rtnl.link.set" then ok = ok + 1 end end
return #res, ok`, n))
	if err != nil {
		t.Fatal(err)
	}
	if res[0] != int64(2*n) || res[1] != int64(2*n) {
		t.Fatalf("results: %v, want %d, all ok", res, 2*n)
	}
	after, _ := inj.Counts()
	if d := after - sends; d > 1 {
		t.Errorf("%d link.sets took %d sendmsg calls, want 1", 2*n, d)
	}
	var want strings.Builder
	want.WriteString("lo up=false mtu=65536 alias=\"\"\n")
	for i := range n {
		fmt.Fprintf(&want, "p%d up=true mtu=1500 alias=\"\"\n", i)
		fmt.Fprintf(&want, "v%d up=true mtu=%d alias=\"a%d\"\n", i, 1400+i, i)
	}
	got := linkState(t, ns)
	if sorted(got) != sorted(want.String()) {
		t.Errorf("ip -j link:\n%s\nwant:\n%s", got, want.String())
	}
	// A rename of a link given by name is sent alone, in order: the
	// calls after it find the link by its new name. (A link that is up
	// cannot be renamed before Linux 6.2: EBUSY.)
	if _, err := rt.RunString(ctx, "rename.lua", `local rtnl = require "rtnl"
rtnl.batch(function()
  rtnl.link.set{ifname = "v0", up = false}
  rtnl.link.set{ifname = "v0", name = "w0"}
  rtnl.link.set{ifname = "w0", mtu = 1234}
  rtnl.link.set{ifname = "p0", up = false}
  rtnl.link.set{ifname = "w0", name = "x0"}
  rtnl.link.set{ifname = "x0", up = false}
end)`); err != nil {
		t.Fatal(err)
	}
	got = linkState(t, ns)
	for _, w := range []string{`x0 up=false mtu=1234 alias="a0"`, `p0 up=false mtu=1500 alias=""`} {
		if !strings.Contains(got, w+"\n") {
			t.Errorf("ip -j link: no %q in\n%s", w, got)
		}
	}
}

// sorted sorts the lines of s.
func sorted(s string) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	for i := range ls {
		for j := i + 1; j < len(ls); j++ {
			if ls[j] < ls[i] {
				ls[i], ls[j] = ls[j], ls[i]
			}
		}
	}
	return strings.Join(ls, "\n")
}

// A link.set the kernel refuses in the middle of a batched group is
// raised naming its line; under the journal (atomic) the others, sent in
// the same sendmsg, are rolled back; with raise = false each call has its
// own result and the journal undoes exactly the ones that took.
func TestBatchLinkSetFailureInTheMiddle(t *testing.T) {
	ns := testutil.NewNetNS(t)
	for i := range 4 {
		ns.IP("link", "add", fmt.Sprintf("v%d", i), "type", "veth", "peer", "name", fmt.Sprintf("p%d", i))
	}
	before := linkState(t, ns)
	ctx := context.Background()
	inj := faultinject.New()
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Atomic: true, WrapTransport: inj.Wrap})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	// veth's largest mtu is 65535: the kernel refuses v2's.
	_, err = rt.RunString(ctx, "mid.lua", `local rtnl = require "rtnl"
rtnl.batch(function()
  rtnl.link.set{ifname = "v0", mtu = 1300, up = true}
  rtnl.link.set{ifname = "v1", mtu = 1301, ifalias = "x"}
  rtnl.link.set{ifname = "v2", mtu = 65536}
  rtnl.link.set{ifname = "v3", mtu = 1303}
end)`)
	if err == nil || !strings.Contains(err.Error(), "mid.lua:5: RTM_NEWLINK v2: invalid argument (EINVAL)") {
		t.Fatalf("want EINVAL naming mid.lua:5 and v2, got %v", err)
	}
	var se *runtime.ScriptError
	if errors.As(err, &se) && se.Rollback != nil {
		t.Fatalf("rollback: %v", se.Rollback)
	}
	if got := linkState(t, ns); got != before {
		t.Fatalf("after the rollback:\n%s\nbefore:\n%s", got, before)
	}

	rt2, err := runtime.New(runtime.Options{Netns: ns.Target, Journal: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rt2.Close()
	res, err := rt2.RunString(ctx, "noraise.lua", `local rtnl = require "rtnl"
local res = rtnl.batch(function()
  rtnl.link.set{ifname = "v0", mtu = 1300, up = true}
  rtnl.link.set{ifname = "v1", mtu = 1301, ifalias = "x"}
  rtnl.link.set{ifname = "v2", mtu = 65536}
  rtnl.link.set{ifname = "v3", mtu = 1303}
end, {raise = false})
local out = {}
for i, r in ipairs(res) do out[i] = tostring(r.ok) .. (r.error and (" " .. tostring(r.error)) or "") end
return table.concat(out, "; ")`)
	if err != nil {
		t.Fatal(err)
	}
	s := res[0].(string)
	parts := strings.Split(s, "; ")
	if len(parts) != 4 || parts[0] != "true" || parts[1] != "true" || parts[3] != "true" ||
		!strings.HasPrefix(parts[2], "false noraise.lua:5: RTM_NEWLINK v2: invalid argument (EINVAL)") {
		t.Fatalf("results: %q", s)
	}
	got := linkState(t, ns)
	for _, w := range []string{`v0 up=true mtu=1300 alias=""`, `v1 up=false mtu=1301 alias="x"`, `v2 up=false mtu=1500 alias=""`, `v3 up=false mtu=1303 alias=""`} {
		if !strings.Contains(got, w+"\n") {
			t.Errorf("ip -j link: no %q in\n%s", w, got)
		}
	}
	if err := rt2.Rollback(ctx); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if got := linkState(t, ns); got != before {
		t.Fatalf("after the rollback:\n%s\nbefore:\n%s", got, before)
	}
}
