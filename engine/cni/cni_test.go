package cni_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"
	types040 "github.com/containernetworking/cni/pkg/types/040"
	types100 "github.com/containernetworking/cni/pkg/types/100"

	"github.com/nlsh/nlsh/engine/cni"
)

type call struct {
	command string
	conf    map[string]any
	netns   string
	args    string
}

func writeScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "plugin.lua")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func conf(script string, extra map[string]any) map[string]any {
	c := map[string]any{"cniVersion": "1.0.0", "name": "testnet", "type": "nlsh", "script": script}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

// do runs one command in-process and returns stdout, stderr and the error.
func do(t *testing.T, c call) (string, string, *types.Error) {
	t.Helper()
	data, err := json.Marshal(c.conf)
	if err != nil {
		t.Fatal(err)
	}
	if c.netns == "" && (c.command == "ADD" || c.command == "CHECK") {
		c.netns = "/proc/self/ns/net"
	}
	var out, errOut bytes.Buffer
	p := &cni.Plugin{Stdout: &out, Stderr: &errOut}
	err = p.Run(context.Background(), c.command, &skel.CmdArgs{
		ContainerID: "ctr-1", Netns: c.netns, IfName: "eth0", Args: c.args,
		Path: "/opt/cni/bin:/usr/lib/cni", StdinData: data,
	})
	if err == nil {
		return out.String(), errOut.String(), nil
	}
	var te *types.Error
	if !errors.As(err, &te) {
		t.Fatalf("%s: error %T %v is not a CNI error", c.command, err, err)
	}
	return out.String(), errOut.String(), te
}

const addScript = `
assert(cni.command == "ADD" or cni.command == "CHECK" or cni.command == "DEL", cni.command)
if cni.command ~= "ADD" then return end
return {
  interfaces = {{name = "veth-x", mac = "02:00:00:00:00:01"}, {name = cni.ifname, sandbox = cni.netns_path}},
  ips = {{address = cni.config.address, gateway = "10.22.0.1", interface = cni.ifname},
         {address = "fd00::2/64", interface = 2}},
  routes = {{dst = "default", gw = "10.22.0.1"}, {dst = "10.99.0.0/16", gw = "10.22.0.1", priority = 5}},
  dns = {nameservers = {"10.22.0.1"}, search = {"svc.local"}},
}`

func TestAddResult(t *testing.T) {
	s := writeScript(t, addScript)
	out, _, cerr := do(t, call{command: "ADD", conf: conf(s, map[string]any{"address": "10.22.0.5/16"})})
	if cerr != nil {
		t.Fatal(cerr)
	}
	r, err := types100.NewResult([]byte(out))
	if err != nil {
		t.Fatalf("result %s does not parse: %v", out, err)
	}
	res := r.(*types100.Result)
	if res.CNIVersion != "1.0.0" || len(res.Interfaces) != 2 || len(res.IPs) != 2 || len(res.Routes) != 2 {
		t.Fatalf("result %s", out)
	}
	if res.IPs[0].Address.String() != "10.22.0.5/16" || *res.IPs[0].Interface != 1 || *res.IPs[1].Interface != 1 ||
		res.IPs[0].Gateway.String() != "10.22.0.1" || res.Interfaces[1].Sandbox != "/proc/self/ns/net" {
		t.Fatalf("ips/interfaces wrong: %s", out)
	}
	if res.Routes[0].Dst.String() != "0.0.0.0/0" || res.Routes[1].Priority != 5 || res.DNS.Search[0] != "svc.local" {
		t.Fatalf("routes/dns wrong: %s", out)
	}
}

func TestResultInConfigVersion(t *testing.T) {
	s := writeScript(t, addScript)
	c := conf(s, map[string]any{"address": "10.22.0.5/16", "cniVersion": "0.4.0"})
	out, _, cerr := do(t, call{command: "ADD", conf: c})
	if cerr != nil {
		t.Fatal(cerr)
	}
	r, err := types040.NewResult([]byte(out))
	if err != nil || r.Version() != "0.4.0" || !strings.Contains(out, `"cniVersion": "0.4.0"`) {
		t.Fatalf("0.4.0 result %s: %v", out, err)
	}
}

func TestCNITable(t *testing.T) {
	s := writeScript(t, `
print(cni.command, cni.container_id, cni.ifname, cni.netns and cni.netns.kind, cni.netns_path,
      cni.args.K8S_POD_NAME, cni.args.IgnoreUnknown, cni.path[1], cni.path[2], #cni.path,
      cni.config.name, cni.config.options.mtu, cni.config.options.tags[2], cni.version)`)
	c := conf(s, map[string]any{"options": map[string]any{"mtu": 1400, "tags": []string{"a", "b"}}})
	_, errOut, cerr := do(t, call{command: "CHECK", conf: c, args: "IgnoreUnknown=1;K8S_POD_NAME=web"})
	if cerr != nil {
		t.Fatal(cerr)
	}
	want := "CHECK\tctr-1\teth0\tfd\t/proc/self/ns/net\tweb\t1\t/opt/cni/bin\t/usr/lib/cni\t2\ttestnet\t1400\tb\t1.0.0\n"
	if errOut != want {
		t.Fatalf("got  %q\nwant %q", errOut, want)
	}
}

func TestPrevResultChaining(t *testing.T) {
	prev := map[string]any{
		"cniVersion": "1.0.0",
		"interfaces": []any{map[string]any{"name": "cni0"}, map[string]any{"name": "eth0", "sandbox": "/x"}},
		"ips":        []any{map[string]any{"address": "10.22.0.7/16", "gateway": "10.22.0.1", "interface": 1}},
		"routes":     []any{map[string]any{"dst": "0.0.0.0/0"}},
	}
	// Pass-through: a script that returns nothing keeps the previous result.
	s := writeScript(t, `assert(cni.prev_result.ips[1].interface == 2); assert(cni.prev_result.interfaces[2].name == "eth0")`)
	out, _, cerr := do(t, call{command: "ADD", conf: conf(s, map[string]any{"prevResult": prev})})
	if cerr != nil {
		t.Fatal(cerr)
	}
	var got types100.Result
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.IPs) != 1 || *got.IPs[0].Interface != 1 || got.IPs[0].Address.String() != "10.22.0.7/16" {
		t.Fatalf("pass-through result %s: %v", out, err)
	}
	// Changing it: positions round-trip.
	s = writeScript(t, `local r = cni.prev_result
table.insert(r.ips, {address = "fd00::7/64", interface = 2})
r.dns = {nameservers = {"10.22.0.1"}}
return r`)
	out, _, cerr = do(t, call{command: "ADD", conf: conf(s, map[string]any{"prevResult": prev})})
	if cerr != nil {
		t.Fatal(cerr)
	}
	got = types100.Result{}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.IPs) != 2 || *got.IPs[1].Interface != 1 || got.DNS.Nameservers[0] != "10.22.0.1" {
		t.Fatalf("changed result %s: %v", out, err)
	}
}

func TestErrorCodes(t *testing.T) {
	dir := t.TempDir()
	writable := filepath.Join(dir, "w.lua")
	if err := os.WriteFile(writable, []byte("return"), 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chmod(writable, 0o666)
	cases := []struct {
		name  string
		c     call
		code  uint
		inMsg string
	}{
		{"no script", call{command: "ADD", conf: map[string]any{"cniVersion": "1.0.0", "name": "n", "type": "nlsh"}}, 7, `no "script"`},
		{"relative script", call{command: "ADD", conf: conf("x.lua", nil)}, 7, "absolute path"},
		{"bad timeout", call{command: "ADD", conf: conf("/x.lua", map[string]any{"timeout": "soon"})}, 7, `"timeout"`},
		{"bad allowPaths", call{command: "ADD", conf: conf("/x.lua", map[string]any{"allowPaths": []string{"rel"}})}, 7, "allowPaths"},
		{"missing script", call{command: "ADD", conf: conf(filepath.Join(dir, "none.lua"), nil)}, 100, "no such file"},
		{"writable script", call{command: "ADD", conf: conf(writable, nil)}, 101, "writable by group or others"},
		{"no netns", call{command: "ADD", conf: conf(writeScript(t, "return"), nil), netns: "/nonexistent/ns"}, 8, "CNI_NETNS"},
		{"not a netns", call{command: "CHECK", conf: conf(writeScript(t, "return"), nil), netns: "/etc/hostname"}, 8, "not a network namespace"},
		{"script error", call{command: "ADD", conf: conf(writeScript(t, `error("no free address")`), nil)}, 100, "no free address"},
		{"cni.error", call{command: "ADD", conf: conf(writeScript(t, `cni.error(11, "lease file locked", "retry")`), nil)}, 11, "lease file locked"},
		{"cni.error 7", call{command: "ADD", conf: conf(writeScript(t, `if not cni.config.bridge then cni.error(7, "no bridge in the config") end`), nil)}, 7, "no bridge"},
		{"deadline", call{command: "ADD", conf: conf(writeScript(t, `while true do end`), map[string]any{"timeout": "100ms"})}, 11, "deadline"},
		{"sandbox", call{command: "ADD", conf: conf(writeScript(t, `os.execute("true")`), nil)}, 101, "os.execute"},
		{"bad result", call{command: "ADD", conf: conf(writeScript(t, `return {ips = {{address = "10.0.0.300/24"}}}`), nil)}, 102, "result.ips[1].address"},
		{"unknown result field", call{command: "ADD", conf: conf(writeScript(t, `return {ipz = {}}`), nil)}, 102, `unknown field "ipz"`},
		{"bad interface ref", call{command: "ADD", conf: conf(writeScript(t, `return {ips = {{address = "10.0.0.2/24", interface = 3}}}`), nil)}, 102, "result.ips[1].interface"},
		{"status fails", call{command: "STATUS", conf: conf(writeScript(t, `error("bridge cni0 missing")`), map[string]any{"cniVersion": "1.1.0"})}, 50, "bridge cni0 missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, _, cerr := do(t, c.c)
			if cerr == nil {
				t.Fatalf("succeeded with %q, want code %d", out, c.code)
			}
			if cerr.Code != c.code || !strings.Contains(cerr.Msg+cerr.Details, c.inMsg) {
				t.Fatalf("got code %d %q (%q), want code %d containing %q", cerr.Code, cerr.Msg, cerr.Details, c.code, c.inMsg)
			}
			if out != "" {
				t.Fatalf("a failure printed a result: %q", out)
			}
		})
	}
}

func TestDelWithoutNetns(t *testing.T) {
	s := writeScript(t, `assert(cni.netns == nil, "netns should be nil"); print("del", cni.netns_path)`)
	for _, ns := range []string{"", "/run/netns/nlsh-gone-for-good"} {
		_, errOut, cerr := do(t, call{command: "DEL", conf: conf(s, nil), netns: ns})
		if cerr != nil || errOut != "del\t"+ns+"\n" {
			t.Fatalf("DEL with netns %q: %v, stderr %q", ns, cerr, errOut)
		}
	}
}

func TestGCAndStatus(t *testing.T) {
	s := writeScript(t, `
if cni.command == "GC" then
  local v = cni.config["cni.dev/valid-attachments"]
  print("gc", #v, v[1].containerID, v[1].ifname)
else
  print("status", cni.command)
end`)
	c := conf(s, map[string]any{"cniVersion": "1.1.0", "cni.dev/valid-attachments": []any{map[string]any{"containerID": "keep-1", "ifname": "eth0"}}})
	_, errOut, cerr := do(t, call{command: "GC", conf: c})
	if cerr != nil || errOut != "gc\t1\tkeep-1\teth0\n" {
		t.Fatalf("GC: %v %q", cerr, errOut)
	}
	_, errOut, cerr = do(t, call{command: "STATUS", conf: conf(s, map[string]any{"cniVersion": "1.1.0"})})
	if cerr != nil || errOut != "status\tSTATUS\n" {
		t.Fatalf("STATUS: %v %q", cerr, errOut)
	}
}
