package nfnl

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/nfnl"
)

var errorf = fmt.Errorf

// verb queues one operation read from a into t.
type verb func(t *txn, a *bindings.Args)

// kind is one object kind: its Lua name and its change verbs (list is
// separate: it reads, and needs no transaction).
type kind struct {
	name  string
	verbs map[string]verb
}

// kinds lists the object kinds with their verbs.
func kinds() []kind {
	return []kind{
		{"table", map[string]verb{
			"add": func(t *txn, a *bindings.Args) {
				tb := tableArgs(a, true)
				a.Done()
				t.touch(tb.Family, tb.Name)
				t.tx.AddTable(tb)
			},
			"del": func(t *txn, a *bindings.Args) {
				tb := tableArgs(a, false)
				a.Done()
				t.touch(tb.Family, tb.Name)
				t.tx.DelTable(tb)
			},
		}},
		{"chain", map[string]verb{
			"add": func(t *txn, a *bindings.Args) {
				c := chainArgs(a, true)
				a.Done()
				t.touch(c.Family, c.Table)
				t.tx.AddChain(c)
			},
			"del": func(t *txn, a *bindings.Args) {
				c := chainArgs(a, false)
				a.Done()
				t.touch(c.Family, c.Table)
				t.tx.DelChain(c)
			},
			"flush": func(t *txn, a *bindings.Args) {
				c := chainArgs(a, false)
				a.Done()
				t.touch(c.Family, c.Table)
				t.tx.FlushChain(c)
			},
		}},
		{"rule", map[string]verb{
			"add":     ruleVerb("add"),
			"insert":  ruleVerb("insert"),
			"replace": ruleVerb("replace"),
			"del":     ruleVerb("del"),
		}},
		{"set", map[string]verb{
			"add": func(t *txn, a *bindings.Args) {
				s := setArgs(a, true)
				a.Done()
				t.touch(s.Family, s.Table)
				t.tx.AddSet(s)
				t.sets[setKey{s.Family, s.Table, s.Name}] = s
			},
			"del": func(t *txn, a *bindings.Args) {
				s := setArgs(a, false)
				a.Done()
				t.touch(s.Family, s.Table)
				t.tx.DelSet(s)
			},
		}},
		{"element", map[string]verb{
			"add": elementVerb(true),
			"del": elementVerb(false),
		}},
		{"object", map[string]verb{
			"add": func(t *txn, a *bindings.Args) {
				o := objectArgs(a, true)
				a.Done()
				t.touch(o.Family, o.Table)
				t.tx.AddObject(o)
			},
			"del": func(t *txn, a *bindings.Args) {
				o := objectArgs(a, false)
				a.Done()
				t.touch(o.Family, o.Table)
				t.tx.DelObject(o)
			},
		}},
		{"flowtable", map[string]verb{
			"add": func(t *txn, a *bindings.Args) {
				f := flowtableArgs(a, true)
				a.Done()
				t.touch(f.Family, f.Table)
				t.tx.AddFlowtable(f)
			},
			"del": func(t *txn, a *bindings.Args) {
				f := flowtableArgs(a, false)
				a.Done()
				t.touch(f.Family, f.Table)
				t.tx.DelFlowtable(f)
			},
		}},
	}
}

func ruleVerb(name string) verb {
	return func(t *txn, a *bindings.Args) {
		r := ruleArgs(a, t, name)
		a.Done()
		t.touch(r.Family, r.Table)
		switch name {
		case "add":
			t.tx.AddRule(r)
		case "insert":
			t.tx.InsertRule(r)
		case "replace":
			t.tx.ReplaceRule(r)
		case "del":
			t.tx.DelRule(r)
		}
	}
}

// elementVerb adds or deletes elements of a set made earlier in the
// transaction or found in the kernel.
func elementVerb(add bool) verb {
	return func(t *txn, a *bindings.Args) {
		fam := family(a, bindings.Required)
		table := a.String("table", bindings.Required)
		name := a.String("set", bindings.Required)
		es := elements(a, "elements", bindings.Required)
		a.Done()
		s := t.set(a, fam, table, name)
		t.touch(fam, table)
		if add {
			t.tx.AddElements(s, es...)
		} else {
			t.tx.DelElements(s, es...)
		}
	}
}

func objectArgs(a *bindings.Args, full bool) *nfnl.Object {
	o := &nfnl.Object{Family: family(a, bindings.Required), Table: a.String("table", bindings.Required),
		Name: a.String("name", bindings.Required),
		Type: a.Enum("type", bindings.Required, "counter", "quota", "limit", "ct helper", "ct expectation", "ct timeout", "synproxy", "secmark")}
	if !full {
		return o
	}
	o.Comment = a.String("comment", bindings.Optional)
	switch o.Type {
	case "ct helper":
		h := a.Table("ct_helper", bindings.Required)
		o.CtHelper = &nfnl.CtHelper{Type: h.String("type", bindings.Required), Protocol: h.String("protocol", bindings.Required),
			L3Proto: h.Enum("l3proto", bindings.Optional, "ip", "ip6", "inet")}
		h.Done()
	case "ct expectation":
		x := a.Table("ct_expectation", bindings.Required)
		o.CtExpectation = &nfnl.CtExpectation{Protocol: x.String("protocol", bindings.Required), DPort: x.Uint16("dport", bindings.Required),
			TimeoutMS: x.Uint32("timeout_ms", bindings.Required), Size: x.Uint8("size", bindings.Required),
			L3Proto: x.Enum("l3proto", bindings.Optional, "ip", "ip6", "inet")}
		x.Done()
	case "synproxy":
		x := objectExpr(a, "synproxy", o.Type)
		o.Synproxy, _ = x.(*exprSynproxy)
		if o.Synproxy == nil {
			a.Fail("synproxy", "a synproxy object needs synproxy = {mss=, wscale=, flags=}")
		}
	case "ct timeout":
		x := a.Table("ct_timeout", bindings.Required)
		o.CtTimeout = &nfnl.CtTimeout{Protocol: x.Enum("protocol", bindings.Required, "tcp", "udp"),
			L3Proto: x.Enum("l3proto", bindings.Optional, "ip", "ip6", "inet"), Policy: policyArg(x)}
		x.Done()
	case "secmark":
		x := a.Table("secmark", bindings.Required)
		o.Secmark = &nfnl.Secmark{Context: x.String("context", bindings.Required)}
		x.Done()
	case "quota":
		q := objectExpr(a, "quota", o.Type)
		o.Quota, _ = q.(*exprQuota)
	case "limit":
		l := objectExpr(a, "limit", o.Type)
		o.Limit, _ = l.(*exprLimit)
		if o.Limit == nil {
			a.Fail("limit", "a limit object needs limit = {rate=, unit=, ...}")
		}
	case "counter":
		c := objectExpr(a, "counter", o.Type)
		o.Counter, _ = c.(*exprCounter)
	}
	return o
}

// policyArg reads a ct timeout policy: {established = 600, ...}, each a
// state's timeout in seconds (the state names are checked when the
// object is encoded).
func policyArg(a *bindings.Args) map[string]uint32 {
	t := a.Table("policy", bindings.Required)
	out := map[string]uint32{}
	t.LTable().ForEach(func(k, v lua.LValue) {
		name, ok := k.(lua.LString)
		if !ok {
			a.Fail("policy", "want state names as keys, got %s", bindings.Describe(k))
		}
		n, ok := bindings.IntValue(v, 0, 1<<32-1)
		if !ok {
			a.Fail("policy."+string(name), "want seconds (0 to 4294967295), got %s", bindings.Describe(v))
		}
		out[string(name)] = uint32(n)
	})
	if len(out) == 0 {
		a.Fail("policy", "want at least one state's timeout")
	}
	return out
}

func flowtableArgs(a *bindings.Args, full bool) *nfnl.Flowtable {
	f := &nfnl.Flowtable{Family: family(a, bindings.Required), Table: a.String("table", bindings.Required),
		Name: a.String("name", bindings.Required)}
	if full {
		f.Hook = a.Enum("hook", bindings.Optional, "ingress")
		if f.Hook == "" {
			f.Hook = "ingress"
		}
		f.Prio = int(a.Int("priority", bindings.Optional, -1<<31, 1<<31-1))
		f.Devices = a.Strings("devices", bindings.Optional)
	}
	return f
}
