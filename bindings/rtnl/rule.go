package rtnl

import (
	"context"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

func (a *api) ruleList(L *lua.LState) int {
	const fn = "rtnl.rule.list"
	args := bindings.OptTable(L, 1, fn)
	f := rtnl.RuleFilter{Family: args.Enum("family", bindings.Optional, "inet", "inet6")}
	args.Done()
	rs, err := a.client(L, fn).ListRules(bindings.Context(L), f, withTables(a.env))
	if err != nil {
		raise(L, fn, err)
	}
	t := L.CreateTable(len(rs), 0)
	for i := range rs {
		t.Append(ruleToLua(L, &rs[i]))
	}
	L.Push(t)
	return 1
}

func readRule(args *bindings.Args) *rtnl.Rule {
	r := &rtnl.Rule{
		Family:   args.Enum("family", bindings.Optional, "inet", "inet6"),
		Priority: args.Uint32("priority", bindings.Optional),
		Not:      args.Bool("not", bindings.Optional),
		Tos:      args.Uint8("tos", bindings.Optional),
		Iif:      args.Ifname("iif", bindings.Optional),
		Oif:      args.Ifname("oif", bindings.Optional),
		Fwmark:   args.Uint32("fwmark", bindings.Optional),
		Fwmask:   args.Uint32("fwmask", bindings.Optional),
		Action:   args.Enum("action", bindings.Optional, "to_tbl", "goto", "nop", "blackhole", "unreachable", "prohibit"),
		Goto:     args.Uint32("goto", bindings.Optional),
		Protocol: nonEmpty(args, "protocol"),
	}
	for _, f := range []struct {
		name string
		p    *netipPrefix
	}{{"src", &r.Src}, {"dst", &r.Dst}} {
		if s := args.String(f.name, bindings.Optional); s != "" || args.Has(f.name) {
			p, err := rtnl.ParsePrefix(f.name, s, "")
			if err != nil {
				failArg(args, f.name, err)
			}
			*f.p = p
		}
	}
	if r.Family == "" && !r.Src.IsValid() && !r.Dst.IsValid() {
		r.Family = "inet" // as ip rule without -6
	}
	r.Table, r.TableName = tableField(args, "table")
	if args.Has("suppress_prefixlen") {
		n := int(args.Int("suppress_prefixlen", bindings.Optional, 0, 128))
		r.SuppressPrefixlen = &n
	}
	switch v := args.Value("ipproto", bindings.Optional).(type) {
	case lua.LNumber:
		r.IPProto = strconv.Itoa(int(args.Int("ipproto", bindings.Optional, 0, 255)))
	case lua.LString:
		r.IPProto = string(v)
	case *lua.LNilType:
	default:
		args.Fail("ipproto", "want a protocol name or number, got %s", bindings.Describe(v))
	}
	r.Sport, r.SportStart, r.SportEnd = args.Uint16("sport", bindings.Optional), args.Uint16("sport_start", bindings.Optional), args.Uint16("sport_end", bindings.Optional)
	r.Dport, r.DportStart, r.DportEnd = args.Uint16("dport", bindings.Optional), args.Uint16("dport_start", bindings.Optional), args.Uint16("dport_end", bindings.Optional)
	for _, u := range []struct {
		name string
		p    **uint32
	}{{"uid_start", &r.UIDStart}, {"uid_end", &r.UIDEnd}} {
		if args.Has(u.name) {
			n := args.Uint32(u.name, bindings.Optional)
			*u.p = &n
		}
	}
	r.L3mdev = args.Bool("l3mdev", bindings.Optional)
	return r
}

func ruleDesc(r *rtnl.Rule) string {
	s := "rule"
	if r.Src.IsValid() {
		s += " from " + r.Src.String()
	}
	if r.Dst.IsValid() {
		s += " to " + r.Dst.String()
	}
	if r.TableName != "" {
		s += " table " + r.TableName
	}
	return s
}

func (a *api) ruleAdd(L *lua.LState) int {
	const fn = "rtnl.rule.add"
	args := bindings.Table(L, 1, fn)
	r := readRule(args)
	existOK := args.Bool("exist_ok", bindings.Optional)
	args.Done()
	o := &op{fn: fn, group: "rule.add", rule: r, existOK: existOK}
	o.run = func(ctx context.Context, cl *rtnl.Client) error {
		return cl.AddRule(ctx, *r, append(o.callOpts(), withTables(a.env))...)
	}
	if a.journalled() {
		existed := existOK && a.findRule(L, fn, r) != nil
		o.done = func() {
			if existed {
				return
			}
			del := *r
			push(a.env, o.target, "add "+ruleDesc(r), func(ctx context.Context, cl *rtnl.Client) error {
				return cl.DelRule(ctx, del, withTables(a.env))
			})
		}
	}
	a.do(L, o)
	return 0
}

// findRule returns the first rule a delete of r matches
// (rtnl.Rule.Selects), or nil.
func (a *api) findRule(L *lua.LState, fn string, r *rtnl.Rule) *rtnl.Rule {
	rs, err := a.client(L, fn).ListRules(bindings.Context(L), rtnl.RuleFilter{Family: r.Family}, withTables(a.env))
	if err != nil {
		raise(L, fn, err)
	}
	for i := range rs {
		if r.Selects(&rs[i]) {
			return &rs[i]
		}
	}
	return nil
}

func (a *api) ruleDel(L *lua.LState) int {
	const fn = "rtnl.rule.del"
	args := bindings.Table(L, 1, fn)
	r := readRule(args)
	args.Done()
	o := &op{fn: fn, group: "rule.del", rule: r}
	o.run = func(ctx context.Context, cl *rtnl.Client) error { return cl.DelRule(ctx, *r, withTables(a.env)) }
	if a.journalled() {
		if prev := a.findRule(L, fn, r); prev != nil {
			o.done = func() {
				push(a.env, o.target, "delete "+ruleDesc(r), func(ctx context.Context, cl *rtnl.Client) error {
					return cl.AddRule(ctx, *prev, rtnl.ExistOK(), withTables(a.env))
				})
			}
		}
	}
	a.do(L, o)
	return 0
}
