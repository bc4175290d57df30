package rtnl_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// A namespace deleted and made again under the same name during a run is
// the new one to every later call: the cached connection to the old one
// (which its socket keeps alive) is not used, neither in netns.run nor as
// a veth peer's namespace.
func TestCachedConnFollowsARecreatedNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	name := fmt.Sprintf("nlsh-recreate-%d", os.Getpid())
	if _, err := netns.Add(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { netns.Del(name) })
	host := testutil.NewNetNS(t)
	rt, err := runtime.New(runtime.Options{Modules: runtime.StandardModules(), Netns: host.Target})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	got, err := rt.RunString(context.Background(), "recreate.lua", fmt.Sprintf(`
local rtnl, netns = require "rtnl", require "netns"
local c = netns.named(%q)
local function names()
  local out = {}
  netns.run(c, function()
    for _, l in ipairs(rtnl.link.list()) do out[#out + 1] = l.ifname end
  end)
  table.sort(out)
  return table.concat(out, " ")
end
netns.run(c, function() rtnl.link.add{ifname = "a0", kind = "veth", peer = {ifname = "b0"}} end)
local before = names()
netns.del(%[1]q)
netns.add(%[1]q)
local after = names()
netns.run(c, function() rtnl.link.add{ifname = "a1", kind = "veth", peer = {ifname = "b1"}} end)
rtnl.link.add{ifname = "h1", kind = "veth", peer = {ifname = "p1", netns = c}}
return before, after, names()`, name))
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"a0 b0 lo", "lo", "a1 b1 lo p1"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("links seen: %q, want %q", got, want)
		}
	}
	out, err := testutil.Run("ip", "-n", name, "-j", "link", "show")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"a1"`) || !strings.Contains(out, `"p1"`) || strings.Contains(out, `"a0"`) {
		t.Fatalf("ip -n %s -j link show: %s", name, out)
	}
}
