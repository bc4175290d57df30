package ruletext

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// natMapKeyWord reports whether w starts the key of a NAT map ("dnat to
// numgen inc mod 2 map { ... }", "dnat ip to ip daddr . tcp dport map
// @m") rather than an address.
func natMapKeyWord(w string) bool {
	switch w {
	case "numgen", "jhash", "symhash", "ip", "ip6", "tcp", "udp", "sctp", "dccp", "th", "ether", "meta", "iif", "oif", "iifname", "oifname":
		return true
	}
	return false
}

// natMap compiles what follows "snat|dnat [ip|ip6] [addr . port] to"
// when it is a map: "KEY map @m" or "KEY map { k : v, ... }", whose
// values are addresses ("10.0.0.1") or addresses and ports ("10.0.0.1 .
// 80"; ports says "addr . port" was given, which nft reads and does not
// list). As
// nft lays it out: the key into register 1 (a concatenation from there
// on, a number source's number), the lookup of its value into register 1
// (a port in the next 32-bit register), then the NAT from those.
func (s *state) natMap(n *expr.NAT, kind, fam string, ports bool) error {
	switch {
	case s.family == "inet" && fam == "":
		return fmt.Errorf("%s to ... map: in an inet table say %s ip to or %s ip6 to", kind, kind, kind)
	case s.family == "ip" && fam == "ip6", s.family == "ip6" && fam == "ip":
		return fmt.Errorf("%s %s to ... map: not an address of an %s table", kind, fam, s.family)
	case s.family != "ip" && s.family != "ip6" && s.family != "inet":
		return fmt.Errorf("%s: only in ip, ip6 and inet tables", kind)
	}
	if fam == "" {
		fam = s.family
	}
	addr := s.c.types.ByName("ipv4_addr")
	n.Family = 2
	if fam == "ip6" {
		addr, n.Family = s.c.types.ByName("ipv6_addr"), 10
	}
	var key KeyType
	if w := s.l.peek(); w == "numgen" || w == "jhash" || w == "symhash" {
		s.l.next()
		x, err := s.hashSource(w)
		if err != nil {
			return err
		}
		s.emit(x)
		key = KeyType{s.c.types.ByName("integer")}
	} else {
		ms, err := s.concatMembers()
		if err != nil {
			return fmt.Errorf("%s to ... map: key: %w", kind, err)
		}
		s.loadConcat(ms, 0)
		for _, m := range ms {
			key = append(key, m.typ)
		}
	}
	if err := s.l.expect("map"); err != nil {
		return fmt.Errorf("%s to %s: %w", kind, key, err)
	}
	lk := &expr.Lookup{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, IsMap: true}
	addrPort := KeyType{addr, s.c.types.ByName("inet_service")}
	var data KeyType
	switch t := s.l.next(); {
	case strings.HasPrefix(t, "@") && len(t) > 1:
		lk.Set = t[1:]
		var info *SetInfo
		if s.sets != nil {
			var err error
			if info, err = s.sets(lk.Set); err != nil {
				return fmt.Errorf("@%s: %w", lk.Set, err)
			}
		}
		switch {
		case ports:
			data = addrPort
		case info == nil:
			return fmt.Errorf("%s to ... map @%s: the map's type is not known here (whether it maps to ports too): neither this transaction nor the kernel has the map; say %s %s addr . port to ... if it does", kind, lk.Set, kind, fam)
		default:
			data = info.Data
			if data.String() != addr.Name && data.String() != addrPort.String() {
				data = KeyType{addr}
			}
		}
		if err := s.checkMap(lk.Set, key, data); err != nil {
			return err
		}
	case t == "{":
		s.l.pos--
		set, err := s.anonDataMap(key, KeyType{addr}, addrPort)
		if err != nil {
			return fmt.Errorf("%s to ... map: %w", kind, err)
		}
		data = set.Data
		if ports && len(data) != 2 {
			return fmt.Errorf("%s %s addr . port to ... map: the map's values are addresses only", kind, fam)
		}
		s.out.Sets = append(s.out.Sets, set)
		lk.Set, lk.SetID = "__map%d", uint32(len(s.out.Sets))
	default:
		return fmt.Errorf("%s to ... map: want @name or { key : value, ... }, got %q", kind, t)
	}
	if len(data) == 2 && s.l4 == 0 {
		return fmt.Errorf("%s to ... map: a map to ports needs a transport protocol match first (meta l4proto tcp, tcp dport ...), as nft wants", kind)
	}
	flags, err := s.natFlags(kind)
	if err != nil {
		return err
	}
	n.Flags |= flags
	s.emit(lk)
	n.RegAddrMin = expr.Reg1
	if len(data) == 2 {
		// the register after the address's: NFT_REG32_01 after an IPv4
		// address, NFT_REG_2 after an IPv6 one, as nft numbers them
		n.RegProtoMin = reg32First + 1
		if addr.Len == 16 {
			n.RegProtoMin = expr.Reg2
		}
	}
	s.emit(n)
	return nil
}

// anonDataMap reads "{ k : v, ... }" of key to values of one (or, with
// " . ", alt) of the data types; every value is of the same one.
func (s *state) anonDataMap(key, one, alt KeyType) (*AnonSet, error) {
	if err := s.l.expect("{"); err != nil {
		return nil, err
	}
	set := &AnonSet{Key: key}
	for {
		var k, v []string
		cur := &k
		for {
			t := s.l.next()
			if t == "" {
				return nil, fmt.Errorf("unterminated map")
			}
			if t == ":" && cur == &k {
				cur = &v
				continue
			}
			if t == "," || t == "}" {
				break
			}
			*cur = append(*cur, t)
		}
		s.l.pos--
		end := s.l.next() == "}"
		if len(k) == 0 && len(v) == 0 && end && len(set.Elements) > 0 {
			return set, nil
		}
		if len(k) == 0 || len(v) == 0 {
			return nil, fmt.Errorf("map element %q: want key : value", strings.Join(append(k, v...), " "))
		}
		data := one
		if len(v) > 1 {
			data = alt
		}
		if set.Data == nil {
			set.Data = data
		} else if set.Data.String() != data.String() {
			return nil, fmt.Errorf("map element %s : %s: a value of %s, the others are of %s", strings.Join(k, " "), strings.Join(v, " "), data, set.Data)
		}
		kb, err := key.Parse(strings.Join(k, " "))
		if err != nil {
			return nil, err
		}
		db, err := data.Parse(strings.Join(v, " "))
		if err != nil {
			return nil, err
		}
		set.Elements = append(set.Elements, Element{Key: kb, Data: db})
		if end {
			return set, nil
		}
	}
}

// natMap prints the lookup at s.at(k) of a key whose text the caller
// made, into the registers of the NAT after it: "dnat ip to KEY map
// @m", "... map { k : v }". False (nothing printed) when the expressions
// are not that.
func (s *pstate) natMap(keyText string, key KeyType, k int) bool {
	lk, ok1 := s.at(k).(*expr.Lookup)
	n, ok2 := s.at(k + 1).(*expr.NAT)
	if !ok1 || !ok2 || !lk.IsMap || lk.DestRegister == expr.RegVerdict || lk.Flags != 0 ||
		n.RegAddrMin != lk.DestRegister || (n.RegAddrMax != 0 && n.RegAddrMax != n.RegAddrMin) ||
		(n.Family != 2 && n.Family != 10) {
		return false
	}
	flags, ok := natFlagText(n.Flags) // false: a flag nft has no word for
	if !ok {
		return false
	}
	w, ok := natWord(n.Type)
	if !ok {
		return false
	}
	addr := s.p.types.ByName("ipv4_addr")
	fam := " ip"
	if n.Family == 10 {
		addr, fam = s.p.types.ByName("ipv6_addr"), " ip6"
	}
	data := KeyType{addr}
	if n.RegProtoMin != 0 {
		if reg32Index(n.RegProtoMin) != reg32Index(lk.DestRegister)+uint32(addr.Len/4) || n.RegProtoMin >= reg32First+16 ||
			(n.RegProtoMax != 0 && n.RegProtoMax != n.RegProtoMin) {
			return false
		}
		data = append(data, s.p.types.ByName("inet_service"))
	} else if n.RegProtoMax != 0 {
		return false
	}
	switch s.family {
	case "inet":
		w += fam
	case "ip", "ip6":
		if (s.family == "ip") != (n.Family == 2) {
			return false
		}
		if len(data) == 2 {
			w += fam // as nft prints a map to addresses and ports, in any table
		}
	default:
		return false
	}
	v := "@" + lk.Set
	if strings.HasPrefix(lk.Set, "__") {
		if s.sets == nil {
			return false
		}
		set := s.sets(lk.Set, lk.SetID)
		if set == nil || set.VerdictMap || set.Interval || set.Data.String() != data.String() || set.Key.String() != key.String() {
			return false
		}
		var ok bool
		if v, ok = formatDataMap(set); !ok {
			return false
		}
	}
	s.out = append(s.out, w+" to "+keyText+" map "+v+flags)
	return true
}

// formatDataMap prints a data map's elements as nft does, in key order:
// "{ 0 : 10.0.0.1, 1 : 10.0.0.2 }". False when an element is not of the
// map's types.
func formatDataMap(set *AnonSet) (string, bool) {
	if len(set.Elements) == 0 {
		return "", false
	}
	es := append([]Element(nil), set.Elements...)
	sort.SliceStable(es, func(i, j int) bool {
		if len(set.Key) == 1 {
			return lessValue(set.Key[0], es[i].Key, es[j].Key)
		}
		return string(es[i].Key) < string(es[j].Key)
	})
	parts := make([]string, len(es))
	for i, e := range es {
		if len(e.Key) != set.Key.Len() || len(e.Data) != set.Data.Len() || e.KeyEnd != nil {
			return "", false
		}
		parts[i] = set.Key.Format(e.Key) + " : " + set.Data.Format(e.Data)
	}
	return "{ " + strings.Join(parts, ", ") + " }", true
}
