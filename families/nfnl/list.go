package nfnl

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
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

// dump runs a dump request and hands each reply of type want to fn.
func (c *Client) dump(ctx context.Context, typ uint16, family string, fill func(e *codec.Encoder), fn func(codec.Message) error) error {
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
		r := d.Message()
		if r.Header.Type != msgType(typ-1) { // GETx is answered with NEWx
			continue
		}
		if err := fn(r); err != nil {
			return err
		}
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
	})
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
	})
	if err != nil {
		return nil, fmt.Errorf("list chains: %w", err)
	}
	return out, nil
}

type setKey struct{ family, table, name string }

// allSets lists sets with their elements; anonymous ones are returned
// apart, as printer input.
func (c *Client) allSets(ctx context.Context, f Filter) ([]*Set, map[setKey]*ruletext.AnonSet, error) {
	var sets []*Set
	err := c.dump(ctx, msgGetSet, f.Family, nil, func(m codec.Message) error {
		s, err := decodeSet(m, c.types)
		if err == nil && (f.Table == "" || s.Table == f.Table) {
			sets = append(sets, s)
		}
		return err
	})
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
		named = append(named, s)
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
				ws, err := decodeElements(d.Bytes())
				if err != nil {
					return err
				}
				out = append(out, ws...)
			}
		}
		return d.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list elements of set %s %s %s: %w", s.Family, s.Table, s.Name, err)
	}
	return out, nil
}

// Sets lists named sets and maps with their elements.
func (c *Client) Sets(ctx context.Context, f Filter) ([]*Set, error) {
	s, _, err := c.allSets(ctx, f)
	return s, err
}

// Rules lists rules with their expressions and, where nlsh can print
// them, their text.
func (c *Client) Rules(ctx context.Context, f Filter) ([]*Rule, error) {
	_, anon, err := c.allSets(ctx, Filter{Family: f.Family, Table: f.Table})
	if err != nil {
		return nil, err
	}
	return c.rules(ctx, f, anon)
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
	})
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	return out, nil
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

// Ruleset lists everything (of one family or table if f says so).
func (c *Client) Ruleset(ctx context.Context, f Filter) (*Ruleset, error) {
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
