package ruletext

import (
	"fmt"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// metaSecpath is NFT_META_SECPATH: 1 when the packet has a security
// path (was IPsec-decrypted), a byte.
const metaSecpath uint32 = 25

// ipsecMatch compiles "meta ipsec exists", "meta secpath missing", "meta
// ipsec != exists" (also 1 and 0), the lexer after the key, as nft lays
// them out: the byte compared with 1 or 0.
func (s *state) ipsecMatch(key string) error {
	op := expr.CmpEq
	if s.l.accept("!=") {
		op = expr.CmpNeq
	} else {
		s.l.accept("==")
	}
	var v byte
	switch w := s.l.next(); w {
	case "exists", "1":
		v = 1
	case "missing", "0":
	default:
		return fmt.Errorf("meta %s: want exists or missing, not %q", key, w)
	}
	s.emit(&expr.Meta{Key: metaSecpath, DestRegister: expr.Reg1},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: op, Data: []byte{v}})
	return nil
}

// ipsec prints a load of meta secpath and its comparison with 1 or 0 as
// nft 1.0.6 does: "meta ipsec exists", "meta ipsec != missing".
func (s *pstate) ipsec(x *expr.Meta) error {
	c, ok := s.at(1).(*expr.Cmp)
	if !ok || c.SourceRegister != x.DestRegister || (c.Op != expr.CmpEq && c.Op != expr.CmpNeq) || len(c.Data) != 1 || c.Data[0] > 1 {
		return s.fail()
	}
	w := "meta ipsec "
	if c.Op == expr.CmpNeq {
		w += "!= "
	}
	if c.Data[0] == 1 {
		w += "exists"
	} else {
		w += "missing"
	}
	s.out = append(s.out, w)
	s.i += 2
	return nil
}
