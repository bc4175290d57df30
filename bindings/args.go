package bindings

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Req says whether a field must be present.
type Req bool

// Field requirement.
const (
	Optional Req = false
	Required Req = true
)

// Args reads one argument table strictly: typed getters check each field,
// and Done raises for any key no getter asked for, naming it (with a
// suggestion for a near miss). Every failure raises at once, naming the
// function and the field, before anything is sent to the kernel.
//
//	args := bindings.Table(L, 1, "rtnl.link.add")
//	name := args.String("ifname", bindings.Required)
//	mtu := args.Int("mtu", bindings.Optional, 68, 65535)
//	args.Done()
type Args struct {
	L    *lua.LState
	Fn   string // function name for messages, "rtnl.link.add"
	path string // field path prefix for nested tables, "peer."
	t    *lua.LTable
	// known are the fields getters asked for, in order (a repeat of the
	// last one is not recorded again; Done sorts and de-duplicates them for
	// its message): the first len(knownBuf) in knownBuf, the rest in more.
	// No map and, for a table of a few fields, no allocation per call.
	nknown   int
	knownBuf [24]string
	more     []string
	// A table of at most len(keys) fields, all with string keys (every
	// argument table of a bulk call such as {dst = ..., dev = ...}), is
	// read once on first use into keys and vals: a getter then compares
	// its name with those few keys instead of hashing it, and used (bit i:
	// keys[i] was asked for) lets Done see at once that nothing is unknown.
	snap  snapState
	nkeys int
	used  uint16
	keys  [8]string
	vals  [8]lua.LValue
}

type snapState uint8

const (
	snapNone snapState = iota // not read yet
	snapKept                  // keys and vals hold every field
	snapOff                   // too many fields or a non-string key: use t
)

// newArgs returns strict Args over t.
func newArgs(L *lua.LState, fn, path string, t *lua.LTable) *Args {
	Materialize(t)
	return &Args{L: L, Fn: fn, path: path, t: t}
}

// mark records name as a field a getter asked for.
func (a *Args) mark(name string) {
	switch {
	case a.nknown > 0 && a.nknown <= len(a.knownBuf) && a.knownBuf[a.nknown-1] == name:
		return // Has after String, as Enum and Addr do
	case a.nknown < len(a.knownBuf):
		a.knownBuf[a.nknown] = name
		a.nknown++
	default:
		if len(a.more) > 0 && a.more[len(a.more)-1] == name {
			return
		}
		a.more = append(a.more, name)
		a.nknown++
	}
}

// knownNames returns the fields getters asked for, sorted, each once.
func (a *Args) knownNames() []string {
	known := append(append([]string(nil), a.knownBuf[:min(a.nknown, len(a.knownBuf))]...), a.more...)
	sort.Strings(known)
	return slices.Compact(known)
}

func (a *Args) isKnown(name string) bool {
	for _, k := range a.knownBuf[:min(a.nknown, len(a.knownBuf))] {
		if k == name {
			return true
		}
	}
	for _, k := range a.more {
		if k == name {
			return true
		}
	}
	return false
}

// get returns field name's raw value (nil when absent) and marks it known.
func (a *Args) get(name string) lua.LValue {
	a.mark(name)
	if a.snap == snapNone {
		a.takeSnap()
	}
	if a.snap == snapKept {
		for i, k := range a.keys[:a.nkeys] {
			if k == name {
				a.used |= 1 << i
				return a.vals[i]
			}
		}
		return lua.LNil
	}
	return a.t.RawGetString(name)
}

// takeSnap reads a small table of string keys into keys and vals.
func (a *Args) takeSnap() {
	a.snap = snapOff
	n := 0
	// Next hands out the table's own boxed keys: no allocation per key.
	for k, v := a.t.Next(lua.LNil); k != lua.LNil; k, v = a.t.Next(k) {
		if v == lua.LNil {
			continue
		}
		ks, ok := k.(lua.LString)
		if !ok || n == len(a.keys) {
			return
		}
		a.keys[n], a.vals[n] = string(ks), v
		n++
	}
	a.nkeys, a.snap = n, snapKept
}

// Fields returns the fields of a small argument table (at most 8, every
// key a string, as the table of a bulk call is), keys[i] holding
// vals[i], for a reader that dispatches on the fields present instead of
// asking for every field it knows; ok is false for any other table. Such
// a reader takes a table only when it knows every field and would accept
// every value, then calls UseFields so that Done passes; otherwise it
// reads the table again with getters, which raise as always (naming the
// field, with the near miss): the fast reader never raises. The slices
// are the Args' own, valid until it is read again.
func (a *Args) Fields() (keys []string, vals []lua.LValue, ok bool) {
	if a.snap == snapNone {
		a.takeSnap()
	}
	if a.snap != snapKept {
		return nil, nil, false
	}
	return a.keys[:a.nkeys], a.vals[:a.nkeys], true
}

// UseFields marks the fields of Fields that mask names (bit i: keys[i])
// as asked for.
func (a *Args) UseFields(mask uint16) { a.used |= mask }

// IntValue is v as an integer in [lo, hi] when Int would take it so (a
// number, integral, in range and within 2^53); ok is false otherwise.
func IntValue(v lua.LValue, lo, hi int64) (n int64, ok bool) {
	x, isNum := v.(lua.LNumber)
	f := float64(x)
	if !isNum || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) ||
		f < float64(lo) || f > float64(hi) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// Table returns the argument table at stack position n of function fn; a
// missing or non-table argument raises.
func Table(L *lua.LState, n int, fn string) *Args {
	v := L.Get(n)
	t, ok := v.(*lua.LTable)
	if !ok {
		ArgError(L, fn, "argument #%d: want a table such as %s{...}, got %s", n, fn, typeName(v))
	}
	return newArgs(L, fn, "", t)
}

// Read makes a strict Args over the argument table at stack position n
// of function fn, as Table does, but in place: a caller that keeps a on
// its stack (var args bindings.Args; args.Read(L, 1, fn)) saves an
// allocation per call, which counts for calls made in bulk.
func (a *Args) Read(L *lua.LState, n int, fn string) {
	v := L.Get(n)
	t, ok := v.(*lua.LTable)
	if !ok {
		ArgError(L, fn, "argument #%d: want a table such as %s{...}, got %s", n, fn, typeName(v))
	}
	Materialize(t)
	*a = Args{L: L, Fn: fn, t: t}
}

// OptTable is Table for an optional argument: nil gives an empty table.
func OptTable(L *lua.LState, n int, fn string) *Args {
	if L.Get(n) == lua.LNil {
		return newArgs(L, fn, "", L.NewTable())
	}
	return Table(L, n, fn)
}

// LTable returns the underlying Lua table.
func (a *Args) LTable() *lua.LTable { return a.t }

// Fail raises an error about field name.
func (a *Args) Fail(name, format string, args ...any) {
	ArgError(a.L, a.Fn, "field %q: %s", a.path+name, fmt.Sprintf(format, args...))
}

// absent reports, marking name known, that optional field name is not
// there: a getter then has nothing more to ask (one look, where
// String and then Has took two).
func (a *Args) absent(name string, req Req) bool {
	return req == Optional && a.get(name) == lua.LNil
}

// Has reports whether field name is present (not nil), and marks it known.
func (a *Args) Has(name string) bool {
	return a.get(name) != lua.LNil
}

// Known marks names as valid keys without reading them.
func (a *Args) Known(names ...string) {
	for _, n := range names {
		a.get(n)
	}
}

// Value returns the raw value of field name (nil when absent), raising
// when it is required and absent.
func (a *Args) Value(name string, req Req) lua.LValue {
	v := a.get(name)
	if v == lua.LNil && req {
		a.Fail(name, "required")
	}
	return v
}

// String returns string field name ("" when absent and optional).
func (a *Args) String(name string, req Req) string {
	v := a.Value(name, req)
	switch v := v.(type) {
	case *lua.LNilType:
		return ""
	case lua.LString:
		if v == "" && req {
			// A required name given as "" would reach the kernel as an
			// empty name (nftables takes one), not as "missing".
			a.Fail(name, "required: want a non-empty string, got \"\"")
		}
		return string(v)
	}
	a.Fail(name, "want a string, got %s", describe(v))
	return ""
}

// Int returns integer field name, checked to be integral and within
// [lo, hi] (0 when absent and optional). 1.5, 2^60 outside the range, nan
// and strings raise.
func (a *Args) Int(name string, req Req, lo, hi int64) int64 {
	v := a.Value(name, req)
	if v == lua.LNil {
		return 0
	}
	n, ok := v.(lua.LNumber)
	if !ok {
		a.Fail(name, "want an integer, got %s", describe(v))
	}
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		a.Fail(name, "want an integer, got %s", describe(v))
	}
	if f < float64(lo) || f > float64(hi) || math.Abs(f) > 1<<53 {
		a.Fail(name, "%s out of range [%d, %d]", describe(v), lo, hi)
	}
	return int64(f)
}

// Uint32 is Int over the range of a u32.
func (a *Args) Uint32(name string, req Req) uint32 {
	return uint32(a.Int(name, req, 0, math.MaxUint32))
}

// Uint16 is Int over the range of a u16.
func (a *Args) Uint16(name string, req Req) uint16 {
	return uint16(a.Int(name, req, 0, math.MaxUint16))
}

// Uint8 is Int over the range of a u8.
func (a *Args) Uint8(name string, req Req) uint8 {
	return uint8(a.Int(name, req, 0, math.MaxUint8))
}

// Bool returns boolean field name (false when absent and optional).
func (a *Args) Bool(name string, req Req) bool {
	v := a.Value(name, req)
	switch v := v.(type) {
	case *lua.LNilType:
		return false
	case lua.LBool:
		return bool(v)
	}
	a.Fail(name, "want true or false, got %s", describe(v))
	return false
}

// Enum returns string field name, which must be one of allowed.
func (a *Args) Enum(name string, req Req, allowed ...string) string {
	if a.absent(name, req) {
		return ""
	}
	s := a.String(name, req)
	if s == "" && !a.Has(name) {
		return ""
	}
	for _, x := range allowed {
		if s == x {
			return s
		}
	}
	hint := ""
	if m := closest(s, allowed); m != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", m)
	}
	a.Fail(name, "%q is not one of %s%s", s, strings.Join(allowed, ", "), hint)
	return ""
}

// Func returns function field name (nil when absent and optional).
func (a *Args) Func(name string, req Req) *lua.LFunction {
	v := a.Value(name, req)
	if v == lua.LNil {
		return nil
	}
	f, ok := v.(*lua.LFunction)
	if !ok {
		a.Fail(name, "want a function, got %s", describe(v))
	}
	return f
}

// Table returns nested table field name as strict Args whose errors name
// "name.field" (nil when absent and optional).
func (a *Args) Table(name string, req Req) *Args {
	v := a.Value(name, req)
	if v == lua.LNil {
		return nil
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		a.Fail(name, "want a table, got %s", describe(v))
	}
	return newArgs(a.L, a.Fn, a.path+name+".", t)
}

// List returns array field name's elements (a table with keys 1..n only).
func (a *Args) List(name string, req Req) []lua.LValue {
	v := a.Value(name, req)
	if v == lua.LNil {
		return nil
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		a.Fail(name, "want a list, got %s", describe(v))
	}
	n := t.Len()
	out := make([]lua.LValue, 0, n)
	count := 0
	t.ForEach(func(k, _ lua.LValue) { count++ })
	if count != n {
		a.Fail(name, "want a list (keys 1..n), got a table with other keys")
	}
	for i := 1; i <= n; i++ {
		out = append(out, t.RawGetInt(i))
	}
	return out
}

// Strings returns list field name whose elements must be strings.
func (a *Args) Strings(name string, req Req) []string {
	vs := a.List(name, req)
	out := make([]string, len(vs))
	for i, v := range vs {
		s, ok := v.(lua.LString)
		if !ok {
			a.Fail(fmt.Sprintf("%s[%d]", name, i+1), "want a string, got %s", describe(v))
		}
		out[i] = string(s)
	}
	return out
}

// Done raises if the table has a key no getter asked for, naming it and
// the closest valid field.
func (a *Args) Done() {
	if a.snap == snapKept && a.used == 1<<a.nkeys-1 {
		return // every field was asked for
	}
	var unknown []string
	// Next hands out the table's own boxed keys: no allocation per key.
	for k, v := a.t.Next(lua.LNil); k != lua.LNil; k, v = a.t.Next(k) {
		if v == lua.LNil {
			continue
		}
		ks, ok := k.(lua.LString)
		if !ok {
			unknown = append(unknown, "["+describe(k)+"]")
			continue
		}
		if !a.isKnown(string(ks)) {
			unknown = append(unknown, string(ks))
		}
	}
	if len(unknown) == 0 {
		return
	}
	sort.Strings(unknown)
	known := a.knownNames()
	hint := ""
	if m := closest(unknown[0], known); m != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", a.path+m)
	} else if len(known) > 0 {
		hint = " (fields: " + strings.Join(known, ", ") + ")"
	}
	ArgError(a.L, a.Fn, "unknown field %q%s", a.path+unknown[0], hint)
}

// describe renders a value for an error message: strings quoted, numbers
// as Lua prints them, other types by name.
func describe(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LString:
		s := string(v)
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return fmt.Sprintf("%q", s)
	case lua.LNumber:
		return v.String()
	case lua.LBool:
		return v.String()
	}
	return typeName(v)
}

func typeName(v lua.LValue) string {
	if ud, ok := v.(*lua.LUserData); ok {
		if mt, ok := ud.Metatable.(*lua.LTable); ok {
			if n, ok := mt.RawGetString("__name").(lua.LString); ok {
				return string(n)
			}
		}
	}
	return v.Type().String()
}

// closest returns the candidate within edit distance 2 of s (or sharing a
// long prefix), or "".
func closest(s string, cands []string) string {
	best, bestD := "", 3
	for _, c := range cands {
		d := editDistance(s, c)
		if d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
