package nfnl

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// Rule is a rule of a chain. When adding one, give either Text (rule text
// as `nft list ruleset` prints it) or Exprs. Listed rules carry both,
// Text being empty when the rule holds expressions nlsh cannot print.
type Rule struct {
	Family string `json:"family"`
	Table  string `json:"table"`
	Chain  string `json:"chain"`
	Handle uint64 `json:"handle,omitempty"`
	// Position is the handle of the rule to insert before (InsertRule)
	// or append after (AddRule); 0 means the chain's start or end.
	Position uint64      `json:"position,omitempty"`
	Text     string      `json:"text,omitempty"`
	Comment  string      `json:"comment,omitempty"`
	Exprs    []expr.Expr `json:"expr,omitempty"`
}

func (r *Rule) encode(e *codec.Encoder, xs []expr.Expr, full bool) {
	e.String(attrRuleTable, r.Table)
	e.String(attrRuleChain, r.Chain)
	if r.Handle != 0 {
		e.Be64(attrRuleHandle, r.Handle)
	}
	if !full {
		return
	}
	if r.Position != 0 {
		e.Be64(attrRulePosition, r.Position)
	}
	e.BeginPlain(attrRuleExpressions)
	expr.EncodeList(e, xs)
	e.End()
	if r.Comment != "" {
		e.Bytes(attrRuleUserdata, udata(nil).putString(udataComment, r.Comment))
	}
}

func decodeRule(m codec.Message, reg *expr.Registry) (*Rule, error) {
	fam, d, err := body(m)
	if err != nil {
		return nil, err
	}
	r := &Rule{Family: familyName(fam)}
	for d.Next() {
		switch d.Type() {
		case attrRuleTable:
			r.Table = d.String()
		case attrRuleChain:
			r.Chain = d.String()
		case attrRuleHandle:
			r.Handle = d.Be64()
		case attrRulePosition:
			r.Position = d.Be64()
		case attrRuleUserdata:
			r.Comment = udata(d.Bytes()).getString(udataComment)
		case attrRuleExpressions:
			xs, err := reg.DecodeList(d.Bytes())
			if err != nil {
				return nil, fmt.Errorf("rule %s %s handle %d: %w", r.Table, r.Chain, r.Handle, err)
			}
			r.Exprs = xs
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("rule: %w", err)
	}
	return r, nil
}
