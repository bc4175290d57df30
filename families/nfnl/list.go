package nfnl

import (
	"context"
	"fmt"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"github.com/nlsh/nlsh/families/nfnl/ruletext"
)

// Ruleset is everything nf_tables holds, as flat lists in the order
// `nft -j list ruleset` gives them.
type Ruleset struct {
	Tables     []*Table     `json:"tables"`
	Chains     []*Chain     `json:"chains"`
	Sets       []*Set       `json:"sets"`
	Rules      []*Rule      `json:"rules"`
	Objects    []*Object    `json:"objects,omitempty"`
	Flowtables []*Flowtable `json:"flowtables,omitempty"`
}

// Filter narrows a listing: empty fields match everything.
type Filter struct {
	Family string
	Table  string
	Chain  string
}

// dump runs a dump request and hands each reply of type want to fn. When
// the kernel starts the dump over (the ruleset changed during it:
// NLM_F_DUMP_INTR), restart is called first, to forget what fn has
// collected.
func (c *Client) dump(ctx context.Context, typ uint16, family string, fill func(e *codec.Encoder), fn func(codec.Message) error, restart func()) error {
	var fam uint8
	if family != "" {
		var err error
		if fam, err = familyNum(family); err != nil {
			return err
		}
	}
	m, err := message(msgType(typ), codec.Request|codec.Dump, fam, 0, fill)
	if err != nil {
		return err
	}
	d := c.conn.Dump(ctx, m)
	defer d.Close()
	for d.Next() {
		if d.Restarted() {
			restart()
		}
		r := d.Message()
		if r.Header.Type != msgType(typ-1) { // GETx is answered with NEWx
			continue
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if d.Restarted() { // started over and came back empty
		restart()
	}
	return d.Err()
}

// Tables lists tables (of one family if f.Family is set).
func (c *Client) Tables(ctx context.Context, f Filter) ([]*Table, error) {
	var out []*Table
	err := c.dump(ctx, msgGetTable, f.Family, nil, func(m codec.Message) error {
		t, err := decodeTable(m)
		if err == nil && (f.Table == "" || t.Name == f.Table) {
			out = append(out, t)
		}
		return err
	}, func() { out = out[:0] })
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	return out, nil
}

// Chains lists chains.
func (c *Client) Chains(ctx context.Context, f Filter) ([]*Chain, error) {
	var out []*Chain
	err := c.dump(ctx, msgGetChain, f.Family, nil, func(m codec.Message) error {
		ch, err := decodeChain(m)
		if err == nil && (f.Table == "" || ch.Table == f.Table) && (f.Chain == "" || ch.Name == f.Chain) {
			out = append(out, ch)
		}
		return err
	}, func() { out = out[:0] })
	if err != nil {
		return nil, fmt.Errorf("list chains: %w", err)
	}
	return out, nil
}

type setKey struct{ family, table, name string }

// allSets lists sets with their elements; anonymous ones are returned
// apart, as printer input (with the named object maps, whose type the
// printer needs).
func (c *Client) allSets(ctx context.Context, f Filter) ([]*Set, map[setKey]*ruletext.AnonSet, error) {
	var sets []*Set
	err := c.dump(ctx, msgGetSet, f.Family, nil, func(m codec.Message) error {
		s, err := decodeSet(m, c.types, c.reg)
		if err == nil && (f.Table == "" || s.Table == f.Table) {
			sets = append(sets, s)
		}
		return err
	}, func() { sets = sets[:0] })
	if err != nil {
		return nil, nil, fmt.Errorf("list sets: %w", err)
	}
	anon := map[setKey]*ruletext.AnonSet{}
	var named []*Set
	for _, s := range sets {
		ws, err := c.wireElements(ctx, s)
		if err != nil {
			return nil, nil, err
		}
		sc, err := newSetCodec(c.types, s)
		if err != nil {
			// a set of a type nlsh cannot name: list it without elements
			named = append(named, s)
			continue
		}
		if s.Flags&SetAnonymous != 0 {
			anon[setKey{s.Family, s.Table, s.Name}] = sc.anonFromWire(s.Flags&SetInterval != 0, ws)
			continue
		}
		s.Elements = sc.textElements(s.Flags&SetInterval != 0, ws)
		c.stmtTexts(s)
		named = append(named, s)
		if sc.obj != 0 {
			// the printer names the objects a rule takes from it by
			// their type ("counter name tcp dport map @m")
			anon[setKey{s.Family, s.Table, s.Name}] = &ruletext.AnonSet{Key: sc.key, Obj: sc.obj}
		}
	}
	return named, anon, nil
}

func (c *Client) wireElements(ctx context.Context, s *Set) ([]wireElement, error) {
	var out []wireElement
	err := c.dump(ctx, msgGetSetElem, s.Family, func(e *codec.Encoder) {
		e.String(attrElemListTable, s.Table)
		e.String(attrElemListSet, s.Name)
	}, func(m codec.Message) error {
		_, d, err := body(m)
		if err != nil {
			return err
		}
		for d.Next() {
			if d.Type() == attrElemListElements {
				ws, err := decodeElements(d.Bytes(), c.reg)
				if err != nil {
					return err
				}
				out = append(out, ws...)
			}
		}
		return d.Err()
	}, func() { out = out[:0] })
	if err != nil {
		return nil, fmt.Errorf("list elements of set %s %s %s: %w", s.Family, s.Table, s.Name, err)
	}
	return out, nil
}

// Sets lists named sets and maps with their elements.
func (c *Client) Sets(ctx context.Context, f Filter) ([]*Set, error) {
	var s []*Set
	err := c.consistent(ctx, func() (err error) {
		s, _, err = c.allSets(ctx, f)
		return err
	})
	return s, err
}

// Rules lists rules with their expressions and, where nlsh can print
// them, their text.
func (c *Client) Rules(ctx context.Context, f Filter) ([]*Rule, error) {
	var rs []*Rule
	err := c.consistent(ctx, func() error {
		_, anon, err := c.allSets(ctx, Filter{Family: f.Family, Table: f.Table})
		if err != nil {
			return err
		}
		rs, err = c.rules(ctx, f, anon)
		return err
	})
	return rs, err
}

// listRetries bounds how many times a listing of several dumps starts
// over because the ruleset changed while it was listed.
const listRetries = 10

// consistent runs list, a listing made of several dumps (each consistent
// on its own), until the ruleset's generation is the same before and
// after it, as nft does: so it lists one ruleset, not parts of two (the
// tables before a commit and the rules after it). After listRetries
// changes in a row it fails with an error matching
// socket.ErrDumpInterrupted.
func (c *Client) consistent(ctx context.Context, list func() error) error {
	for try := 1; ; try++ {
		before, err := c.Generation(ctx)
		if err != nil {
			return err
		}
		if err := list(); err != nil {
			return err
		}
		after, err := c.Generation(ctx)
		if err != nil {
			return err
		}
		if after == before {
			return nil
		}
		if try > listRetries {
			return fmt.Errorf("the ruleset changed during each of %d listings: %w", try, socket.ErrDumpInterrupted)
		}
	}
}

func (c *Client) rules(ctx context.Context, f Filter, anon map[setKey]*ruletext.AnonSet) ([]*Rule, error) {
	var out []*Rule
	err := c.dump(ctx, msgGetRule, f.Family, func(e *codec.Encoder) {
		if f.Table != "" {
			e.String(attrRuleTable, f.Table)
			if f.Chain != "" {
				e.String(attrRuleChain, f.Chain)
			}
		}
	}, func(m codec.Message) error {
		r, err := decodeRule(m, c.reg)
		if err != nil {
			return err
		}
		if (f.Table != "" && r.Table != f.Table) || (f.Chain != "" && r.Chain != f.Chain) {
			return nil
		}
		r.Text = c.printRule(r, anon)
		out = append(out, r)
		return nil
	}, func() { out = out[:0] })
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	return out, nil
}

// stmtTexts sets the text of a set's statements and its elements', as
// nft lists them: the set's without their state ("counter"), the
// elements' with it ("counter packets 1 bytes 84"); none when one has
// no text.
func (c *Client) stmtTexts(s *Set) {
	var parts []string
	for _, x := range s.Exprs {
		if _, ok := x.(*expr.Counter); ok {
			parts = append(parts, "counter")
			continue
		}
		t, err := c.printer.Print(s.Family, []expr.Expr{x}, "", nil)
		if err != nil {
			parts = nil
			break
		}
		parts = append(parts, t)
	}
	s.stmtText = strings.Join(parts, " ")
	for i := range s.Elements {
		e := &s.Elements[i]
		if len(e.Exprs) > 0 {
			if t, err := c.printer.Print(s.Family, e.Exprs, "", nil); err == nil {
				e.exprText = t
			}
		}
	}
}

// printRule returns the rule's text, or "" when it has expressions with
// no text form.
func (c *Client) printRule(r *Rule, anon map[setKey]*ruletext.AnonSet) string {
	text, err := c.printer.Print(r.Family, r.Exprs, r.Comment, func(name string, _ uint32) *ruletext.AnonSet {
		return anon[setKey{r.Family, r.Table, name}]
	})
	if err != nil {
		return ""
	}
	return text
}

// Ruleset lists everything (of one family or table if f says so), from
// one generation of the ruleset.
func (c *Client) Ruleset(ctx context.Context, f Filter) (*Ruleset, error) {
	var rs *Ruleset
	err := c.consistent(ctx, func() (err error) {
		rs, err = c.ruleset(ctx, f)
		return err
	})
	return rs, err
}

func (c *Client) ruleset(ctx context.Context, f Filter) (*Ruleset, error) {
	rs := &Ruleset{}
	var err error
	if rs.Tables, err = c.Tables(ctx, f); err != nil {
		return nil, err
	}
	if rs.Chains, err = c.Chains(ctx, Filter{Family: f.Family, Table: f.Table}); err != nil {
		return nil, err
	}
	var anon map[setKey]*ruletext.AnonSet
	if rs.Sets, anon, err = c.allSets(ctx, f); err != nil {
		return nil, err
	}
	if rs.Rules, err = c.rules(ctx, Filter{Family: f.Family, Table: f.Table}, anon); err != nil {
		return nil, err
	}
	if rs.Objects, err = c.Objects(ctx, f); err != nil {
		return nil, err
	}
	if rs.Flowtables, err = c.Flowtables(ctx, f); err != nil {
		return nil, err
	}
	return rs, nil
}
