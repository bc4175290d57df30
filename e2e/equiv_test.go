package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"

	"github.com/nlsh/nlsh/internal/testutil"
)

// wiring is what a namespace looks like, with names, MACs and indexes
// replaced by roles so two runs can be compared.
func wiring(t testing.TB, ns *testutil.NS, roles map[string]string) []string {
	t.Helper()
	role := func(name string) string {
		if r, ok := roles[name]; ok {
			return r
		}
		return name
	}
	var out []string
	var ls []map[string]any
	ns.IPJSON(&ls, "-d", "addr")
	for _, l := range ls {
		name := fmt.Sprint(l["ifname"])
		kind := ""
		if li, ok := l["linkinfo"].(map[string]any); ok {
			kind = fmt.Sprint(li["info_kind"])
		}
		master := ""
		if m, ok := l["master"]; ok {
			master = role(fmt.Sprint(m))
		}
		flags, _ := json.Marshal(l["flags"])
		out = append(out, fmt.Sprintf("link %s kind=%s mtu=%v master=%s flags=%s", role(name), kind, l["mtu"], master, flags))
		infos, _ := l["addr_info"].([]any)
		for _, a := range infos {
			a := a.(map[string]any)
			if a["scope"] == "link" { // fe80:: from the random MAC
				continue
			}
			out = append(out, fmt.Sprintf("addr %s %v/%v scope=%v", role(name), a["local"], a["prefixlen"], a["scope"]))
		}
	}
	var rs []map[string]any
	ns.IPJSON(&rs, "route", "show", "table", "main")
	for _, r := range rs {
		out = append(out, fmt.Sprintf("route %v via=%v dev=%s proto=%v scope=%v src=%v", r["dst"], r["gateway"], role(fmt.Sprint(r["dev"])), r["protocol"], r["scope"], r["prefsrc"]))
	}
	sort.Strings(out)
	return out
}

func TestBridgeScriptMatchesReference(t *testing.T) {
	requireCNI(t)
	type run struct {
		env    *cniEnv
		ctr    *testutil.NS
		bridge string
		result *types100.Result
	}
	runs := map[string]*run{}
	for _, which := range []string{"reference", "nlsh"} {
		env, ctr := newCNIEnv(t), testutil.NewNetNS(t)
		data := t.TempDir()
		bridge := "refbr0"
		conf := bridgeConf("bridge", bridge, data, nil)
		if which == "nlsh" {
			bridge = "nlshbr0"
			conf = nlshBridge(t, bridge, data)
		}
		list := conflist(t, map[string]any{"cniVersion": "1.0.0", "name": "samenet", "plugins": []any{conf}})
		rt := &libcni.RuntimeConf{ContainerID: "same-ctr", NetNS: filepath.Join("/run/netns", ctr.Name), IfName: "eth0"}
		var res types.Result
		if err := env.do(t, func() (err error) { res, err = env.cni.AddNetworkList(context.Background(), list, rt); return err }); err != nil {
			t.Fatalf("%s ADD: %v", which, err)
		}
		r, err := types100.GetResult(res)
		if err != nil {
			t.Fatal(err)
		}
		runs[which] = &run{env: env, ctr: ctr, bridge: bridge, result: r}
	}
	normalize := func(r *run) (host, ctr []string, result string) {
		roles := map[string]string{r.bridge: "BRIDGE"}
		for _, i := range r.result.Interfaces {
			if i.Sandbox == "" && i.Name != r.bridge {
				roles[i.Name] = "HOSTVETH"
			}
		}
		host = wiring(t, r.env.host, roles)
		ctr = wiring(t, r.ctr, roles)
		var parts []string
		for _, i := range r.result.Interfaces {
			parts = append(parts, fmt.Sprintf("if %s sandbox=%v mac=%v", roles[i.Name]+"/"+map[bool]string{true: i.Name}[i.Sandbox != ""], i.Sandbox != "", i.Mac != ""))
		}
		for _, ip := range r.result.IPs {
			parts = append(parts, fmt.Sprintf("ip %s gw=%s if=%d", ip.Address.String(), ip.Gateway, *ip.Interface))
		}
		for _, rt := range r.result.Routes {
			parts = append(parts, fmt.Sprintf("route %s gw=%v", rt.Dst.String(), rt.GW))
		}
		return host, ctr, strings.Join(parts, "\n")
	}
	refHost, refCtr, refRes := normalize(runs["reference"])
	nlHost, nlCtr, nlRes := normalize(runs["nlsh"])
	same := func(what string, a, b []string) {
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("%s differs:\nreference:\n  %s\nnlsh:\n  %s", what, strings.Join(a, "\n  "), strings.Join(b, "\n  "))
		}
	}
	t.Logf("compared wiring:\nhost:\n  %s\ncontainer:\n  %s\nresult:\n%s", strings.Join(refHost, "\n  "), strings.Join(refCtr, "\n  "), refRes)
	same("host namespace", refHost, nlHost)
	same("container namespace", refCtr, nlCtr)
	if refRes != nlRes {
		t.Errorf("ADD results differ:\nreference:\n%s\nnlsh:\n%s", refRes, nlRes)
	}
	if len(refCtr) < 4 {
		t.Fatalf("the comparison saw too little: %v", refCtr)
	}
}

// An nlsh plugin chained after the reference bridge plugin gets its result
// as prev_result, changes the interface and passes the result on.
func TestChainAfterReferenceBridge(t *testing.T) {
	requireCNI(t)
	env, ctr := newCNIEnv(t), testutil.NewNetNS(t)
	var l map[string]any
	if err := json.Unmarshal([]byte(readExample(t, "cni/chained.conflist")), &l); err != nil {
		t.Fatal(err)
	}
	plugins := l["plugins"].([]any)
	plugins[0].(map[string]any)["ipam"].(map[string]any)["dataDir"] = t.TempDir()
	plugins[1].(map[string]any)["script"] = script(t, "cni/tune.lua", "")
	list := conflist(t, l)
	rt := &libcni.RuntimeConf{ContainerID: "chain-ctr", NetNS: filepath.Join("/run/netns", ctr.Name), IfName: "eth0"}
	var res types.Result
	if err := env.do(t, func() (err error) { res, err = env.cni.AddNetworkList(context.Background(), list, rt); return err }); err != nil {
		t.Fatalf("ADD: %v", err)
	}
	r, err := types100.GetResult(res)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.IPs) != 1 || !strings.HasPrefix(r.IPs[0].Address.String(), "10.23.0.") || len(r.Interfaces) != 3 {
		t.Fatalf("the bridge plugin's result did not come through: %+v", r)
	}
	found := false
	for _, route := range r.Routes {
		found = found || route.Dst.String() == "192.0.2.0/24"
	}
	if !found {
		t.Fatalf("the nlsh plugin's route is not in the final result: %v", r.Routes)
	}
	if out := ctr.IP("link", "show", "eth0"); !strings.Contains(out, "mtu 1400") {
		t.Fatalf("mtu not set: %s", out)
	}
	if out := ctr.IP("route"); !strings.Contains(out, "192.0.2.0/24 via 10.23.0.1 dev eth0") {
		t.Fatalf("extra route missing: %s", out)
	}
	if err := env.do(t, func() error { return env.cni.CheckNetworkList(context.Background(), list, rt) }); err != nil {
		t.Fatalf("CHECK: %v", err)
	}
	if err := env.do(t, func() error { return env.cni.DelNetworkList(context.Background(), list, rt) }); err != nil {
		t.Fatalf("DEL: %v", err)
	}
}
