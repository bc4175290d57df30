package cni

import (
	"encoding/json"
	"testing"

	types100 "github.com/containernetworking/cni/pkg/types/100"
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// FuzzStdin reads a plugin's standard input the way Run does before the
// script starts: the configuration is parsed and checked, the previous
// result converted, and both turned into the Lua values the script sees;
// the previous result's table is read back as a script's result would be.
func FuzzStdin(f *testing.F) {
	prev := map[string]any{
		"cniVersion": "1.0.0",
		"interfaces": []any{map[string]any{"name": "eth0", "mac": "02:00:00:00:00:01", "sandbox": "/var/run/netns/x"}},
		"ips":        []any{map[string]any{"address": "10.22.0.5/16", "gateway": "10.22.0.1", "interface": 0}},
		"routes":     []any{map[string]any{"dst": "0.0.0.0/0", "gw": "10.22.0.1"}},
		"dns":        map[string]any{"nameservers": []any{"10.22.0.1"}},
	}
	for _, c := range []map[string]any{
		{"cniVersion": "1.0.0", "name": "testnet", "type": "nlsh", "script": "/etc/cni/nlsh/bridge.lua"},
		{"cniVersion": "0.4.0", "name": "n", "type": "nlsh", "script": "/s.lua", "timeout": "5s", "allowPaths": []any{"/etc"}, "prevResult": prev},
		{"cniVersion": "1.1.0", "name": "n", "type": "nlsh", "script": "/s.lua", "runtimeConfig": map[string]any{"portMappings": []any{}}, "args": map[string]any{"k": 1}},
		{"cniVersion": "1.0.0", "name": "n", "type": "nlsh"},
	} {
		b, err := json.Marshal(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "IgnoreUnknown=1;K8S_POD_NAME=web;flag")
	}
	f.Fuzz(func(t *testing.T, stdin []byte, args string) {
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		defer L.Close()
		_ = argsTable(L, args)
		conf, err := ParseConf(stdin)
		if err != nil {
			return
		}
		if conf.Script == "" {
			t.Fatal("configuration without script accepted")
		}
		_ = bindings.ToLua(L, conf.raw)
		if conf.PrevResult == nil {
			return
		}
		r, err := types100.NewResultFromResult(conf.PrevResult)
		if err != nil {
			return
		}
		_, _ = ParseResult(resultTable(L, r), conf.CNIVersion)
	})
}
