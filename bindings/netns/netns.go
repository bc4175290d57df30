// Package netns is the Lua module `netns`: namespace targets (host, pid,
// pidfd, named, path), named namespace management (add, del, list), and
// netns.run(target, fn), which makes every netlink call inside fn go to
// target.
//
// netns.run does not move the Lua thread anywhere: Lua runs on the Go
// side. It pushes target on the runtime's namespace stack (bindings.Env),
// and modules bind the sockets they open to Env.Netns() through
// core/netns.Target.Do.
package netns

import (
	"context"
	"errors"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	corens "github.com/nlsh/nlsh/core/netns"
)

// TypeName is the metatable name of target userdata.
const TypeName = "netns.Target"

// AllowKey is the bindings.Env value (an AllowFunc) that, when set, limits
// the namespaces a script may name (runtime.Sandbox.AllowedNetns).
const AllowKey = "netns.allow"

// AllowFunc reports whether a script may use a target's namespace.
type AllowFunc func(corens.Target) error

// checkAllowed raises for fn when the runtime limits namespaces and t is
// not one of them.
func checkAllowed(L *lua.LState, fn string, t corens.Target) {
	env := bindings.EnvOf(L)
	if env == nil {
		return
	}
	if allow, ok := env.Value(AllowKey).(AllowFunc); ok {
		if err := allow(t); err != nil {
			bindings.Raise(L, fn, err)
		}
	}
}

// limited reports whether the runtime limits namespaces.
func limited(L *lua.LState) bool {
	env := bindings.EnvOf(L)
	if env == nil {
		return false
	}
	_, ok := env.Value(AllowKey).(AllowFunc)
	return ok
}

// Module returns the module for the runtime's registry.
func Module() bindings.Module {
	return bindings.Module{
		Name: "netns",
		Open: open,
		Doc:  doc,
		Complete: map[string]bindings.CompleteFunc{
			bindings.CompleteNetns: func(ctx context.Context, env *bindings.Env, prefix string) []string {
				names, _ := corens.List()
				return names
			},
		},
	}
}

func open(L *lua.LState, env *bindings.Env) lua.LValue {
	return bindings.SetFuncs(L, map[string]lua.LGFunction{
		"host": func(L *lua.LState) int {
			L.Push(New(L, corens.Host()))
			return 1
		},
		"pid": func(L *lua.LState) int {
			t, err := corens.PID(int(bindings.IntArg(L, 1, "netns.pid", 1, 1<<22)))
			return push(L, "netns.pid", t, err)
		},
		"pidfd": func(L *lua.LState) int {
			t, err := corens.PidFD(int(bindings.IntArg(L, 1, "netns.pidfd", 1, 1<<22)))
			if err == nil {
				env.OnClose(func() { t.Close() })
			}
			return push(L, "netns.pidfd", t, err)
		},
		"named": func(L *lua.LState) int {
			t, err := corens.Named(bindings.StringArg(L, 1, "netns.named"))
			return push(L, "netns.named", t, err)
		},
		"path": func(L *lua.LState) int {
			t, err := corens.Path(bindings.StringArg(L, 1, "netns.path"))
			return push(L, "netns.path", t, err)
		},
		"parse": func(L *lua.LState) int {
			t, err := corens.Parse(bindings.StringArg(L, 1, "netns.parse"))
			return push(L, "netns.parse", t, err)
		},
		"current": func(L *lua.LState) int {
			L.Push(New(L, env.Netns()))
			return 1
		},
		"add": func(L *lua.LState) int {
			name := bindings.StringArg(L, 1, "netns.add")
			if limited(L) {
				bindings.Raise(L, "netns.add", errors.New("creating namespaces is not allowed in the sandbox"))
			}
			if _, err := corens.Named(name); err != nil {
				bindings.ArgError(L, "netns.add", "%v", err)
			}
			if env.DryRun {
				t, _ := corens.Named(name)
				L.Push(New(L, t))
				return 1
			}
			t, err := corens.Add(name)
			if err != nil {
				bindings.Raise(L, "netns.add", err)
			}
			env.Journal.Push("netns add "+name, func(context.Context) error { return corens.Del(name) })
			L.Push(New(L, t))
			return 1
		},
		"del": func(L *lua.LState) int {
			name := bindings.StringArg(L, 1, "netns.del")
			if limited(L) {
				bindings.Raise(L, "netns.del", errors.New("deleting namespaces is not allowed in the sandbox"))
			}
			if _, err := corens.Named(name); err != nil {
				bindings.ArgError(L, "netns.del", "%v", err)
			}
			if env.DryRun {
				return 0
			}
			if err := corens.Del(name); err != nil {
				bindings.Raise(L, "netns.del", err)
			}
			return 0
		},
		"list": func(L *lua.LState) int {
			names, err := corens.List()
			if err != nil {
				bindings.Raise(L, "netns.list", err)
			}
			L.Push(bindings.ToLua(L, append([]string{}, names...)))
			return 1
		},
		"id": func(L *lua.LState) int {
			t := CheckTarget(L, 1, "netns.id")
			id, err := t.ID()
			if err != nil {
				bindings.Raise(L, "netns.id", err)
			}
			L.Push(bindings.ToLua(L, id))
			return 1
		},
		"run": func(L *lua.LState) int { return run(L, env) },
	})
}

// run is netns.run(target, fn, ...): fn's netlink calls go to target; the
// previous namespace is restored even when fn raises. fn is called
// directly, not on a protected coroutine (bindings.Protect makes a new
// Lua state for each, which cost more than the rest of netns.run): an
// error unwinds through here as a Go panic, which runs the deferred
// PopNetns, and goes on to whoever catches it, unchanged.
func run(L *lua.LState, env *bindings.Env) int {
	t := CheckTarget(L, 1, "netns.run")
	fn := bindings.FuncArg(L, 2, "netns.run")
	top := L.GetTop()
	env.PushNetns(t)
	defer env.PopNetns()
	L.Push(fn)
	for i := 3; i <= top; i++ {
		L.Push(L.Get(i))
	}
	L.Call(top-2, lua.MultRet)
	return L.GetTop() - top
}

func push(L *lua.LState, fn string, t corens.Target, err error) int {
	if err != nil {
		if errors.Is(err, corens.ErrInvalid) {
			bindings.ArgError(L, fn, "%v", err)
		}
		bindings.Raise(L, fn, err)
	}
	checkAllowed(L, fn, t)
	L.Push(New(L, t))
	return 1
}

// New wraps t as a Lua target userdata (tostring gives "name:blue").
func New(L *lua.LState, t corens.Target) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = t
	ud.Metatable = metatable(L)
	return ud
}

// ToTarget returns the target a Lua value names: a target userdata, or a
// string as netns.parse reads it ("pid:42", "name:blue", a path).
func ToTarget(v lua.LValue) (corens.Target, error) {
	switch v := v.(type) {
	case *lua.LUserData:
		if t, ok := v.Value.(corens.Target); ok {
			return t, nil
		}
	case lua.LString:
		return corens.Parse(string(v))
	}
	return corens.Target{}, errors.New("want a netns target (netns.pid(n), netns.named(s), ...) or a string such as \"name:blue\", got " + bindings.Describe(v))
}

// CheckTarget returns argument n of fn as a target, raising otherwise.
func CheckTarget(L *lua.LState, n int, fn string) corens.Target {
	t, err := ToTarget(L.Get(n))
	if err != nil {
		bindings.ArgError(L, fn, "argument #%d: %v", n, err)
	}
	checkAllowed(L, fn, t)
	return t
}

// Field reads an optional target field of an argument table (such as
// rtnl's `netns = netns.pid(pid)`); ok is false when absent.
func Field(a *bindings.Args, name string) (t corens.Target, ok bool) {
	v := a.Value(name, bindings.Optional)
	if v == lua.LNil {
		return corens.Target{}, false
	}
	t, err := ToTarget(v)
	if err != nil {
		a.Fail(name, "%v", err)
	}
	checkAllowed(a.L, a.Fn, t)
	return t, true
}

func metatable(L *lua.LState) *lua.LTable {
	if mt, ok := L.G.Registry.RawGetString(TypeName).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	mt.RawSetString("__name", lua.LString(TypeName))
	target := func(L *lua.LState, n int) corens.Target {
		ud, _ := L.Get(n).(*lua.LUserData)
		if ud == nil {
			return corens.Target{}
		}
		t, _ := ud.Value.(corens.Target)
		return t
	}
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(target(L, 1).String()))
		return 1
	}))
	mt.RawSetString("__eq", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LBool(target(L, 1).String() == target(L, 2).String()))
		return 1
	}))
	kinds := map[corens.Kind]string{corens.KindHost: "host", corens.KindPID: "pid", corens.KindPidFD: "pidfd",
		corens.KindNamed: "named", corens.KindPath: "path", corens.KindFD: "fd"}
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		t := target(L, 1)
		switch L.CheckString(2) {
		case "kind":
			L.Push(lua.LString(kinds[t.Kind()]))
		case "name":
			if t.Name() == "" {
				return 0
			}
			L.Push(lua.LString(t.Name()))
		case "pid":
			if t.PID() == 0 {
				return 0
			}
			L.Push(lua.LNumber(t.PID()))
		case "string":
			L.Push(lua.LString(t.String()))
		default:
			return 0
		}
		return 1
	}))
	L.G.Registry.RawSetString(TypeName, mt)
	return mt
}
