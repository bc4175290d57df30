package cni

import (
	"os"

	"strings"

	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/core/netns"
)

// invocation is one plugin call as the script sees it.
type invocation struct {
	command string
	args    *skel.CmdArgs
	conf    *NetConf
	prev    *types100.Result
	netns   netns.Target
	hasNS   bool
	nsFile  *os.File
	raised  raised
}

// table builds the cni table.
func (inv *invocation) table(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("command", lua.LString(inv.command))
	t.RawSetString("container_id", lua.LString(inv.args.ContainerID))
	t.RawSetString("netns_path", lua.LString(inv.args.Netns))
	if inv.hasNS {
		t.RawSetString("netns", nsbind.New(L, inv.netns))
	}
	t.RawSetString("ifname", lua.LString(inv.args.IfName))
	t.RawSetString("args", argsTable(L, inv.args.Args))
	path := L.NewTable()
	for _, p := range strings.Split(inv.args.Path, ":") {
		if p != "" {
			path.Append(lua.LString(p))
		}
	}
	t.RawSetString("path", path)
	t.RawSetString("config", bindings.ToLua(L, inv.conf.raw))
	t.RawSetString("version", lua.LString(inv.conf.CNIVersion))
	if inv.prev != nil {
		t.RawSetString("prev_result", resultTable(L, inv.prev))
	}
	t.RawSetString("error", L.NewFunction(func(L *lua.LState) int {
		code := L.CheckInt(1)
		msg := L.CheckString(2)
		details := L.OptString(3, "")
		if code < 1 {
			L.ArgError(1, "want a CNI error code (1 or more)")
		}
		inv.raised.err = types.NewError(uint(code), msg, details)
		L.RaiseError("%s", msg)
		return 0
	}))
	return t
}

// argsTable parses CNI_ARGS ("K=V;K2=V2") into a table; a part without
// "=" becomes a key with the value true.
func argsTable(L *lua.LState, s string) *lua.LTable {
	t := L.NewTable()
	for _, kv := range strings.Split(s, ";") {
		if kv == "" {
			continue
		}
		if k, v, ok := strings.Cut(kv, "="); ok {
			t.RawSetString(k, lua.LString(v))
		} else {
			t.RawSetString(kv, lua.LTrue)
		}
	}
	return t
}
