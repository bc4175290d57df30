package oci

import (
	"context"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	lua "github.com/yuin/gopher-lua"

	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/engine"
	"github.com/nlsh/nlsh/runtime"
)

// Run runs the hook script o.Script for the container in st: the script
// gets the container table (see the package doc). hook is the hook name
// ("" when not known); when it is empty and the first script argument is a
// hook name, that is used.
func Run(ctx context.Context, o engine.Options, st specs.State, hook string) error {
	if hook == "" && len(o.Args) > 0 && IsHook(o.Args[0]) {
		hook = o.Args[0]
	}
	c, err := Open(st, hook)
	if err != nil {
		return err
	}
	defer c.Close()
	if c.HasNetns {
		o.AllowNetns = append(o.AllowNetns, c.Netns)
	}
	return engine.Run(ctx, o, func(rt *runtime.Runtime) error {
		rt.LState().SetGlobal("container", c.Table(rt.LState()))
		return nil
	}, nil)
}

// Table builds the Lua container table.
func (c *Container) Table(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	st := c.State
	t.RawSetString("id", lua.LString(st.ID))
	t.RawSetString("pid", lua.LNumber(st.Pid))
	t.RawSetString("bundle", lua.LString(st.Bundle))
	t.RawSetString("status", lua.LString(st.Status))
	t.RawSetString("version", lua.LString(st.Version))
	ann := L.NewTable()
	for k, v := range st.Annotations {
		ann.RawSetString(k, lua.LString(v))
	}
	t.RawSetString("annotations", ann)
	if c.Hook != "" {
		t.RawSetString("hook", lua.LString(c.Hook))
	}
	if c.HasNetns {
		t.RawSetString("netns", nsbind.New(L, c.Netns))
	}
	return t
}

// State returns the state a runtime would write for a container, for
// tests and Go engines calling Run directly.
func State(id string, pid int, bundle string, status specs.ContainerState, annotations map[string]string) specs.State {
	return specs.State{Version: specs.Version, ID: id, Pid: pid, Bundle: bundle, Status: status, Annotations: annotations}
}
