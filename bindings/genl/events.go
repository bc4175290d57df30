package genl

import (
	"context"
	"errors"
	"math"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/genl"
)

// seconds reads an optional duration field in seconds (0.5 allowed).
func seconds(a *bindings.Args, name string) time.Duration {
	v := a.Value(name, bindings.Optional)
	if v == lua.LNil {
		return 0
	}
	n, ok := v.(lua.LNumber)
	f := float64(n)
	if !ok || math.IsNaN(f) || f <= 0 || f > 365*24*3600 {
		a.Fail(name, "want seconds > 0, got %s", bindings.Describe(v))
	}
	return time.Duration(f * float64(time.Second))
}

// events is genl.events{family=, group=, timeout=, count=, each=, start=}:
// join a multicast group on a connection of its own, run start (if any),
// then collect the family's notifications until count arrived, the
// timeout passed or each returned false. It returns the events it
// collected (those each did not consume).
func (a *api) events(L *lua.LState) int {
	const fn = "genl.events"
	args := bindings.Table(L, 1, fn)
	family := args.String("family", bindings.Required)
	group := args.String("group", bindings.Required)
	timeout := seconds(args, "timeout")
	count := args.Int("count", bindings.Optional, 1, math.MaxInt32)
	each := args.Func("each", bindings.Optional)
	start := args.Func("start", bindings.Optional)
	args.Done()
	if timeout == 0 && count == 0 {
		bindings.ArgError(L, fn, "give timeout or count, or it never returns")
	}
	parent := bindings.Context(L)
	ctx := parent
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(parent, timeout)
		defer cancel()
	}
	g, err := connsOf(a.env).dial(parent, a.target())
	if err != nil {
		raise(L, fn, err)
	}
	defer g.Close()
	f, err := g.Family(parent, family)
	if err != nil {
		raise(L, fn, err)
	}
	if _, ok := f.Group(group); !ok {
		names := make([]string, len(f.Groups))
		for i, gr := range f.Groups {
			names[i] = gr.Name
		}
		bindings.ArgError(L, fn, "field \"group\": family %s has no multicast group %q (groups: %s)", family, group, strings.Join(names, ", "))
	}
	if _, err := g.JoinGroup(parent, family, group); err != nil {
		raise(L, fn, err)
	}
	if start != nil {
		if _, errv, ok := bindings.Call(L, start, nil, nil); !ok {
			L.Error(errv, 0)
		}
	}
	out := L.NewTable()
	n := int64(0)
	err = g.Listen(ctx, family, func(ev genl.Event) error {
		t, err := eventTable(L, ev)
		if err != nil {
			return err
		}
		n++
		if each != nil {
			res, errv, ok := bindings.Call(L, each, []lua.LValue{t}, nil)
			if !ok {
				L.Error(errv, 0)
			}
			if len(res) > 0 && res[0] == lua.LFalse {
				return genl.ErrStop
			}
		} else {
			out.Append(t)
		}
		if count > 0 && n >= count {
			return genl.ErrStop
		}
		return nil
	})
	if err != nil && !(errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil) {
		raise(L, fn, err)
	}
	L.Push(out)
	return 1
}

// eventTable renders a notification: family, cmd, cmd_name, version and
// attrs decoded through the family's schema.
func eventTable(L *lua.LState, ev genl.Event) (*lua.LTable, error) {
	tr, err := ev.Decode()
	if err != nil {
		return nil, err
	}
	t := L.CreateTable(0, 5)
	t.RawSetString("family", lua.LString(ev.Family))
	t.RawSetString("cmd", lua.LNumber(ev.Command))
	t.RawSetString("cmd_name", lua.LString(ev.CommandName))
	t.RawSetString("version", lua.LNumber(ev.Version))
	t.RawSetString("attrs", treeToLua(L, tr.Map()))
	return t, nil
}
