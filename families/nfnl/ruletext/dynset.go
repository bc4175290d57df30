package ruletext

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// SetInfo is what the compiler is told of a named set a rule uses.
type SetInfo struct {
	Key KeyType
	// Timeout: the set's elements can time out (flags timeout, or a
	// default timeout), which an element timeout given by "add" or
	// "update" needs.
	Timeout bool
	// Verdict marks a verdict map ("type ... : verdict"), Data the
	// values of a data map ("type ... : ipv4_addr"); neither: a set.
	Verdict bool
	Data    KeyType
	// Obj is the NFT_OBJECT_* type of an object map's values (0: none).
	Obj uint32
}

// Sets tells the compiler of the named sets of the rule's table: the set
// called name; nil when it cannot tell; an error when the table has no
// such set.
type Sets func(name string) (*SetInfo, error)

// NFT_DYNSET_OP_* and NFT_DYNSET_F_*.
const (
	dynsetAdd    = 0
	dynsetUpdate = 1
	dynsetDelete = 2
	dynsetFInv   = 1
	dynsetFExpr  = 2
)

// dynsetOp returns the rule text of a dynset operation; "" when it has
// none.
func dynsetOp(op uint32) string {
	switch op {
	case dynsetAdd:
		return "add"
	case dynsetUpdate:
		return "update"
	case dynsetDelete:
		return "delete"
	}
	return ""
}

// checkSet checks, when the compiler can tell, that the table has the
// named set, that it holds keys of key, and that it has timeouts when
// the rule gives an element one.
func (s *state) checkSet(name string, key KeyType, timeout bool) error {
	info, err := s.setInfo(name)
	if info == nil {
		return err
	}
	if info.Key.ID() != key.ID() || info.Key.Len() != key.Len() {
		return fmt.Errorf("@%s holds %s, not %s", name, info.Key, key)
	}
	if timeout && !info.Timeout {
		return fmt.Errorf("@%s has no timeouts (flags timeout): its elements take no timeout", name)
	}
	return nil
}

// setInfo is what the compiler is told of the named set: nil (and no
// error) when it cannot tell.
func (s *state) setInfo(name string) (*SetInfo, error) {
	if s.sets == nil {
		return nil, nil
	}
	info, err := s.sets(name)
	if err != nil {
		return nil, fmt.Errorf("@%s: %w", name, err)
	}
	return info, nil
}

// checkMap checks, when the compiler can tell, that the table has the
// named map, that it maps keys of key, and to verdicts (data nil) or to
// values of data.
func (s *state) checkMap(name string, key, data KeyType) error {
	info, err := s.setInfo(name)
	if info == nil {
		return err
	}
	want := "verdict"
	if data != nil {
		want = data.String()
	}
	has := "nothing (a set)"
	switch {
	case info.Verdict:
		has = "verdict"
	case info.Data != nil:
		has = info.Data.String()
	}
	if info.Key.ID() != key.ID() || info.Key.Len() != key.Len() || has != want {
		return fmt.Errorf("@%s maps %s to %s, not %s to %s", name, info.Key, has, key, want)
	}
	return nil
}

// dynset compiles "add @s { ip saddr }", "update @s { ip saddr . tcp
// dport timeout 30s }", "update @s { ip saddr limit rate over
// 10/second }", "delete @s { ip saddr }" (op is the first word): the
// key's dependencies and loads, as for a concatenation, then a dynset,
// as nft lays them out. Statements after the key (counter, limit rate,
// ct count) go into the dynset, to be evaluated per element.
func (s *state) dynset(op string) error {
	name := s.l.next()
	if !strings.HasPrefix(name, "@") || len(name) < 2 {
		return fmt.Errorf("%s: want @set, got %q", op, name)
	}
	name = name[1:]
	d := &expr.Dynset{SetName: name, SourceRegisterKey: expr.Reg1}
	switch op {
	case "update":
		d.Op = dynsetUpdate
	case "delete":
		d.Op = dynsetDelete
	}
	if err := s.l.expect("{"); err != nil {
		return fmt.Errorf("%s @%s: %w", op, name, err)
	}
	ms, err := s.concatMembers()
	if err != nil {
		return fmt.Errorf("%s @%s: key: %w", op, name, err)
	}
	if s.l.accept("timeout") {
		t, err := parseDuration(s.l.next())
		if err != nil {
			return fmt.Errorf("%s @%s: %w", op, name, err)
		}
		d.Timeout = t
	}
	var stmts []expr.Expr
	for !s.l.accept("}") {
		n := len(s.out.Exprs)
		var err error
		switch t := s.l.next(); t {
		case "":
			return fmt.Errorf("%s @%s: no closing }", op, name)
		case "counter":
			s.emit(&expr.Counter{})
		case "limit":
			err = s.limit()
		case "quota":
			err = s.quota()
		case "ct":
			if s.l.next() != "count" {
				return fmt.Errorf("%s @%s: ct: only ct count in a set statement", op, name)
			}
			err = s.ctMatch("count")
		default:
			return fmt.Errorf("%s @%s: %q in a set statement: want timeout, counter, limit rate, quota or ct count", op, name, t)
		}
		if err != nil {
			return fmt.Errorf("%s @%s: %w", op, name, err)
		}
		stmts = append(stmts, s.out.Exprs[n:]...)
		s.out.Exprs = s.out.Exprs[:n]
	}
	if d.Op == dynsetDelete && (d.Timeout != 0 || len(stmts) > 0) {
		return fmt.Errorf("delete @%s: a deletion takes the key only", name)
	}
	key := make(KeyType, len(ms))
	for i, m := range ms {
		key[i] = m.typ
	}
	if err := s.checkSet(name, key, d.Timeout != 0); err != nil {
		return fmt.Errorf("%s %w", op, err)
	}
	switch len(stmts) {
	case 0:
	case 1:
		d.Expr, err = expr.MarshalNested(stmts[0])
	default:
		d.Exprs, err = expr.MarshalList(stmts)
		d.Flags = dynsetFExpr
	}
	if err != nil {
		return fmt.Errorf("%s @%s: %w", op, name, err)
	}
	s.loadConcat(ms, 0)
	s.emit(d)
	return nil
}

// durationUnit is a unit of durations as nft writes them: "1d2h3m4s5ms".
type durationUnit struct {
	name string
	ms   uint64
}

func durationUnits() []durationUnit {
	return []durationUnit{{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}}
}

// parseDuration reads a duration as nft writes it ("30s", "1h30m") into
// milliseconds: numbers with units, the larger units first.
func parseDuration(v string) (uint64, error) {
	var total uint64
	units := durationUnits()
	rest, next := v, 0
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		j := i
		for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
			j++
		}
		n, err := strconv.ParseUint(rest[:i], 10, 64)
		if err != nil || i == j {
			return 0, fmt.Errorf("bad duration %q (want as 30s, 1h30m, 500ms)", v)
		}
		u := next
		for u < len(units) && units[u].name != rest[i:j] {
			u++
		}
		if u == len(units) {
			return 0, fmt.Errorf("bad duration %q: unit %q (d, h, m, s, ms, the larger first)", v, rest[i:j])
		}
		if n > (1<<63)/units[u].ms || total+n*units[u].ms >= 1<<63 {
			return 0, fmt.Errorf("duration %q too long", v)
		}
		total += n * units[u].ms
		rest, next = rest[j:], u+1
	}
	if total == 0 {
		return 0, fmt.Errorf("duration %q: zero (leave it out)", v)
	}
	return total, nil
}

// formatDuration prints milliseconds as nft does: "1m30s".
func formatDuration(ms uint64) string {
	var b strings.Builder
	for _, u := range durationUnits() {
		if n := ms / u.ms; n > 0 {
			b.WriteString(strconv.FormatUint(n, 10) + u.name)
			ms %= u.ms
		}
	}
	return b.String()
}

// dynset prints loads into consecutive 32-bit registers and a dynset
// that takes them as its key: "add @s { ip saddr . tcp dport timeout 30s
// counter }". False when the expressions at s.i are not that; an error
// when the dynset has parts rule text has no words for.
func (s *pstate) dynset() (bool, error) {
	var names []string
	words := uint32(0)
	k := 0
	for ; ; k++ {
		reg := loadRegister(s.at(k))
		if reg == 0 || reg32Index(reg) != words {
			break
		}
		name, typ := s.loadName(s.at(k))
		if name == "" {
			return false, nil
		}
		names = append(names, name)
		words += uint32(typ.Len+3) / 4
	}
	d, ok := s.at(k).(*expr.Dynset)
	if k == 0 || !ok {
		return false, nil
	}
	s.i += k
	op := dynsetOp(d.Op)
	if op == "" || d.SetName == "" || d.SourceRegisterKey == 0 || reg32Index(d.SourceRegisterKey) != 0 ||
		d.SourceRegisterData != 0 || d.Flags&^dynsetFExpr != 0 || (d.Expr != nil && d.Exprs != nil) {
		return true, s.fail()
	}
	w := op + " @" + d.SetName + " { " + strings.Join(names, " . ")
	if d.Timeout != 0 {
		w += " timeout " + formatDuration(d.Timeout)
	}
	var stmts []expr.Expr
	switch {
	case d.Expr != nil:
		x, err := s.p.reg.DecodeNested(d.Expr)
		if err != nil {
			return true, s.fail()
		}
		stmts = []expr.Expr{x}
	case d.Exprs != nil:
		xs, err := s.p.reg.DecodeList(d.Exprs)
		if err != nil || len(xs) == 0 {
			return true, s.fail()
		}
		stmts = xs
	}
	for _, x := range stmts {
		t, ok := s.elementStmt(x)
		if !ok {
			return true, s.fail()
		}
		w += " " + t
	}
	s.out = append(s.out, w+" }")
	s.i++
	return true, nil
}

// elementStmt prints a statement a dynset evaluates per element as nft
// does there: a counter without its numbers (they are the template's),
// a limit, a quota or a ct count as in a rule.
func (s *pstate) elementStmt(x expr.Expr) (string, bool) {
	switch x.(type) {
	case *expr.Counter:
		return "counter", true
	case *expr.Limit, *expr.Connlimit, *expr.Quota:
		sub := &pstate{p: s.p, family: s.family, xs: []expr.Expr{x}, imm: map[uint32][]byte{}}
		if err := sub.one(); err != nil || sub.i != 1 || len(sub.out) != 1 {
			return "", false
		}
		return sub.out[0], true
	}
	return "", false
}
