package rtnl_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

// Routing table names are read from the iproute2 files once per run and
// kept: a route added by name after the script rewrote rt_tables still
// goes to the table the name had when the run first used it, and lists
// name tables as before. The names nlsh gives are those `ip -j` gives with
// the same file. The file is a test file bind-mounted over
// /etc/iproute2/rt_tables in a private mount namespace (unshare -m), the
// host's own never touched.
func TestRouteTableNamesReadOncePerRun(t *testing.T) {
	testutil.RequireCommand(t, "unshare", "util-linux")
	if _, err := os.Stat("/etc/iproute2/rt_tables"); err != nil {
		t.Skipf("no /etc/iproute2/rt_tables to bind a test file over: %v", err)
	}
	c := buildNlsh(t)
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "d0", "type", "veth", "peer", "name", "d1")
	ns.IP("link", "set", "d1", "up")
	ns.IP("link", "set", "d0", "up")
	dir := t.TempDir()
	const names = "1001 nlshone\n1002 nlshtwo\n"
	file := filepath.Join(dir, "rt_tables")
	if err := os.WriteFile(file, []byte(names), 0o644); err != nil {
		t.Fatal(err)
	}
	s := script(t, dir, "tables.lua", `
local rtnl = require "rtnl"
local function routes(each)
  local t = {}
  local function add(r)
    if r.dev == "d0" and r.dst:match("^10%.") then t[#t + 1] = r.dst .. "=" .. tostring(r.table) end
  end
  if each then
    for r in rtnl.route.each{table = "all"} do add(r) end
  else
    for _, r in ipairs(rtnl.route.list{table = "all"}) do add(r) end
  end
  table.sort(t)
  return table.concat(t, " ")
end
rtnl.route.add{dst = "10.1.0.0/16", dev = "d0", table = "nlshone"}
rtnl.route.add{dst = "10.2.0.0/16", dev = "d0", table = "nlshtwo"}
print(routes())
-- the names swap numbers in the file: this run keeps the ones it read
local f = assert(io.open(arg[1], "w"))
f:write("1001 nlshtwo\n1002 nlshone\n")
f:close()
rtnl.route.add{dst = "10.3.0.0/16", dev = "d0", table = "nlshone"}
rtnl.batch(function() rtnl.route.add{dst = "10.4.0.0/16", dev = "d0", table = "nlshtwo"} end)
print(routes())
print(routes(true))
`)
	// After the run the file is put back, so that ip names the tables
	// with the names the run used.
	out, err := exec.Command("unshare", "-m", "sh", "-ec", `
mount --bind "$1" /etc/iproute2/rt_tables
"$2" --netns name:"$3" "$4" "$1"
printf '%s' "$5" > "$1"
ip -n "$3" -j route show table all`, "sh", file, c.bin, ns.Name, s, names).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.SplitN(string(out), "\n", 4)
	if len(lines) < 4 {
		t.Fatalf("output: %q", out)
	}
	if want := "10.1.0.0/16=nlshone 10.2.0.0/16=nlshtwo"; lines[0] != want {
		t.Errorf("routes after the adds: %q, want %q", lines[0], want)
	}
	if want := "10.1.0.0/16=nlshone 10.2.0.0/16=nlshtwo 10.3.0.0/16=nlshone 10.4.0.0/16=nlshtwo"; lines[1] != want {
		t.Errorf("routes after rt_tables changed: %q, want %q (names read once per run)", lines[1], want)
	}
	if lines[2] != lines[1] {
		t.Errorf("rtnl.route.each after rt_tables changed: %q, rtnl.route.list: %q", lines[2], lines[1])
	}
	var ipRoutes []struct{ Dst, Dev, Table string }
	if err := json.Unmarshal([]byte(lines[3]), &ipRoutes); err != nil {
		t.Fatalf("ip -j route: %v\n%s", err, lines[3])
	}
	var got []string
	for _, r := range ipRoutes {
		if r.Dev == "d0" && strings.HasPrefix(r.Dst, "10.") {
			got = append(got, r.Dst+"="+r.Table)
		}
	}
	sort.Strings(got)
	if g := strings.Join(got, " "); g != lines[1] {
		t.Errorf("ip -j route show table all: %q, nlsh listed %q", g, lines[1])
	}
	// The host's file is untouched by the test's mount namespace.
	if b, err := os.ReadFile("/etc/iproute2/rt_tables"); err == nil && strings.Contains(string(b), "nlshone") {
		t.Errorf("host rt_tables names the test's tables:\n%s", b)
	}
}
