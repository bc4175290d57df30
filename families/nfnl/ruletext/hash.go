package ruletext

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// numgenType names a kind of numgen (enum nft_ng_types); "" when nft
// has no name for it.
func numgenType(t uint32) string {
	switch t {
	case expr.NumgenIncremental:
		return "inc"
	case expr.NumgenRandom:
		return "random"
	}
	return ""
}

// hashSource compiles a number source after its first word (numgen,
// jhash or symhash): "numgen inc|random mod N [offset N]", "jhash KEY
// mod N [seed N] [offset N]", "symhash mod N [offset N]", and returns the
// expression that loads its number into register 1, for the caller to
// emit. A jhash's key (a concatenation of header fields and meta keys) is
// loaded first, from register 2 on, after its dependencies, as nft lays
// it out.
func (s *state) hashSource(word string) (expr.Expr, error) {
	switch word {
	case "numgen":
		ng := &expr.Numgen{DestRegister: expr.Reg1}
		switch t := s.l.next(); t {
		case "inc":
			ng.Type = expr.NumgenIncremental
		case "random":
			ng.Type = expr.NumgenRandom
		default:
			return nil, fmt.Errorf("numgen: unknown type %q (inc, random)", t)
		}
		var err error
		if ng.Modulus, ng.Offset, _, _, err = s.modulus("numgen", false); err != nil {
			return nil, err
		}
		return ng, nil
	case "symhash":
		h := &expr.Hash{DestRegister: expr.Reg1, Type: expr.HashSymmetric}
		var err error
		if h.Modulus, h.Offset, _, _, err = s.modulus("symhash", false); err != nil {
			return nil, err
		}
		return h, nil
	}
	h := &expr.Hash{SourceRegister: expr.Reg2, DestRegister: expr.Reg1, Type: expr.HashJenkins}
	if s.l.peek() == "mod" {
		return nil, fmt.Errorf("jhash: want what to hash (ip saddr, ip saddr . tcp dport, ...) before mod")
	}
	ms, err := s.concatMembers()
	if err != nil {
		return nil, fmt.Errorf("jhash: %w", err)
	}
	h.Len = s.loadConcat(ms, 4) * 4 // from register 2 on
	if len(ms) == 1 {
		h.Len = uint32(ms[0].typ.Len)
	}
	if h.Len > 48 {
		return nil, fmt.Errorf("jhash: the key has %d bytes, more than the 48 of the registers from 2 on", h.Len)
	}
	mod, off, seed, hasSeed, err := s.modulus("jhash", true)
	if err != nil {
		return nil, err
	}
	h.Modulus, h.Offset = mod, off
	if hasSeed {
		h.SetSeed(seed)
	}
	return h, nil
}

// modulus reads "mod N [seed N] [offset N]" (a seed if withSeed), as nft
// prints them.
func (s *state) modulus(what string, withSeed bool) (mod, offset, seed uint32, hasSeed bool, err error) {
	num := func(name string) (uint32, error) {
		t := s.l.next()
		v, err := strconv.ParseUint(t, 0, 32)
		if err != nil {
			return 0, fmt.Errorf("%s %s: want a number below 2^32, got %q", what, name, t)
		}
		return uint32(v), nil
	}
	if err = s.l.expect("mod"); err != nil {
		return 0, 0, 0, false, fmt.Errorf("%s: %w", what, err)
	}
	if mod, err = num("mod"); err != nil {
		return 0, 0, 0, false, err
	}
	if mod == 0 {
		return 0, 0, 0, false, fmt.Errorf("%s mod 0: the modulus is at least 1", what)
	}
	if withSeed && s.l.accept("seed") {
		if seed, err = num("seed"); err != nil {
			return 0, 0, 0, false, err
		}
		hasSeed = true
	}
	if s.l.accept("offset") {
		if offset, err = num("offset"); err != nil {
			return 0, 0, 0, false, err
		}
		if uint64(offset)+uint64(mod)-1 > 0xffffffff {
			return 0, 0, 0, false, fmt.Errorf("%s mod %d offset %d: the numbers pass 2^32", what, mod, offset)
		}
	}
	return mod, offset, seed, hasSeed, nil
}

// hashText prints a numgen or hash expression as nft does ("numgen inc
// mod 3 offset 100", "jhash KEY mod 4 seed 0xdeadbeef offset 10",
// "symhash mod 2"); key is a jhash's key text. False when nft would print
// it as another expression, or has no words for it.
func hashText(x expr.Expr, key string) (string, bool) {
	var w string
	var mod, off uint32
	switch x := x.(type) {
	case *expr.Numgen:
		if x.DestRegister == 0 || x.Modulus == 0 || numgenType(x.Type) == "" {
			return "", false
		}
		w, mod, off = "numgen "+numgenType(x.Type), x.Modulus, x.Offset
	case *expr.Hash:
		if x.DestRegister == 0 || x.Modulus == 0 {
			return "", false
		}
		switch x.Type {
		case expr.HashJenkins:
			if key == "" {
				return "", false
			}
			w = "jhash " + key
		case expr.HashSymmetric:
			if key != "" || x.SourceRegister != 0 || x.Len != 0 || x.SeedSet() {
				return "", false
			}
			w = "symhash"
		default:
			return "", false
		}
		mod, off = x.Modulus, x.Offset
		w += " mod " + strconv.FormatUint(uint64(mod), 10)
		if x.Type == expr.HashJenkins && x.SeedSet() {
			w += " seed 0x" + strconv.FormatUint(uint64(x.Seed), 16)
		}
		if off != 0 {
			w += " offset " + strconv.FormatUint(uint64(off), 10)
		}
		return w, true
	default:
		return "", false
	}
	w += " mod " + strconv.FormatUint(uint64(mod), 10)
	if off != 0 {
		w += " offset " + strconv.FormatUint(uint64(off), 10)
	}
	return w, true
}

// hashKey prints the number source at s.i on: a numgen, a symhash, or
// the loads of a jhash's key into consecutive registers from register 2
// and the jhash over them; then the match of its number. False when the
// expressions at s.i are not that.
func (s *pstate) hashKey() (bool, error) {
	k := 0
	var names []string
	words, firstLen := uint32(0), uint32(0)
	for ; ; k++ {
		reg := loadRegister(s.at(k))
		if reg == 0 || reg32Index(reg) != reg32Index(expr.Reg2)+words {
			break
		}
		if _, ok := s.at(k).(*expr.Numgen); ok {
			return false, nil
		}
		if _, ok := s.at(k).(*expr.Hash); ok {
			return false, nil
		}
		name, typ := s.loadName(s.at(k))
		if name == "" {
			return false, nil
		}
		if k == 0 {
			firstLen = uint32(typ.Len)
		}
		names = append(names, name)
		words += uint32(typ.Len+3) / 4
	}
	x := s.at(k)
	key := strings.Join(names, " . ")
	switch h := x.(type) {
	case *expr.Hash:
		if k > 0 && (h.Type != expr.HashJenkins || reg32Index(h.SourceRegister) != reg32Index(expr.Reg2) ||
			(k == 1 && h.Len != firstLen) || (k > 1 && h.Len != words*4)) {
			return false, nil
		}
		if k == 0 && h.Type == expr.HashJenkins {
			return false, nil
		}
	case *expr.Numgen:
		if k > 0 {
			return false, nil
		}
	default:
		return false, nil
	}
	w, ok := hashText(x, key)
	if !ok {
		return false, nil
	}
	s.i += k
	return true, s.relational(w, s.p.types.ByName("integer"), loadRegister(x), 0)
}
