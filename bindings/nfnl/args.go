package nfnl

import (
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/nfnl"
)

// families are the nftables address families.
var families = []string{"ip", "ip6", "inet", "arp", "bridge", "netdev"}

func family(a *bindings.Args, req bindings.Req) string {
	return a.Enum("family", req, families...)
}

// flagBits reads a list of flag names into bits.
func flagBits(a *bindings.Args, name string, bits map[string]uint32) uint32 {
	var out uint32
	for i, s := range a.Strings(name, bindings.Optional) {
		b, ok := bits[s]
		if !ok {
			names := make([]string, 0, len(bits))
			for n := range bits {
				names = append(names, n)
			}
			a.Fail(name, "[%d] unknown flag %q (one of %s)", i+1, s, strings.Join(sortStrings(names), ", "))
		}
		out |= b
	}
	return out
}

func sortStrings(l []string) []string {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j] < l[j-1]; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
	return l
}

func tableArgs(a *bindings.Args, full bool) *nfnl.Table {
	t := &nfnl.Table{Family: family(a, bindings.Required), Name: a.String("name", bindings.Required)}
	if full {
		t.Flags = flagBits(a, "flags", map[string]uint32{"dormant": nfnl.TableDormant, "owner": nfnl.TableOwner, "persist": nfnl.TablePersist})
		t.Comment = a.String("comment", bindings.Optional)
		a.Bool("exist_ok", bindings.Optional) // add never fails for an existing table
	} else {
		t.Handle = uint64(a.Int("handle", bindings.Optional, 1, bindings.MaxExactInt))
	}
	return t
}

func chainArgs(a *bindings.Args, full bool) *nfnl.Chain {
	c := &nfnl.Chain{Family: family(a, bindings.Required), Table: a.String("table", bindings.Required),
		Name: a.String("name", bindings.Required)}
	if !full {
		return c
	}
	c.Hook = a.String("hook", bindings.Optional)
	base := bindings.Optional
	if c.Hook != "" {
		base = bindings.Required
	}
	c.Type = a.Enum("type", base, "filter", "nat", "route")
	switch v := a.Value("priority", base).(type) {
	case lua.LString:
		c.Priority = string(v)
	case lua.LNumber:
		c.Prio = int(a.Int("priority", base, -1<<31, 1<<31-1))
	case *lua.LNilType:
	default:
		a.Fail("priority", "want a number or a name such as \"filter\" or \"srcnat + 10\", got %s", bindings.Describe(v))
	}
	c.Policy = a.Enum("policy", bindings.Optional, "accept", "drop")
	c.Dev = a.String("dev", bindings.Optional)
	c.Devices = a.Strings("devices", bindings.Optional)
	c.Comment = a.String("comment", bindings.Optional)
	a.Bool("exist_ok", bindings.Optional) // add never fails for an existing chain
	if c.Hook == "" && (c.Type != "" || c.Policy != "" || c.Dev != "" || a.Has("priority")) {
		a.Fail("hook", "type, priority, policy and dev need a hook (a base chain)")
	}
	if c.Hook != "" && c.Policy == "" {
		c.Policy = "accept"
	}
	return c
}

// ruleArgs reads a rule: rule text or exprs; handle as needed by verb.
func ruleArgs(a *bindings.Args, t *txn, verb string) *nfnl.Rule {
	r := &nfnl.Rule{Family: family(a, bindings.Required), Table: a.String("table", bindings.Required),
		Chain: a.String("chain", bindings.Required)}
	handle := bindings.Optional
	if verb == "replace" || verb == "del" {
		handle = bindings.Required
	}
	r.Handle = uint64(a.Int("handle", handle, 1, bindings.MaxExactInt))
	if verb == "del" {
		return r
	}
	if verb == "add" || verb == "insert" {
		r.Position = uint64(a.Int("position", bindings.Optional, 1, bindings.MaxExactInt))
	}
	r.Text = a.String("rule", bindings.Optional)
	r.Comment = a.String("comment", bindings.Optional)
	if a.Has("exprs") {
		if r.Text != "" {
			a.Fail("exprs", "give rule text or exprs, not both")
		}
		r.Exprs = exprsFromLua(a, "exprs", t.cl.Registry())
		if len(r.Exprs) == 0 {
			a.Fail("exprs", "want at least one expression")
		}
	} else if r.Text == "" {
		a.Fail("rule", "want rule text such as \"tcp dport 22 accept\" (or exprs)")
	}
	return r
}

func setArgs(a *bindings.Args, full bool) *nfnl.Set {
	s := &nfnl.Set{Family: family(a, bindings.Required), Table: a.String("table", bindings.Required),
		Name: a.String("name", bindings.Required)}
	if !full {
		return s
	}
	switch v := a.Value("type", bindings.Required).(type) {
	case lua.LString:
		s.Type = string(v)
	case *lua.LTable:
		s.Type = strings.Join(a.Strings("type", bindings.Required), " . ")
	default:
		a.Fail("type", "want a key type such as \"ipv4_addr\" or a list for a concatenation, got %s", bindings.Describe(v))
	}
	if s.Type == "" || strings.HasPrefix(s.Type, " . ") || strings.HasSuffix(s.Type, " . ") || strings.Contains(s.Type, " .  . ") {
		a.Fail("type", "want a key type such as \"ipv4_addr\", got an empty one")
	}
	s.Map = a.String("map", bindings.Optional)
	s.Flags = flagBits(a, "flags", map[string]uint32{"constant": nfnl.SetConstant, "interval": nfnl.SetInterval,
		"timeout": nfnl.SetTimeout, "dynamic": nfnl.SetEval})
	s.Timeout = uint64(a.Int("timeout", bindings.Optional, 0, 1<<32))
	s.Size = uint32(a.Int("size", bindings.Optional, 1, 1<<32-1))
	s.AutoMerge = a.Bool("auto_merge", bindings.Optional)
	s.Comment = a.String("comment", bindings.Optional)
	s.Elements = elements(a, "elements", bindings.Optional)
	return s
}

// elements reads a list of elements: strings ("10.0.0.1", "80-443") or
// tables {key=, value=, timeout=}.
func elements(a *bindings.Args, name string, req bindings.Req) []nfnl.Element {
	vs := a.List(name, req)
	out := make([]nfnl.Element, 0, len(vs))
	for i, v := range vs {
		switch v := v.(type) {
		case lua.LString:
			out = append(out, nfnl.Element{Key: string(v)})
		case *lua.LTable:
			e, err := elementFromLua(v)
			if err != nil {
				a.Fail(name, "[%d] %v", i+1, err)
			}
			out = append(out, e)
		default:
			a.Fail(name, "[%d] want a string or {key=, value=, timeout=, comment=}, got %s", i+1, bindings.Describe(v))
		}
	}
	if req == bindings.Required && len(out) == 0 {
		a.Fail(name, "want at least one element")
	}
	return out
}

func elementFromLua(t *lua.LTable) (nfnl.Element, error) {
	var e nfnl.Element
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		ks, _ := k.(lua.LString)
		s, isStr := v.(lua.LString)
		n, isNum := v.(lua.LNumber)
		switch {
		case ks == "key" && isStr:
			e.Key = string(s)
		case ks == "value" && isStr:
			e.Value = string(s)
		case ks == "timeout" && isNum && n >= 0:
			e.Timeout = uint64(n)
		case ks == "comment" && isStr && len(s) <= 128:
			e.Comment = string(s)
		case ks == "key" || ks == "value" || ks == "timeout" || ks == "comment":
			err = errorf("field %q: bad value %s", ks, bindings.Describe(v))
		default:
			err = errorf("unknown element field %s (fields: key, value, timeout, comment)", bindings.Describe(k))
		}
	})
	if err == nil && e.Key == "" {
		err = errorf("element without a key")
	}
	return e, err
}
