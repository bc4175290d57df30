package nfnl

import (
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// Expressions in Lua are tables {type = "meta", key = "l4proto", dreg = 1}:
// type is the kernel's name, the other fields are the Go type's json
// names, with dest_register and source_register shortened to dreg and
// sreg, byte strings as hex, verdicts as nft prints them ("accept",
// "jump other"), meta keys and cmp operators by name. An expression nlsh
// does not know is {type = name, data = "<hex>", raw = true} and is
// written back unchanged. Listing gives the same shape rule.add takes.

// fieldName is the Lua name of a Go field with json name j.
func fieldName(j string) string {
	switch j {
	case "dest_register":
		return "dreg"
	case "source_register":
		return "sreg"
	}
	return j
}

// Meta keys and cmp operators by name, indexed by their numbers.
var (
	metaKeyNames = []string{"len", "protocol", "priority", "mark", "iif", "oif", "iifname", "oifname",
		"iiftype", "oiftype", "skuid", "skgid", "nftrace", "rtclassid", "secmark", "nfproto", "l4proto",
		"bri_iifname", "bri_oifname", "pkttype", "cpu", "iifgroup", "oifgroup", "cgroup", "prandom"}
	cmpOpNames = []string{"eq", "neq", "lt", "lte", "gt", "gte"}
)

// enumNames returns the names of field j of expression kind, if it has them.
func enumNames(kind, j string) []string {
	switch {
	case kind == "meta" && j == "key":
		return metaKeyNames
	case (kind == "cmp" || kind == "range") && j == "op":
		return cmpOpNames
	}
	return nil
}

type exprField struct {
	lua  string // Lua field name
	json string
	v    reflect.Value
}

// exprFields lists the settable fields of the struct x points to.
func exprFields(x expr.Expr) []exprField {
	v := reflect.ValueOf(x).Elem()
	t := v.Type()
	var out []exprField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		j, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if j == "-" {
			continue
		}
		if j == "" {
			j = strings.ToLower(sf.Name)
		}
		out = append(out, exprField{lua: fieldName(j), json: j, v: v.Field(i)})
	}
	return out
}

// exprToLua converts one expression to its table.
//
// Tables are made at their final size: gopher-lua's NewTable reserves 32
// list and 32 field slots (2.9 KB), which a ruleset of 10,000 rules paid
// about 15 times per rule (430 MB).
func exprToLua(L *lua.LState, x expr.Expr) *lua.LTable {
	if r, ok := x.(*expr.Raw); ok {
		t := L.CreateTable(0, 3)
		t.RawSetString("type", lua.LString(x.Kind()))
		t.RawSetString("data", lua.LString(hex.EncodeToString(r.Data)))
		t.RawSetString("raw", lua.LTrue)
		return t
	}
	fields := exprFields(x)
	t := L.CreateTable(0, 1+len(fields))
	t.RawSetString("type", lua.LString(x.Kind()))
	for _, f := range fields {
		if f.v.IsZero() {
			continue
		}
		switch v := f.v.Interface().(type) {
		case []byte:
			t.RawSetString(f.lua, lua.LString(hex.EncodeToString(v)))
		case *expr.Verdict:
			t.RawSetString(f.lua, lua.LString(v.String()))
		case string:
			t.RawSetString(f.lua, lua.LString(v))
		case bool:
			t.RawSetString(f.lua, lua.LBool(v))
		default:
			if names := enumNames(x.Kind(), f.json); names != nil && f.v.CanUint() && f.v.Uint() < uint64(len(names)) {
				t.RawSetString(f.lua, lua.LString(names[f.v.Uint()]))
				continue
			}
			switch {
			case f.v.CanUint() && f.v.Uint() <= bindings.MaxExactInt:
				t.RawSetString(f.lua, lua.LNumber(f.v.Uint()))
			case f.v.CanInt():
				t.RawSetString(f.lua, lua.LNumber(f.v.Int()))
			default:
				t.RawSetString(f.lua, bindings.ToLua(L, v))
			}
		}
	}
	return t
}

// exprsToLua converts a rule's expressions.
func exprsToLua(L *lua.LState, xs []expr.Expr) *lua.LTable {
	t := L.CreateTable(len(xs), 0)
	for _, x := range xs {
		t.Append(exprToLua(L, x))
	}
	return t
}

// exprsFromLua reads field name of a as a list of expression tables.
func exprsFromLua(a *bindings.Args, name string, reg *expr.Registry) []expr.Expr {
	vs := a.List(name, bindings.Optional)
	out := make([]expr.Expr, 0, len(vs))
	for i, v := range vs {
		t, ok := v.(*lua.LTable)
		if !ok {
			a.Fail(fmt.Sprintf("%s[%d]", name, i+1), "want an expression table {type = ..., ...}, got %s", bindings.Describe(v))
		}
		x, err := exprFromLua(t, reg)
		if err != nil {
			a.Fail(fmt.Sprintf("%s[%d]", name, i+1), "%v", err)
		}
		out = append(out, x)
	}
	return out
}

// exprFromLua builds an expression from its table, strictly: an unknown
// field, a value of the wrong type or out of range is an error.
func exprFromLua(t *lua.LTable, reg *expr.Registry) (expr.Expr, error) {
	kind, ok := t.RawGetString("type").(lua.LString)
	if !ok {
		return nil, fmt.Errorf("want type = <expression name>, got %s", bindings.Describe(t.RawGetString("type")))
	}
	used := map[string]bool{"type": true}
	x := reg.New(string(kind))
	if x == nil || t.RawGetString("raw") == lua.LTrue {
		used["raw"], used["data"] = true, true
		r := &expr.Raw{Name: string(kind)}
		if d := t.RawGetString("data"); d != lua.LNil {
			s, ok := d.(lua.LString)
			b, err := hex.DecodeString(string(s))
			if !ok || err != nil {
				return nil, fmt.Errorf("field \"data\": want hex bytes, got %s", bindings.Describe(d))
			}
			r.Data, r.HasData = b, true
		} else if x == nil {
			return nil, fmt.Errorf("unknown expression %q: give its data as hex (data = \"...\") to send it raw", kind)
		}
		return r, unknownField(t, used, nil)
	}
	fields := exprFields(x)
	for _, f := range fields {
		lv := t.RawGetString(f.lua)
		used[f.lua] = true
		if lv == lua.LNil && f.lua != f.json {
			lv = t.RawGetString(f.json)
			used[f.json] = true
		}
		if lv == lua.LNil {
			continue
		}
		if err := setField(x.Kind(), f, lv); err != nil {
			return nil, fmt.Errorf("field %q: %w", f.lua, err)
		}
	}
	var names []string
	for _, f := range fields {
		names = append(names, f.lua)
	}
	return x, unknownField(t, used, names)
}

func unknownField(t *lua.LTable, used map[string]bool, names []string) error {
	var bad string
	t.ForEach(func(k, _ lua.LValue) {
		if ks, ok := k.(lua.LString); (!ok || !used[string(ks)]) && bad == "" {
			bad = bindings.Describe(k)
		}
	})
	if bad == "" {
		return nil
	}
	return fmt.Errorf("unknown field %s (fields: type, %s)", bad, strings.Join(names, ", "))
}

// setField stores Lua value lv in field f of an expression of kind.
func setField(kind string, f exprField, lv lua.LValue) error {
	switch f.v.Interface().(type) {
	case []byte:
		s, ok := lv.(lua.LString)
		b, err := hex.DecodeString(strings.TrimPrefix(string(s), "0x"))
		if !ok || err != nil {
			return fmt.Errorf("want hex bytes, got %s", bindings.Describe(lv))
		}
		f.v.Set(reflect.ValueOf(b))
		return nil
	case *expr.Verdict:
		s, ok := lv.(lua.LString)
		if !ok {
			return fmt.Errorf("want a verdict such as \"accept\" or \"jump other\", got %s", bindings.Describe(lv))
		}
		v, err := expr.ParseVerdict(string(s))
		if err != nil {
			return err
		}
		f.v.Set(reflect.ValueOf(&v))
		return nil
	case string:
		s, ok := lv.(lua.LString)
		if !ok {
			return fmt.Errorf("want a string, got %s", bindings.Describe(lv))
		}
		f.v.SetString(string(s))
		return nil
	case bool:
		b, ok := lv.(lua.LBool)
		if !ok {
			return fmt.Errorf("want a boolean, got %s", bindings.Describe(lv))
		}
		f.v.SetBool(bool(b))
		return nil
	}
	if s, ok := lv.(lua.LString); ok {
		if names := enumNames(kind, f.json); names != nil {
			for i, n := range names {
				if n == string(s) {
					f.v.SetUint(uint64(i))
					return nil
				}
			}
			return fmt.Errorf("unknown name %q (one of %s)", s, strings.Join(names, ", "))
		}
	}
	n, ok := lv.(lua.LNumber)
	if !ok || float64(n) != float64(int64(n)) {
		return fmt.Errorf("want an integer, got %s", bindings.Describe(lv))
	}
	switch {
	case f.v.CanUint():
		if n < 0 || f.v.OverflowUint(uint64(n)) {
			return fmt.Errorf("%v out of range", n)
		}
		f.v.SetUint(uint64(n))
	case f.v.CanInt():
		if f.v.OverflowInt(int64(n)) {
			return fmt.Errorf("%v out of range", n)
		}
		f.v.SetInt(int64(n))
	default:
		return fmt.Errorf("field of type %s cannot be set from Lua", f.v.Type())
	}
	return nil
}
