package bindings_test

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"syscall"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/runtime"
)

// kernelModule raises what a family binding raises for a kernel error.
func kernelModule() bindings.Module {
	return bindings.Module{Name: "kern", Open: func(L *lua.LState, env *bindings.Env) lua.LValue {
		return bindings.SetFuncs(L, map[string]lua.LGFunction{
			"fail": func(L *lua.LState) int {
				bindings.Raise(L, "rtnl.addr.add", &codec.Error{Op: "RTM_NEWADDR", Object: "10.0.0.2/24 dev eth0",
					Errno: syscall.EEXIST, Msg: "address already assigned"})
				return 0
			},
			"value": func(L *lua.LState) int {
				type Info struct {
					Family string `json:"family"`
					Local  string `json:"local"`
				}
				type Link struct {
					Ifindex  int            `json:"ifindex"`
					Ifname   string         `json:"ifname"`
					Mtu      uint32         `json:"mtu,omitempty"`
					Master   string         `json:"master,omitempty"`
					Bytes    uint64         `json:"rx_bytes"`
					Addr     netip.Prefix   `json:"addr"`
					Flags    []string       `json:"flags"`
					AddrInfo []Info         `json:"addr_info"`
					Hidden   string         `json:"-"`
					Extra    map[string]int `json:"extra,omitempty"`
				}
				L.Push(bindings.ToLua(L, []Link{{Ifindex: 1, Ifname: "lo", Mtu: 65536, Bytes: 1<<60 + 1,
					Addr: netip.MustParsePrefix("127.0.0.1/8"), Flags: []string{"UP"}, AddrInfo: []Info{{"inet", "127.0.0.1"}}, Hidden: "x"}}))
				return 1
			},
		})
	}}
}

func kernRT(t *testing.T) *runtime.Runtime {
	rt, err := runtime.New(runtime.Options{Modules: append(runtime.StandardModules(), kernelModule()), AutoGlobals: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	return rt
}

func TestErrorValue(t *testing.T) {
	rt := kernRT(t)
	got, err := rt.RunString(context.Background(), "setup.lua", `
local ok, e = pcall(kern.fail)
return ok, e.op, e.errno, e.code, e.msg, e.object, e.where, tostring(e), "x" .. e`)
	if err != nil {
		t.Fatal(err)
	}
	line := "setup.lua:2: RTM_NEWADDR 10.0.0.2/24 dev eth0: file exists (EEXIST): address already assigned"
	want := []any{false, "RTM_NEWADDR", "EEXIST", int64(17), "address already assigned", "10.0.0.2/24 dev eth0", "setup.lua:2", line, "x" + line}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

func TestErrorReachesGo(t *testing.T) {
	rt := kernRT(t)
	_, err := rt.RunString(context.Background(), "setup.lua", "\n\nkern.fail()")
	var kerr *codec.Error
	if !errors.As(err, &kerr) || !errors.Is(err, syscall.EEXIST) {
		t.Fatalf("got %T %v", err, err)
	}
	var se *runtime.ScriptError
	if !errors.As(err, &se) || se.Where != "setup.lua:3" {
		t.Fatalf("where: %+v", se)
	}
	if err.Error() != "setup.lua:3: RTM_NEWADDR 10.0.0.2/24 dev eth0: file exists (EEXIST): address already assigned" {
		t.Fatalf("message %q", err.Error())
	}
}

func TestErrorThroughNetnsRunAndStdlib(t *testing.T) {
	rt := kernRT(t)
	_, err := rt.RunString(context.Background(), "s.lua", "netns.run(netns.host(), function()\n  kern.fail()\nend)")
	if !errors.Is(err, syscall.EEXIST) || !errors.Is(err, syscall.EEXIST) {
		t.Fatalf("got %v", err)
	}
	var se *runtime.ScriptError
	if !errors.As(err, &se) || se.Where != "s.lua:2" {
		t.Fatalf("where %q (%v)", se.Where, err)
	}
}

func TestToLua(t *testing.T) {
	rt := kernRT(t)
	got, err := rt.RunString(context.Background(), "v.lua", `local l = kern.value()[1]
return l.ifname, l.mtu, l.rx_bytes, l.addr, l.flags[1], l.addr_info[1]["local"], l.Hidden, l.master, l.extra`)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"lo", int64(65536), "1152921504606846977", "127.0.0.1/8", "UP", "127.0.0.1", nil, nil, nil}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}
