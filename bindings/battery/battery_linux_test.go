package battery_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

func TestMain(m *testing.M) { testutil.Main(m) }

var only = flag.String("battery.only", "", "run the battery on functions whose name starts with this prefix only")

// callDeadline bounds one call: a bad argument must be refused at once, so
// a call that runs into it counts as a hang.
const callDeadline = 3 * time.Second

// value is one bad (or edge) value the battery passes.
type value struct {
	name string
	typ  string // Lua type: nil boolean number string table function userdata
	num  float64
	make func(L *lua.LState, own lua.LValue) lua.LValue
}

func num(name string, f float64) value {
	return value{name: name, typ: "number", num: f, make: func(*lua.LState, lua.LValue) lua.LValue { return lua.LNumber(f) }}
}

func str(name, s string) value {
	return value{name: name, typ: "string", make: func(*lua.LState, lua.LValue) lua.LValue { return lua.LString(s) }}
}

// integral reports whether v is a number Lua code could mean as an integer
// of some field (finite, no fraction, within int64).
func (v value) integral() bool {
	return v.typ == "number" && !math.IsNaN(v.num) && !math.IsInf(v.num, 0) &&
		v.num == math.Trunc(v.num) && math.Abs(v.num) < 1<<63
}

// badValues are the values tried for every argument and field.
func badValues() []value {
	deep := func(L *lua.LState, _ lua.LValue) lua.LValue {
		t := L.NewTable()
		cur := t
		for i := 0; i < 1000; i++ {
			n := L.NewTable()
			cur.RawSetInt(1, n)
			cur.RawSetString("x", n)
			cur = n
		}
		return t
	}
	cyclic := func(L *lua.LState, _ lua.LValue) lua.LValue {
		t := L.NewTable()
		t.RawSetInt(1, t)
		t.RawSetString("self", t)
		return t
	}
	return []value{
		{name: "nil", typ: "nil", make: func(*lua.LState, lua.LValue) lua.LValue { return lua.LNil }},
		{name: "true", typ: "boolean", make: func(*lua.LState, lua.LValue) lua.LValue { return lua.LTrue }},
		num("-1", -1),
		num("1.5", 1.5),
		num("2^63", math.Pow(2, 63)),
		num("-2^63", -math.Pow(2, 63)),
		num("2^53+1", math.Pow(2, 53)+2),
		num("1e308", 1e308),
		num("-1e308", -1e308),
		num("NaN", math.NaN()),
		num("inf", math.Inf(1)),
		num("-inf", math.Inf(-1)),
		str("empty string", ""),
		str("64KiB string", strings.Repeat("A", 64<<10)),
		str("NUL inside", "lo\x00evil"),
		str("NUL only", "\x00"),
		{name: "table of numbers", typ: "table", make: func(L *lua.LState, _ lua.LValue) lua.LValue {
			t := L.NewTable()
			for i := 1; i <= 3; i++ {
				t.RawSetInt(i, lua.LNumber(i))
			}
			return t
		}},
		{name: "table with unknown key", typ: "table", make: func(L *lua.LState, _ lua.LValue) lua.LValue {
			t := L.NewTable()
			t.RawSetString("nlsh_no_such_key", lua.LNumber(1))
			return t
		}},
		{name: "deep table", typ: "table", make: deep},
		{name: "cyclic table", typ: "table", make: cyclic},
		{name: "function", typ: "function", make: func(L *lua.LState, _ lua.LValue) lua.LValue {
			return L.NewFunction(func(*lua.LState) int { return 0 })
		}},
		{name: "userdata", typ: "userdata", make: func(L *lua.LState, _ lua.LValue) lua.LValue { return L.NewUserData() }},
		{name: "coroutine", typ: "thread", make: func(L *lua.LState, _ lua.LValue) lua.LValue { th, _ := L.NewThread(); return th }},
	}
}

// allowed returns the Lua types a LuaLS doc type admits ("any" admits all).
func allowed(docType string) map[string]bool {
	out := map[string]bool{}
	t := strings.TrimSpace(docType)
	if t == "" || t == "any" {
		return nil
	}
	// Split on | outside of braces and angle brackets.
	var parts []string
	depth, start := 0, 0
	for i, r := range t {
		switch r {
		case '{', '<', '(':
			depth++
		case '}', '>', ')':
			depth--
		case '|':
			if depth == 0 {
				parts = append(parts, t[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, t[start:])
	for _, p := range parts {
		p = strings.TrimSpace(p)
		p = strings.TrimSuffix(p, "?")
		switch {
		case p == "any":
			return nil
		case p == "string" || strings.HasPrefix(p, `"`):
			out["string"] = true
		case p == "integer" || p == "number":
			out["number"] = true
		case p == "boolean":
			out["boolean"] = true
		case strings.HasPrefix(p, "fun"):
			out["function"] = true
		case p == "netns.Target":
			out["userdata"], out["string"] = true, true
		case p == "nil":
			out["nil"] = true
		default: // table, X[], table<..>, {..}, classes
			out["table"] = true
		}
	}
	return out
}

func integerOnly(docType string) bool {
	return strings.Contains(docType, "integer") && !strings.Contains(docType, "number") && !strings.Contains(docType, "string")
}

// mustFail reports whether v is certainly wrong for a value of docType.
func mustFail(v value, docType string, required, field bool) bool {
	al := allowed(docType)
	if al == nil {
		return false // any value, nil included
	}
	if v.typ == "nil" {
		return required
	}
	if !al[v.typ] {
		return true
	}
	if v.typ == "string" && v.name == "empty string" && required && field {
		return true // a required name or value given as ""
	}
	if v.typ == "number" && integerOnly(docType) && !v.integral() && !al["string"] {
		return true
	}
	return false
}

// defaultFor is a plausible valid value for a required field or parameter
// the battery is not mutating, so that the error it sees is about the
// value it is mutating.
func defaultFor(L *lua.LState, name, docType string, ns lua.LValue) lua.LValue {
	al := allowed(docType)
	switch {
	case al == nil:
		return lua.LString("x")
	case strings.HasPrefix(docType, "netns.Target"):
		return ns
	case al["function"]:
		return L.NewFunction(func(*lua.LState) int { return 0 })
	case al["string"]:
		switch name {
		case "ifname", "dev", "link", "master", "device", "iface", "interface":
			return lua.LString("lo")
		case "address", "prefix", "cidr", "net", "p":
			return lua.LString("10.99.0.1/24")
		case "dst":
			return lua.LString("10.99.0.0/16")
		case "gateway", "via", "x", "addr":
			return lua.LString("10.99.0.254")
		case "src":
			return lua.LString("10.99.0.0/24")
		case "family":
			return lua.LString("inet")
		case "kind":
			return lua.LString("bridge")
		}
		return lua.LString("nlshbat0")
	case al["number"]:
		return lua.LNumber(1)
	case al["boolean"]:
		return lua.LFalse
	case al["table"]:
		return L.NewTable()
	}
	return lua.LNil
}

// baseFields complete the argument table of functions whose required
// fields the docs cannot mark (one of two is needed) or whose generic
// defaults are not valid, so that the error a call gets is about the value
// under test. Only values that are valid but change nothing by themselves.
var baseFields = map[string]map[string]any{
	"rtnl.link.get":        {"ifname": "lo"},
	"rtnl.link.set":        {"ifname": "lo"},
	"rtnl.link.del":        {"ifname": "nlshbat0"},
	"rtnl.route.get":       {"dst": "10.99.0.1"},
	"rtnl.neigh.add":       {"dst": "10.99.0.9"},
	"rtnl.neigh.replace":   {"dst": "10.99.0.9"},
	"rtnl.neigh.del":       {"dst": "10.99.0.9"},
	"rtnl.wait":            {"link": "lo"},
	"genl.tcp_metrics.get": {"dst": "10.99.0.1"},
	"genl.tcp_metrics.del": {"dst": "10.99.0.1"},
	"genl.request":         {"family": "nlctrl", "cmd": 3},
	"nfnl.rule.add":        {"rule": "accept"},
	"nfnl.rule.insert":     {"rule": "accept"},
	"nfnl.rule.replace":    {"rule": "accept"},
	"nfnl.element.add":     {"elements": []any{"10.0.0.1"}},
	"nfnl.element.del":     {"elements": []any{"10.0.0.1"}},
	"nfnl.object.add":      {"type": "counter"},
	"nfnl.object.del":      {"type": "counter"},
	"nl80211.set_type":     {"type": "station"},
	"nl80211.create":       {"type": "station"},
}

// blocking are the functions that wait by design (monitors, event
// collectors): when a call is valid and waits for events, the deadline
// ending it with a clear error is the right outcome, not a hang.
var blocking = map[string]bool{"nfnl.monitor": true, "rtnl.monitor": true, "genl.events": true, "rtnl.wait": true}

// call is one generated call.
type call struct {
	desc  string // "rtnl.link.add{mtu = NaN}"
	field string // the field mutated, "" for a positional argument
	must  bool   // the call must fail
	args  func(L *lua.LState, ns lua.LValue) []lua.LValue
}

// generate builds every call for function f.
func generate(f *bindings.FuncDoc) []call {
	var calls []call
	vals := badValues()
	base := func(L *lua.LState, ns lua.LValue, skip int) []lua.LValue {
		args := make([]lua.LValue, len(f.Params))
		for i, p := range f.Params {
			if i == skip {
				continue
			}
			switch {
			case len(p.Fields) > 0:
				t := fieldsTable(L, p.Fields, "", ns)
				for k, v := range baseFields[f.Name] {
					t.RawSetString(k, bindings.ToLua(L, v))
				}
				args[i] = t
			case !p.Optional && p.Name != "...":
				args[i] = defaultFor(L, p.Name, p.Type, ns)
			default:
				args[i] = lua.LNil
			}
		}
		return args
	}
	for i, p := range f.Params {
		i, p := i, p
		if p.Name == "..." {
			continue
		}
		typ := p.Type
		if len(p.Fields) > 0 {
			typ = "table"
		}
		for _, v := range vals {
			v := v
			calls = append(calls, call{
				desc: fmt.Sprintf("%s(arg #%d %s = %s)", f.Name, i+1, p.Name, v.name),
				must: mustFail(v, typ, !p.Optional, false),
				args: func(L *lua.LState, ns lua.LValue) []lua.LValue {
					args := base(L, ns, i)
					args[i] = v.make(L, ns)
					return args
				},
			})
		}
		if len(p.Fields) == 0 {
			continue
		}
		// The argument table: unknown field, each required field missing,
		// each field set to each bad value.
		calls = append(calls, call{
			desc: fmt.Sprintf("%s{nlsh_unknown_field = 1}", f.Name), field: "nlsh_unknown_field", must: true,
			args: func(L *lua.LState, ns lua.LValue) []lua.LValue {
				args := base(L, ns, -1)
				args[i].(*lua.LTable).RawSetString("nlsh_unknown_field", lua.LNumber(1))
				return args
			},
		})
		calls = append(calls, call{
			desc: fmt.Sprintf("%s{[1] = 1}", f.Name), must: true,
			args: func(L *lua.LState, ns lua.LValue) []lua.LValue {
				args := base(L, ns, -1)
				args[i].(*lua.LTable).RawSetInt(1, lua.LNumber(1))
				return args
			},
		})
		for _, fd := range p.Fields {
			fd := fd
			if fd.Required {
				calls = append(calls, call{
					desc: fmt.Sprintf("%s{%s missing}", f.Name, fd.Name), field: fd.Name, must: true,
					args: func(L *lua.LState, ns lua.LValue) []lua.LValue {
						args := base(L, ns, -1)
						args[i].(*lua.LTable).RawSetString(fd.Name, lua.LNil)
						return args
					},
				})
			}
			for _, v := range vals {
				v := v
				if v.typ == "nil" {
					continue // covered by "missing"
				}
				if v.typ == "boolean" && allowed(fd.Type)["boolean"] {
					continue // a valid value, not a bad one
				}
				calls = append(calls, call{
					desc:  fmt.Sprintf("%s{%s = %s}", f.Name, fd.Name, v.name),
					field: fd.Name,
					must:  mustFail(v, fd.Type, fd.Required, true),
					args: func(L *lua.LState, ns lua.LValue) []lua.LValue {
						args := base(L, ns, -1)
						args[i].(*lua.LTable).RawSetString(fd.Name, v.make(L, ns))
						return args
					},
				})
			}
		}
	}
	return calls
}

func fieldsTable(L *lua.LState, fields []bindings.FieldDoc, skip string, ns lua.LValue) *lua.LTable {
	t := L.NewTable()
	for _, fd := range fields {
		if fd.Required && fd.Name != skip {
			t.RawSetString(fd.Name, defaultFor(L, fd.Name, fd.Type, ns))
		}
	}
	return t
}

// outcome is what one call did.
type outcome struct {
	err      error
	panicked string // a Go panic inside the binding, with its stack
	timedOut bool
	stuck    bool // still running after the deadline: the runtime is lost
}

// invoke calls fn(args...) in rt under the per-call deadline, with a Go
// wrapper that catches a Go panic of the binding before gopher-lua turns
// it into an error string.
func invoke(rt *runtime.Runtime, fn lua.LValue, args []lua.LValue) outcome {
	var out outcome
	L := rt.LState()
	wrap := L.NewFunction(func(L *lua.LState) int {
		top := L.GetTop()
		L.Push(fn)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					// gopher-lua raises a full call stack as a plain
					// string panic and turns it into an error itself.
					if _, ok := r.(*lua.ApiError); !ok && r != "lua callstack overflow" {
						out.panicked = fmt.Sprintf("%v\n%s", r, debug.Stack())
					}
					panic(r)
				}
			}()
			L.Call(top, lua.MultRet)
		}()
		return L.GetTop() - top
	})
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callDeadline)
		defer cancel()
		_, err := rt.Call(ctx, wrap, args...)
		done <- err
	}()
	select {
	case err := <-done:
		out.err = err
		if errors.Is(err, context.DeadlineExceeded) {
			out.timedOut = true
		}
	case <-time.After(callDeadline + 10*time.Second):
		out.timedOut, out.stuck = true, true
		out.err = errors.New("the call did not return even after its deadline")
	}
	return out
}

// snapshot is everything the battery could change in the namespace.
func snapshot(t *testing.T, ns *testutil.NS) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{
		{"-j", "-d", "link"}, {"-j", "addr"}, {"-j", "route", "show", "table", "all"},
		{"-j", "-6", "route", "show", "table", "all"}, {"-j", "rule"}, {"-j", "-6", "rule"}, {"-j", "neigh"},
	} {
		b.WriteString(ns.IP(args...))
	}
	out, err := ns.Exec("nft", "-j", "list", "ruleset")
	if err != nil {
		t.Fatalf("nft -j list ruleset: %v", err)
	}
	b.WriteString(out)
	return b.String()
}

// TestBadInputBattery generates the battery from the docs registry and
// runs it. Every function of every registered module is covered; a module
// added to runtime.StandardModules is picked up without touching this test.
func TestBadInputBattery(t *testing.T) {
	if testing.Short() {
		// make test runs the battery in full; its -short pass is the race
		// detector's, under which its per-call deadlines would measure the
		// detector's slowdown rather than nlsh.
		t.Skip("the full battery runs without -short (make test)")
	}
	testutil.RequireRoot(t)
	testutil.RequireCommand(t, "nft", "nftables")
	probe, err := runtime.New(runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var funcs []bindings.FuncDoc
	mods := map[string]bool{}
	for _, m := range probe.Env().Docs.Modules() {
		for _, f := range m.Funcs {
			if *only != "" && !strings.HasPrefix(f.Name, *only) {
				continue
			}
			funcs = append(funcs, f)
			mods[m.Name] = true
		}
	}
	names := probe.Modules().Names()
	probe.Close()
	for _, n := range names {
		if *only == "" && !mods[n] {
			t.Errorf("module %s is registered but documents no function: the battery cannot cover it", n)
		}
	}
	if *only == "" && len(funcs) < 80 {
		t.Fatalf("the docs registry lists only %d functions", len(funcs))
	}

	// A few namespaces, each reused for many functions.
	const nNS = 4
	spaces := make([]*testutil.NS, nNS)
	for i := range spaces {
		spaces[i] = testutil.NewNetNS(t)
	}
	var tried, failedAsWanted, accepted, waited, changedBy int
	perModule := map[string]int{}
	for fi := range funcs {
		f := &funcs[fi]
		ns := spaces[fi%nNS]
		calls := generate(f)
		mod, _, _ := strings.Cut(f.Name, ".")
		perModule[mod] += len(calls)
		t.Run(f.Name, func(t *testing.T) {
			// Refused calls must change nothing; an accepted call (an edge
			// value that is valid for the field) may, so the state is
			// read again after each accepted call and the refused calls
			// are checked against the state the last accepted one left.
			prev := snapshot(t, ns)
			var refusedSince []string
			newRT := func() (*runtime.Runtime, lua.LValue, lua.LValue) {
				rt, err := runtime.New(runtime.Options{Netns: ns.Target, AutoGlobals: true, Stdout: devNull(t), Stderr: devNull(t)})
				if err != nil {
					t.Fatal(err)
				}
				vals, err := rt.EvalString(context.Background(), "=battery", "return "+f.Name)
				if err != nil || len(vals) != 1 || vals[0].Type() != lua.LTFunction {
					rt.Close()
					t.Fatalf("%s is documented but not a function: %v %v", f.Name, vals, err)
				}
				return rt, vals[0], nsbind.New(rt.LState(), ns.Target)
			}
			rt, fn, nsv := newRT()
			defer func() { rt.Close() }()
			for _, c := range calls {
				tried++
				out := invoke(rt, fn, c.args(rt.LState(), nsv))
				if out.panicked != "" {
					t.Errorf("%s: Go panic: %s", c.desc, out.panicked)
					rt.Close()
					rt, fn, nsv = newRT()
					continue
				}
				if out.timedOut && blocking[f.Name] && !out.stuck && !c.must && strings.Contains(out.err.Error(), "deadline exceeded") {
					waited++ // a valid wait ended by the deadline, clearly
					continue
				}
				if out.timedOut {
					t.Errorf("%s: no answer within %v (hang): %v", c.desc, callDeadline, out.err)
					if !out.stuck {
						rt.Close()
					}
					rt, fn, nsv = newRT()
					continue
				}
				if out.err == nil {
					accepted++
					if c.must {
						t.Errorf("%s: accepted, want an error", c.desc)
					}
					now := snapshot(t, ns)
					if now != prev {
						changedBy++
						t.Logf("accepted and changed the namespace: %s", c.desc)
					}
					prev, refusedSince = now, nil
					continue
				}
				failedAsWanted++
				refusedSince = append(refusedSince, c.desc)
				msg := out.err.Error()
				if strings.Contains(msg, "runtime error") || strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic") {
					t.Errorf("%s: error looks like a Go panic: %s", c.desc, msg)
				}
				var be *bindings.Error
				kernel := errors.As(out.err, &be) && be.Errno != 0
				if !strings.Contains(msg, f.Name) && !kernel {
					t.Errorf("%s: error does not name %s: %s", c.desc, f.Name, msg)
				}
				if c.must && c.field != "" && !kernel && !strings.Contains(msg, `"`+c.field) {
					t.Errorf("%s: error does not name field %q: %s", c.desc, c.field, msg)
				}
			}
			if after := snapshot(t, ns); after != prev {
				t.Errorf("%s: a refused call changed the namespace; one of: %s\nbefore: %s\nafter:  %s",
					f.Name, strings.Join(refusedSince, "; "), prev, after)
			}
		})
	}
	var ms []string
	for m, n := range perModule {
		ms = append(ms, fmt.Sprintf("%s=%d", m, n))
	}
	sort.Strings(ms)
	t.Logf("bad-input battery: %d functions in %d modules, %d calls tried (%s); %d refused with a clear error, %d edge values accepted (%d of them changed the namespace), %d valid waits ended by the deadline",
		len(funcs), len(mods), tried, strings.Join(ms, " "), failedAsWanted, accepted, changedBy, waited)
	if tried < 1000 && *only == "" {
		t.Errorf("only %d calls generated", tried)
	}
}

func devNull(t *testing.T) *os.File {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
