package ruletext

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// Printer turns a rule's expressions back into the text `nft list
// ruleset` prints for it.
type Printer struct {
	types    *Types
	headers  []header
	xheaders []xheader
	meta     []metaKey
	ct       []ctKey
	resolver Resolver
	reg      *expr.Registry // decodes the statements of a dynset
}

// NewPrinter returns a printer; r names interfaces for iif/oif (nil:
// indexes are printed as numbers).
func NewPrinter(r Resolver) *Printer { return NewPrinterWith(NewTypes(), r) }

// NewPrinterWith is NewPrinter over the datatype table types, which a
// caller shares with its compiler.
func NewPrinterWith(types *Types, r Resolver) *Printer {
	return &Printer{types: types, headers: headers(), xheaders: xheaders(), meta: metaKeys(), ct: ctKeys(), resolver: r, reg: expr.NewRegistry()}
}

// SetLookup returns the contents of a set a rule refers to, by name; nil
// when unknown (named sets print as @name without it).
type SetLookup func(name string, id uint32) *AnonSet

// ErrNotPrintable reports expressions the printer has no text for; the
// rule is then only available as expressions.
var ErrNotPrintable = fmt.Errorf("rule has expressions with no rule text")

type pstate struct {
	p      *Printer
	family string
	xs     []expr.Expr
	i      int
	out    []string
	nfp    uint8
	l4     uint8
	imm    map[uint32][]byte
	sets   SetLookup
	// the message types an icmp or icmpv6 header (typeHdr) is known to
	// have, from a type match printed or implied (state.typeSeen)
	typeHdr  string
	typeSeen []uint8
}

// Print prints the rule. comment, if not empty, is appended as nft does.
func (p *Printer) Print(family string, xs []expr.Expr, comment string, sets SetLookup) (string, error) {
	s := &pstate{p: p, family: family, xs: xs, imm: map[uint32][]byte{}, sets: sets}
	if family == "ip" {
		s.nfp = 2
	} else if family == "ip6" {
		s.nfp = 10
	}
	for s.i < len(xs) {
		if err := s.one(); err != nil {
			return "", err
		}
	}
	if comment != "" {
		s.out = append(s.out, "comment "+quote(comment))
	}
	return strings.Join(s.out, " "), nil
}

func (s *pstate) at(k int) expr.Expr {
	if s.i+k < len(s.xs) {
		return s.xs[s.i+k]
	}
	return nil
}

func (s *pstate) fail() error {
	return fmt.Errorf("%w: %s at expression %d", ErrNotPrintable, s.xs[s.i].Kind(), s.i)
}

// depConsumed reports whether a meta nfproto match is implied by a later
// expression, so nft does not print it.
func (s *pstate) nfprotoConsumed() bool {
	for _, x := range s.xs[s.i+2:] {
		switch v := x.(type) {
		case *expr.Payload:
			if v.Base == expr.PayloadNetwork && (v.DestRegister != 0 || v.SourceRegister != 0) {
				return true
			}
		case *expr.Cmp:
			// icmp/icmpv6 over meta l4proto
			if len(v.Data) == 1 && (v.Data[0] == 1 || v.Data[0] == 58) {
				return true
			}
		case *expr.Reject:
			if v.Type == expr.RejectICMPUnreach {
				return true
			}
		case *expr.Exthdr:
			if v.Op == expr.ExthdrIPv6 || v.Op == expr.ExthdrIPv4 {
				return true
			}
		}
	}
	return false
}

// etherTypeDep skips, in a bridge table, the Ethernet type compared
// before icmp or icmpv6 ("ether type ip" then "meta l4proto icmp"), or
// before an IPv4 option or IPv6 extension header, their dependency, which nft does not print; false when the load at
// s.i is not that.
func (s *pstate) etherTypeDep(x *expr.Payload) bool {
	if s.family != "bridge" || x.Base != expr.PayloadLL || x.Offset != 12 || x.Len != 2 {
		return false
	}
	c, ok1 := s.at(1).(*expr.Cmp)
	if ok1 && c.Op == expr.CmpEq && c.SourceRegister == x.DestRegister {
		// before an IPv4 option or IPv6 extension header of its protocol,
		// which nft puts first in the rule
		p := nfprotoOfEtherType(c.Data)
		for _, y := range s.xs[s.i+2:] {
			if xh, ok := y.(*expr.Exthdr); ok && xh.DestRegister != 0 &&
				((p == 2 && xh.Op == expr.ExthdrIPv4) || (p == 10 && xh.Op == expr.ExthdrIPv6)) {
				s.nfp, s.i = p, s.i+2
				return true
			}
		}
	}
	m, ok2 := s.at(2).(*expr.Meta)
	l4, ok3 := s.at(3).(*expr.Cmp)
	if !ok1 || !ok2 || !ok3 || c.Op != expr.CmpEq || c.SourceRegister != x.DestRegister || m.Key != expr.MetaL4proto ||
		l4.SourceRegister != m.DestRegister || l4.Op != expr.CmpEq || len(l4.Data) != 1 {
		return false
	}
	p := nfprotoOfEtherType(c.Data)
	if p == 0 || (p == 2) != (l4.Data[0] == 1) || (p == 10) != (l4.Data[0] == 58) || !s.transportLoadAhead(4) {
		return false
	}
	s.nfp, s.i = p, s.i+2
	return true
}

// keyName returns how nft names a meta or ct load or set: "meta mark",
// "ct mark", "iifname"; its datatype; "" when it has no name here.
func (s *pstate) keyName(x expr.Expr) (string, *Type) {
	switch x := x.(type) {
	case *expr.Meta:
		for _, m := range s.p.meta {
			if m.key == x.Key {
				if m.bare {
					return m.name, s.p.types.ByName(m.typ)
				}
				return "meta " + m.name, s.p.types.ByName(m.typ)
			}
		}
	case *expr.Ct:
		if x.DirectionSet() {
			for _, k := range ctTupleKeys() {
				if k.key == x.Key && int(x.Direction) < len(ctDirs) {
					return "ct " + ctDirs[x.Direction] + " " + k.name, s.p.types.ByName(k.typ)
				}
			}
			return "", nil
		}
		for _, k := range s.p.ct {
			if k.key == x.Key {
				return "ct " + k.name, s.p.types.ByName(k.typ)
			}
		}
	}
	return "", nil
}

// loadRegister returns the register a payload, meta or ct load fills; 0
// when x is none.
func loadRegister(x expr.Expr) uint32 {
	switch x := x.(type) {
	case *expr.Payload:
		return x.DestRegister
	case *expr.Meta:
		return x.DestRegister
	case *expr.Ct:
		return x.DestRegister
	case *expr.Numgen:
		return x.DestRegister
	case *expr.Hash:
		return x.DestRegister
	}
	return 0
}

// setSource returns the register a meta or ct set reads; false when x is
// no set.
func setSource(x expr.Expr) (uint32, bool) {
	switch x := x.(type) {
	case *expr.Meta:
		return x.SourceRegister, x.DestRegister == 0
	case *expr.Ct:
		return x.SourceRegister, x.DestRegister == 0
	}
	return 0, false
}

// setFrom prints a meta or ct set at s.i+k whose register the load at
// s.i (k 1) or an immediate (k 0) filled: "meta mark set ct mark",
// "ct mark set 0x00000001". False when s.at(k) is no such set.
func (s *pstate) setFrom(k int, reg uint32, value func(*Type) string) bool {
	src, ok := setSource(s.at(k))
	name, typ := s.keyName(s.at(k))
	if !ok || src == 0 || src != reg || name == "" {
		return false
	}
	v := value(typ)
	if v == "" {
		return false
	}
	s.out = append(s.out, name+" set "+v)
	s.i += k
	return true
}

func (s *pstate) one() error {
	if src, ok := setSource(s.at(0)); ok {
		// a set from a register an immediate filled
		if s.setFrom(0, src, func(t *Type) string {
			if b, ok := s.imm[src]; ok && len(b) == t.Len {
				return t.Format(b)
			}
			return ""
		}) {
			s.i++
			return nil
		}
		return s.fail()
	}
	if ok, err := s.hashKey(); ok {
		return err
	}
	if s.concatLookup() {
		return nil
	}
	if ok, err := s.dynset(); ok {
		return err
	}
	if ok, err := s.dupFwd(); ok {
		return err
	}
	if s.payloadSetAt() {
		return nil
	}
	// a load whose register a set reads: "ct mark set meta mark"
	if name, typ := s.keyName(s.at(0)); name != "" {
		if b, ok := s.at(1).(*expr.Bitwise); ok && b.SourceRegister == loadRegister(s.at(0)) {
			// "ct mark set meta mark & 0xffff0000"
			if op, ok := markOpText(b, typ); ok && s.setFrom(2, b.DestRegister, func(t *Type) string {
				if t != typ {
					return ""
				}
				return name + op
			}) {
				s.i++
				return nil
			}
		}
		if s.setFrom(1, loadRegister(s.at(0)), func(t *Type) string {
			if t != typ {
				return ""
			}
			return name
		}) {
			s.i++
			return nil
		}
	}
	switch x := s.at(0).(type) {
	case *expr.Meta:
		if x.DestRegister == 0 {
			return s.fail()
		}
		if c, ok := s.at(1).(*expr.Cmp); ok && x.Key == expr.MetaIiftype && c.Op == expr.CmpEq && c.SourceRegister == x.DestRegister &&
			len(c.Data) == 2 && c.Data[0] == arphrdEther && c.Data[1] == 0 && s.family != "bridge" {
			// "meta iiftype ether", the dependency of a link-layer
			// header load after it, which nft does not print
			if pl, ok := s.at(2).(*expr.Payload); ok && pl.Base == expr.PayloadLL && pl.DestRegister != 0 {
				s.i += 2
				return nil
			}
		}
		if c, ok := s.at(1).(*expr.Cmp); ok && x.Key == expr.MetaProtocol && (s.family == "bridge" || s.family == "netdev") &&
			c.Op == expr.CmpEq && c.SourceRegister == x.DestRegister {
			// "meta protocol ip", the dependency of a network header
			// (or icmp) after it in these families, which nft does not
			// print
			if p := nfprotoOfEtherType(c.Data); p != 0 && s.nfprotoConsumed() {
				s.nfp, s.i = p, s.i+2
				return nil
			}
		}
		if c, ok := s.at(1).(*expr.Cmp); ok && c.Op == expr.CmpEq && len(c.Data) == 1 && c.SourceRegister == x.DestRegister {
			switch x.Key {
			case expr.MetaNfproto:
				if s.family != "ip" && s.family != "ip6" && s.nfprotoConsumed() {
					s.nfp, s.i = c.Data[0], s.i+2
					return nil
				}
			case expr.MetaL4proto:
				// the dependency of a header nft names by its protocol
				// (tcp, udp, ...), which it does not print; "th" names
				// none, so the match stays
				if s.transportLoadAhead(2) && s.p.hasL4Header(c.Data[0]) {
					s.l4, s.i = c.Data[0], s.i+2
					return nil
				}
				s.l4 = c.Data[0]
			}
		}
		if x.Key == metaSecpath {
			return s.ipsec(x)
		}
		if x.Key == expr.MetaTimeNs && !s.wholeSeconds() {
			return s.fail() // nft would print the time without its fraction
		}
		for _, m := range s.p.meta {
			if m.key == x.Key {
				name := "meta " + m.name
				if m.bare {
					name = m.name
				}
				return s.relational(name, s.p.types.ByName(m.typ), x.DestRegister, 0)
			}
		}
		return s.fail()
	case *expr.Ct:
		if x.DestRegister == 0 {
			return s.fail()
		}
		if name, typ := s.keyName(x); name != "" {
			return s.relational(name, typ, x.DestRegister, 0)
		}
		return s.fail()
	case *expr.Payload:
		if x.DestRegister == 0 {
			return s.fail()
		}
		if s.etherTypeDep(x) {
			return nil
		}
		for _, h := range s.p.headers {
			if h.base != x.Base || (h.nfp != 0 && h.nfp != s.nfp && h.l4 == 0) || (h.l4 != 0 && h.l4 != s.l4) {
				continue
			}
			if s.mergedPayload(&h, x) {
				return nil
			}
			if s.impliedType(&h, x) {
				return nil
			}
			for _, f := range h.fields {
				if !s.fits(&h, &f) {
					continue
				}
				if f.shift != 0 && f.offset == x.Offset && x.Len == f.len {
					if s.shifted(h.name+" "+f.name, &f, x.DestRegister) {
						return nil
					}
					continue
				}
				if f.offset == x.Offset && x.Len <= f.len {
					prefix := 0
					typ := s.p.types.ByName(f.typ)
					if x.Len < f.len {
						if typ.ID != TypeIPAddr && typ.ID != TypeIP6Addr {
							continue // part of a number: no prefix nft would print
						}
						prefix = int(x.Len) * 8
					}
					if tf := typeField(&h); tf != nil && tf.offset == f.offset && x.Len == tf.len {
						// a type match, which later fields of the header
						// depend on
						start := s.i
						err := s.relational(h.name+" "+f.name, typ, x.DestRegister, prefix)
						if err == nil {
							s.typeHdr, s.typeSeen = h.name, s.printedTypes(start)
						}
						return err
					}
					if c, ok := s.at(1).(*expr.Cmp); ok && h.base == expr.PayloadNetwork && typ.Name == "inet_proto" &&
						prefix == 0 && c.Op == expr.CmpEq && len(c.Data) == 1 {
						// the dependency of what follows on that protocol's header
						s.l4 = c.Data[0]
					}
					return s.relational(h.name+" "+f.name, typ, x.DestRegister, prefix)
				}
			}
		}
		return s.fail()
	case *expr.Socket:
		for _, sk := range socketKeys() {
			if sk.key == x.Key && x.DestRegister != 0 && x.Level == 0 {
				return s.relational("socket "+sk.name, s.p.types.ByName(sk.typ), x.DestRegister, 0)
			}
		}
		return s.fail()
	case *expr.Osf:
		if w, ok := osfText(x); ok && x.DestRegister != 0 {
			return s.relational(w, s.p.types.ByName("osf_name"), x.DestRegister, 0)
		}
		return s.fail()
	case *expr.Fib:
		return s.fib(x)
	case *expr.Exthdr:
		return s.exthdr(x)
	case *expr.Rt:
		// "rt mtu" turned to network order, written to the MSS option
		bo, ok1 := s.at(1).(*expr.Byteorder)
		w, ok2 := s.at(2).(*expr.Exthdr)
		if x.Key != expr.RtTCPMSS || x.DestRegister == 0 || !ok1 || !ok2 || !isMaxseg(w) ||
			bo.Op != expr.ByteorderHton || bo.Len != 2 || bo.Size != 2 || bo.SourceRegister != x.DestRegister ||
			bo.DestRegister != x.DestRegister || w.SourceRegister != x.DestRegister || w.DestRegister != 0 {
			return s.fail()
		}
		s.out = append(s.out, "tcp option maxseg size set rt mtu")
		s.i += 2
	case *expr.Connlimit:
		w := "ct count "
		switch x.Flags {
		case 0:
		case expr.ConnlimitInvert:
			w += "over "
		default:
			return s.fail()
		}
		s.out = append(s.out, w+strconv.FormatUint(uint64(x.Count), 10))
	case *expr.Counter:
		s.out = append(s.out, fmt.Sprintf("counter packets %d bytes %d", x.Packets, x.Bytes))
	case *expr.Log:
		w, ok := logText(x)
		if !ok {
			return s.fail()
		}
		s.out = append(s.out, w)
	case *expr.Limit:
		w, ok := limitText(x)
		if !ok {
			return s.fail()
		}
		s.out = append(s.out, w)
	case *expr.Quota:
		// the kernel adds NFT_QUOTA_F_DEPLETED (2) once the quota is
		// used up: state, not part of the rule, as nft reads it
		if x.Flags&^(expr.QuotaInvert|quotaDepleted) != 0 {
			return s.fail()
		}
		w := "quota "
		if x.Flags&expr.QuotaInvert != 0 {
			w += "over "
		}
		w += byteAmount(x.Bytes)
		if x.Consumed != 0 {
			w += " used " + byteAmount(x.Consumed)
		}
		s.out = append(s.out, w)
	case *expr.Immediate:
		if x.Verdict != nil && (x.Verdict.Code == expr.VerdictQueue || x.DestRegister != expr.RegVerdict) {
			// nft prints it "queue", which it reads as the queue
			// statement ("queue to 0"): another rule
			return s.fail()
		}
		if x.Verdict != nil {
			s.out = append(s.out, x.Verdict.String())
		} else {
			if x.DestRegister == expr.RegVerdict || !readsRegisters(s.at(1), x.DestRegister) {
				// nothing reads the value: it would print as nothing
				return s.fail()
			}
			s.imm[x.DestRegister] = x.Data
		}
	case *expr.Reject:
		s.out = append(s.out, s.reject(x))
	case *expr.Masq:
		fl, ok := natFlagText(x.Flags)
		if !ok {
			return s.fail() // no words for a flag: not another rule
		}
		s.out = append(s.out, "masquerade"+s.ports(x.RegProtoMin, x.RegProtoMax, " to :")+fl)
	case *expr.Redir:
		fl, ok := natFlagText(x.Flags)
		if !ok {
			return s.fail()
		}
		s.out = append(s.out, "redirect"+s.ports(x.RegProtoMin, x.RegProtoMax, " to :")+fl)
	case *expr.NAT:
		w, err := s.nat(x)
		if err != nil {
			return err
		}
		s.out = append(s.out, w)
	case *expr.Notrack:
		s.out = append(s.out, "notrack")
	case *expr.Queue:
		w, ok := queueText(x)
		if !ok {
			return s.fail()
		}
		s.out = append(s.out, w)
	case *expr.FlowOffload:
		if x.Table == "" || strings.ContainsAny(x.Table, " \t\n{},\"") {
			return s.fail()
		}
		s.out = append(s.out, "flow add @"+x.Table)
	case *expr.Objref:
		w, ok := objrefText(x)
		if !ok {
			return s.fail()
		}
		s.out = append(s.out, w)
	case *expr.Synproxy:
		w, ok := synproxyText(x)
		if !ok {
			return s.fail()
		}
		s.out = append(s.out, w)
	default:
		return s.fail()
	}
	s.i++
	return nil
}

// readsRegisters reports whether x is an expression that reads a value
// an immediate before it put in a register: a meta, ct or header write,
// a NAT statement, dup, fwd, or the immediate of the same statement
// that fills the register after reg.
func readsRegisters(x expr.Expr, reg uint32) bool {
	switch x := x.(type) {
	case *expr.Meta:
		return x.SourceRegister != 0
	case *expr.Ct:
		return x.SourceRegister != 0
	case *expr.Payload:
		return x.SourceRegister != 0
	case *expr.Exthdr:
		return x.SourceRegister != 0
	case *expr.Immediate:
		return x.Verdict == nil && x.DestRegister == reg+1
	case *expr.NAT, *expr.Masq, *expr.Redir, *expr.Dup, *expr.Fwd:
		return true
	}
	return false
}

// natPlainFlags are the NF_NAT_RANGE_* flags that follow from a NAT
// statement's addresses and ports (MAP_IPS, PROTO_SPECIFIED), which nft
// prints no word for.
const natPlainFlags = expr.NATRangeMapIPs | expr.NATRangeProtoSpecified

// natFlagText prints a NAT statement's flags as nft does, " random",
// " random,fully-random,persistent", "" for none; false when flags hold
// one with no word (PROTO_OFFSET, NETMAP, unknown bits).
func natFlagText(flags uint32) (string, bool) {
	var names []string
	rest := flags &^ natPlainFlags
	for _, f := range natFlagNames {
		if rest&f.bit != 0 {
			names = append(names, f.name)
			rest &^= f.bit
		}
	}
	if rest != 0 {
		return "", false
	}
	if len(names) == 0 {
		return "", true
	}
	return " " + strings.Join(names, ","), true
}

// quotaDepleted is NFT_QUOTA_F_DEPLETED, which the kernel reports for a
// used-up quota.
const quotaDepleted = 2

// byteAmount prints n bytes as nft does, in the largest unit (bytes,
// kbytes, mbytes) that divides it: "1536 bytes", "2 mbytes".
func byteAmount(n uint64) string {
	i := 0
	for n != 0 && n%1024 == 0 && i < len(byteUnits)-1 {
		n /= 1024
		i++
	}
	return strconv.FormatUint(n, 10) + " " + byteUnits[i]
}

// logText prints a log statement as nft does; false when it holds
// something nft has no words for, or would print as another rule.
func logText(x *expr.Log) (string, bool) {
	w := "log"
	if x.PrefixSet() {
		w += " prefix " + quote(x.Prefix)
	}
	if x.GroupSet() {
		// nflog; the kernel takes no level or flags with a group
		if x.LevelSet() || x.Flags != 0 {
			return "", false
		}
		w += " group " + strconv.FormatUint(uint64(x.Group), 10)
		if x.SnaplenSet() {
			w += " snaplen " + strconv.FormatUint(uint64(x.Snaplen), 10)
		}
		if x.QThreshold != 0 {
			w += " queue-threshold " + strconv.FormatUint(uint64(x.QThreshold), 10)
		}
		return w, true
	}
	if x.SnaplenSet() || x.QThreshold != 0 {
		return "", false // nflog's, without a group
	}
	if x.LevelSet() && x.Level != 4 {
		if int(x.Level) >= len(logLevels) {
			return "", false
		}
		w += " level " + logLevels[x.Level]
	}
	if x.Flags&^expr.LogFlagsAll != 0 {
		return "", false
	}
	if x.Flags == expr.LogFlagsAll {
		return w + " flags all", true
	}
	if tcp := x.Flags & (expr.LogTCPSeq | expr.LogTCPOpt); tcp != 0 {
		var names []string
		if tcp&expr.LogTCPSeq != 0 {
			names = append(names, "sequence")
		}
		if tcp&expr.LogTCPOpt != 0 {
			names = append(names, "options")
		}
		w += " flags tcp " + strings.Join(names, ",")
	}
	if x.Flags&expr.LogIPOpt != 0 {
		w += " flags ip options"
	}
	if x.Flags&expr.LogUID != 0 {
		w += " flags skuid"
	}
	if x.Flags&expr.LogMACDecode != 0 {
		w += " flags ether"
	}
	return w, true
}

// limitText prints a limit statement as nft does: a packet limit's burst
// when not nft's 5, a byte limit's when not 0, byte amounts in the
// largest unit that divides them; false for a unit, type or flag nft
// has no words for.
func limitText(x *expr.Limit) (string, bool) {
	unit := ""
	for n, u := range rateUnits {
		if u == x.Unit {
			unit = n
		}
	}
	if unit == "" || x.Flags&^expr.LimitInvert != 0 {
		return "", false
	}
	w := "limit rate "
	if x.Flags&expr.LimitInvert != 0 {
		w += "over "
	}
	switch x.Type {
	case expr.LimitPackets:
		w += fmt.Sprintf("%d/%s", x.Rate, unit)
		if x.Burst != 5 && x.Burst != 0 {
			w += fmt.Sprintf(" burst %d packets", x.Burst)
		}
	case expr.LimitBytes:
		w += byteAmount(x.Rate) + "/" + unit
		if x.Burst != 0 {
			w += " burst " + byteAmount(uint64(x.Burst))
		}
	default:
		return "", false
	}
	return w, true
}

// fits reports whether field f of h is one the rule's type match allows
// (icmp id after a match of the echo types); a field of every type
// always is.
func (s *pstate) fits(h *header, f *hfield) bool {
	if f.types == nil {
		return true
	}
	if s.typeHdr != h.name || len(s.typeSeen) == 0 {
		return false
	}
	for _, t := range s.typeSeen {
		if !slices.Contains(f.types, t) {
			return false
		}
	}
	return true
}

// printedTypes returns the message types the type match printed from
// s.xs[start] on allows (state.matchedTypes).
func (s *pstate) printedTypes(start int) []uint8 {
	if s.i != start+2 {
		return nil
	}
	switch x := s.xs[start+1].(type) {
	case *expr.Cmp:
		if x.Op == expr.CmpEq && len(x.Data) == 1 {
			return []uint8{x.Data[0]}
		}
	case *expr.Lookup:
		if x.Flags != 0 || x.IsMap || s.sets == nil || !strings.HasPrefix(x.Set, "__set") {
			return nil
		}
		return setTypes(s.sets(x.Set, x.SetID))
	}
	return nil
}

// impliedType skips the type match nft adds for a field of one message
// type and does not print ("icmpv6 mtu 1280" matches icmpv6 type
// packet-too-big first): a comparison of the type with that value, then
// a load of such a field. False when the load at s.i is not that.
func (s *pstate) impliedType(h *header, x *expr.Payload) bool {
	tf := typeField(h)
	if tf == nil || x.Offset != tf.offset || x.Len != tf.len {
		return false
	}
	c, ok1 := s.at(1).(*expr.Cmp)
	next, ok2 := s.at(2).(*expr.Payload)
	if !ok1 || !ok2 || c.Op != expr.CmpEq || c.SourceRegister != x.DestRegister || len(c.Data) != 1 ||
		next.Base != h.base || next.DestRegister == 0 {
		return false
	}
	for _, f := range h.fields {
		if f.offset == next.Offset && f.len == next.Len && len(f.types) == 1 && f.types[0] == c.Data[0] {
			s.typeHdr, s.typeSeen = h.name, []uint8{c.Data[0]}
			s.i += 2
			return true
		}
	}
	return false
}

// hasL4Header reports whether a header of the printer is the transport
// header of IP protocol p (tcp, udp, icmp, icmpv6).
func (p *Printer) hasL4Header(proto uint8) bool {
	for _, h := range p.headers {
		if h.l4 == proto {
			return true
		}
	}
	return false
}

// transportLoadAhead reports whether the loads from s.i+k on (a
// concatenation's, or one) include a transport header's: the meta
// l4proto match before them is its dependency, which nft does not print.
func (s *pstate) transportLoadAhead(k int) bool {
	for ; ; k++ {
		switch x := s.at(k).(type) {
		case *expr.Payload:
			if x.Base == expr.PayloadTransport {
				return true // a load, or a write ("tcp dport set 8080")
			}
			if x.DestRegister == 0 {
				return false
			}
		case *expr.Immediate:
			// the value a header field's set writes
			if p, ok := s.at(k + 1).(*expr.Payload); x.Verdict != nil || !ok || p.SourceRegister == 0 {
				return false
			}
		case *expr.Meta:
			if x.DestRegister == 0 {
				return false
			}
			if c, ok := s.at(k + 1).(*expr.Cmp); ok && x.Key == expr.MetaNfproto && c.SourceRegister == x.DestRegister {
				k++ // the dependency of a network header after it ("tcp dport . ip saddr")
			}
		default:
			return false
		}
	}
}

// loadName names the load x as rule text does ("ip saddr", "meta mark"),
// with its datatype; "" when it has no name or loads part of a field.
func (s *pstate) loadName(x expr.Expr) (string, *Type) {
	switch x := x.(type) {
	case *expr.Payload:
		for _, h := range s.p.headers {
			if h.base != x.Base || (h.nfp != 0 && h.nfp != s.nfp && h.l4 == 0) || (h.l4 != 0 && h.l4 != s.l4) {
				continue
			}
			for _, f := range h.fields {
				if f.offset == x.Offset && f.len == x.Len && !f.bits && s.fits(&h, &f) {
					return h.name + " " + f.name, s.p.types.ByName(f.typ)
				}
			}
		}
	case *expr.Meta:
		return s.keyName(x)
	}
	return "", nil
}

// concatLookup prints loads into consecutive 32-bit registers that a
// set lookup reads as one key: "ip saddr . tcp dport @pairs". False when
// the expressions at s.i are not that.
func (s *pstate) concatLookup() bool {
	var names []string
	var key KeyType
	words := uint32(0)
	k := 0
	for ; ; k++ {
		reg := loadRegister(s.at(k))
		if reg == 0 || reg32Index(reg) != reg32Index(reg32First)+words {
			break
		}
		name, typ := s.loadName(s.at(k))
		if name == "" {
			return false
		}
		names, key = append(names, name), append(key, typ)
		words += uint32(typ.Len+3) / 4
	}
	if o, ok := s.at(k).(*expr.Objref); ok && k >= 2 {
		// "counter name ip saddr . tcp dport map @m"
		t, ok := s.objrefMapText(strings.Join(names, " . "), key, expr.Reg1, o)
		if ok {
			s.out = append(s.out, t)
			s.i += k + 1
		}
		return ok
	}
	lk, ok := s.at(k).(*expr.Lookup)
	if k < 2 || !ok || reg32Index(lk.SourceRegister) != reg32Index(reg32First) {
		return false
	}
	if lk.IsMap && lk.DestRegister != expr.RegVerdict {
		// "dnat ip to ip daddr . tcp dport map @m"
		if s.natMap(strings.Join(names, " . "), key, k) {
			s.i += k + 2
			return true
		}
		return false
	}
	if lk.IsMap && lk.Flags != 0 {
		return false
	}
	v := "@" + lk.Set
	if strings.HasPrefix(lk.Set, "__") && s.sets != nil {
		if set := s.sets(lk.Set, lk.SetID); set != nil && len(set.Key) == len(key) && set.VerdictMap == lk.IsMap {
			v = FormatKeyElements(set.Key, set.Elements, set.Interval)
		} else if set != nil {
			return false
		}
	}
	op := ""
	if lk.IsMap {
		op = "vmap "
	} else if lk.Flags&expr.LookupInvert != 0 {
		op = "!= "
	}
	s.out = append(s.out, strings.Join(names, " . ")+" "+op+v)
	s.i += k + 1
	return true
}

// reg32Index maps a register number to the 32-bit word it starts at:
// NFT_REG_1..4 are words 0, 4, 8, 12, NFT_REG32_00.. words 0, 1, ... The
// kernel dumps a member loaded at a 128-bit boundary by its 128-bit
// number (NFT_REG32_04 comes back as NFT_REG_2).
func reg32Index(reg uint32) uint32 {
	if reg < reg32First {
		return (reg - 1) * 4
	}
	return reg - reg32First
}

// FormatKeyElements prints the elements of a set of key k (a
// concatenation) as nft does: "{ a . b, c . d }", in key order, or, for
// an interval set (ranges in members: "{ 10.0.0.0/8 . 80-90 }"), in the
// order the kernel holds them.
func FormatKeyElements(k KeyType, es []Element, interval bool) string {
	if len(k) == 1 {
		return FormatElements(k[0], es)
	}
	sorted := append([]Element(nil), es...)
	if !interval {
		sort.SliceStable(sorted, func(i, j int) bool { return bytes.Compare(sorted[i].Key, sorted[j].Key) < 0 })
	}
	parts := make([]string, len(sorted))
	for i, e := range sorted {
		parts[i] = k.FormatConcat(e.Key, e.KeyEnd)
		if e.Verdict != nil {
			parts[i] += " : " + e.Verdict.String()
		}
		if e.Object != "" {
			parts[i] += " : " + quote(e.Object)
		}
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// mergedPayload prints one load of adjacent fields of h compared in one
// go, as nft merges "tcp sport 1000 tcp dport 22": "h f1 v1 h f2 v2".
// False when the load at s.i is not that.
func (s *pstate) mergedPayload(h *header, x *expr.Payload) bool {
	c, ok := s.at(1).(*expr.Cmp)
	if !ok || c.Op != expr.CmpEq || c.SourceRegister != x.DestRegister || uint32(len(c.Data)) != x.Len {
		return false
	}
	var parts []string
	off := x.Offset
	for off < x.Offset+x.Len {
		var f *hfield
		for i := range h.fields {
			if h.fields[i].offset == off && !h.fields[i].bits && s.fits(h, &h.fields[i]) {
				f = &h.fields[i]
			}
		}
		if f == nil || off+f.len > x.Offset+x.Len {
			return false
		}
		typ := s.p.types.ByName(f.typ)
		if typ.Len != int(f.len) {
			return false
		}
		parts = append(parts, h.name+" "+f.name+" "+s.value(typ, c.Data[off-x.Offset:off-x.Offset+f.len]))
		off += f.len
	}
	if len(parts) < 2 {
		return false
	}
	if tf := typeField(h); tf != nil && tf.offset == x.Offset {
		// "icmp type destination-unreachable icmp code port-unreachable"
		s.typeHdr, s.typeSeen = h.name, []uint8{c.Data[0]}
	}
	s.out = append(s.out, parts...)
	s.i += 2
	return true
}

// shifted prints a load of a field narrower than its byte (shiftedMatch):
// the byte masked, then a comparison or a lookup of shifted values.
// False when the expressions after the load are not that.
func (s *pstate) shifted(name string, f *hfield, reg uint32) bool {
	mask := f.fieldMask()
	bw, ok := s.at(1).(*expr.Bitwise)
	if !ok || bw.SourceRegister != reg || bw.DestRegister != reg || len(bw.Mask) != 1 || bw.Mask[0] != mask || !isZero(bw.Xor) {
		return false
	}
	typ := s.p.types.ByName(f.typ)
	unshift := func(b []byte) ([]byte, bool) {
		if len(b) != 1 || b[0]&^mask != 0 {
			return nil, false
		}
		return []byte{b[0] >> f.shift}, true
	}
	switch c := s.at(2).(type) {
	case *expr.Cmp:
		v, ok := unshift(c.Data)
		if !ok || c.SourceRegister != reg || (c.Op != expr.CmpEq && c.Op != expr.CmpNeq) {
			return false
		}
		s.out = append(s.out, name+" "+opNames[c.Op]+typ.Format(v))
	case *expr.Lookup:
		if c.SourceRegister != reg || c.IsMap || !strings.HasPrefix(c.Set, "__set") || s.sets == nil {
			return false
		}
		set := s.sets(c.Set, c.SetID)
		if set == nil || set.Interval {
			return false
		}
		es := make([]Element, len(set.Elements))
		for i, e := range set.Elements {
			v, ok := unshift(e.Key)
			if !ok {
				return false
			}
			es[i] = Element{Key: v}
		}
		op := ""
		if c.Flags&expr.LookupInvert != 0 {
			op = "!= "
		}
		s.out = append(s.out, name+" "+op+FormatElements(typ, es))
	default:
		return false
	}
	s.i += 3
	return true
}

// isMaxseg reports whether x reads or writes the TCP MSS option's size
// (tcpMaxseg), as nlsh and nft lay it out.
func isMaxseg(x *expr.Exthdr) bool {
	return x.Type == tcpMaxseg.Type && x.Offset == tcpMaxseg.Offset && x.Len == tcpMaxseg.Len &&
		x.Op == tcpMaxseg.Op && x.Flags == 0
}

// tcpOption prints a load of the MSS option's size and its match, or a
// write of it from an immediate ("... set 1400").
func (s *pstate) tcpOption(x *expr.Exthdr) error {
	if !isMaxseg(x) {
		return s.fail()
	}
	typ := s.p.types.ByName("integer16")
	if x.DestRegister != 0 && x.SourceRegister == 0 {
		return s.relational("tcp option maxseg size", typ, x.DestRegister, 0)
	}
	b, ok := s.imm[x.SourceRegister]
	if x.DestRegister != 0 || !ok || len(b) != 2 {
		return s.fail()
	}
	s.out = append(s.out, "tcp option maxseg size set "+typ.Format(b))
	s.i++
	return nil
}

// fib prints a fib lookup and the match on its result.
func (s *pstate) fib(x *expr.Fib) error {
	if x.DestRegister == 0 {
		return s.fail()
	}
	var keys []string
	rest := x.Flags &^ fibPresent
	for _, f := range fibFlags {
		if rest&f.bit != 0 {
			keys = append(keys, f.name)
			rest &^= f.bit
		}
	}
	if rest != 0 || len(keys) == 0 {
		return s.fail()
	}
	for _, r := range fibResults {
		if r.v != x.Result {
			continue
		}
		name := "fib " + strings.Join(keys, " . ") + " " + r.name
		if x.Flags&fibPresent != 0 {
			c, ok := s.at(1).(*expr.Cmp)
			if !ok || c.SourceRegister != x.DestRegister || c.Op != expr.CmpEq || len(c.Data) != 4 || r.v != 1 {
				return s.fail()
			}
			switch {
			case isZero(c.Data):
				s.out = append(s.out, name+" missing")
			case c.Data[0] == 1 && isZero(c.Data[1:]):
				s.out = append(s.out, name+" exists")
			default:
				return s.fail()
			}
			s.i += 2
			return nil
		}
		return s.relational(name, s.p.types.ByName(r.typ), x.DestRegister, 0)
	}
	return s.fail()
}

// ports prints the port or port range in registers min and max (0: none)
// after lead. The kernel lists a last port's register even when none was
// given, as the first's: a range is two registers, "80-80" too, as nft
// prints it.
func (s *pstate) ports(min, max uint32, lead string) string {
	if min == 0 {
		return ""
	}
	t := s.p.types.ByName("inet_service")
	w := lead + t.Format(s.imm[min])
	if max != 0 && max != min {
		w += "-" + t.Format(s.imm[max])
	}
	return w
}

// immAddr reads the address an immediate put in reg: 4 bytes for
// family 2, 16 for 10.
func (s *pstate) immAddr(reg, family uint32) (netip.Addr, bool) {
	b, ok := s.imm[reg]
	if !ok || (family == 2 && len(b) != 4) || (family == 10 && len(b) != 16) {
		return netip.Addr{}, false
	}
	return netip.AddrFromSlice(b)
}

// natWord is the statement of a NAT type: snat or dnat; false for
// another type.
func natWord(typ uint32) (string, bool) {
	switch typ {
	case expr.NATSnat:
		return "snat", true
	case expr.NATDnat:
		return "dnat", true
	}
	return "", false
}

// nat prints "snat|dnat [ip|ip6] [prefix] to TARGET [flags]" as nft
// does: a range of addresses that is one prefix as that prefix ("/32"
// too), an IPv6 address or range followed by ports in brackets.
func (s *pstate) nat(x *expr.NAT) (string, error) {
	w, ok := natWord(x.Type)
	if !ok {
		return "", s.fail()
	}
	netmap := x.Flags&expr.NATRangeNetmap != 0
	fl, ok := natFlagText(x.Flags &^ expr.NATRangeNetmap)
	if !ok || (netmap && (fl != "" || x.RegAddrMax == 0 || x.RegAddrMax == x.RegAddrMin)) {
		// nft reads "prefix to ... random" as random alone
		return "", s.fail()
	}
	if x.RegAddrMin == 0 {
		// ports only: "dnat to :80"
		if x.RegProtoMin == 0 || netmap {
			return "", s.fail()
		}
		return w + " to" + s.ports(x.RegProtoMin, x.RegProtoMax, " :") + fl, nil
	}
	if x.Family != 2 && x.Family != 10 {
		return "", s.fail()
	}
	if s.family == "inet" {
		if x.Family == 10 {
			w += " ip6"
		} else {
			w += " ip"
		}
	}
	if netmap {
		w += " prefix"
	}
	w += " to "
	a, ok := s.immAddr(x.RegAddrMin, x.Family)
	if !ok {
		return "", s.fail()
	}
	addr := a.String()
	withPorts := x.RegProtoMin != 0
	if x.RegAddrMax != 0 && x.RegAddrMax != x.RegAddrMin {
		// two registers (as for the ports, the kernel lists one as both)
		b, ok := s.immAddr(x.RegAddrMax, x.Family)
		if !ok {
			return "", s.fail()
		}
		switch n, isPrefix := cidr(a.AsSlice(), b.AsSlice()); {
		case isPrefix:
			addr += "/" + strconv.Itoa(n)
		case a.Is6() && withPorts:
			addr = "[" + addr + "]-[" + b.String() + "]"
		default:
			addr += "-" + b.String()
		}
	} else if a.Is6() && withPorts {
		addr = "[" + addr + "]"
	}
	return w + addr + s.ports(x.RegProtoMin, x.RegProtoMax, ":") + fl, nil
}

func (s *pstate) reject(x *expr.Reject) string {
	switch x.Type {
	case expr.RejectTCPRst:
		return "reject with tcp reset"
	case expr.RejectICMPXUnreach:
		if x.Code == expr.ICMPXPortUnreach {
			return "reject"
		}
		return "reject with icmpx " + codeName(icmpxCodes, x.Code)
	}
	if s.nfp == 10 || s.family == "ip6" {
		if s.family == "ip6" && x.Code == 4 {
			return "reject"
		}
		return "reject with icmpv6 " + codeName(icmpv6Codes, x.Code)
	}
	if s.family == "ip" && x.Code == 3 {
		return "reject"
	}
	return "reject with icmp " + codeName(icmpCodes, x.Code)
}

func codeName(m map[string]uint8, c uint8) string {
	for n, v := range m {
		if v == c {
			return n
		}
	}
	return strconv.Itoa(int(c))
}

var opNames = map[uint32]string{expr.CmpEq: "", expr.CmpNeq: "!= ", expr.CmpLt: "< ", expr.CmpLte: "<= ", expr.CmpGt: "> ", expr.CmpGte: ">= "}

// relational prints "name [op] value" for the load at s.i and the
// expressions that test its register, and advances past them.
func (s *pstate) relational(name string, typ *Type, reg uint32, prefix int) error {
	next := s.at(1)
	w := name + " "
	if bo, ok := next.(*expr.Byteorder); ok {
		// "meta mark > 0x10": the load turned to network order, then
		// ordered comparisons or a range of network-order bounds
		if bo.Op != expr.ByteorderHton || bo.SourceRegister != reg || bo.DestRegister != reg ||
			int(bo.Len) != typ.Len || bo.Len != bo.Size || typ.Order != HostEndian {
			return s.fail()
		}
		switch c := s.at(2).(type) {
		case *expr.Cmp:
			if c.SourceRegister != reg || len(c.Data) != typ.Len {
				return s.fail()
			}
			if c2, ok := s.at(3).(*expr.Cmp); ok && c.Op == expr.CmpGte && c2.Op == expr.CmpLte && c2.SourceRegister == reg && len(c2.Data) == typ.Len {
				s.out = append(s.out, w+FormatRange(typ, SwapOrder(c.Data), SwapOrder(c2.Data)))
				s.i += 4
				return nil
			}
			if c.Op == expr.CmpEq || c.Op == expr.CmpNeq {
				return s.fail()
			}
			s.out = append(s.out, w+opNames[c.Op]+typ.Format(SwapOrder(c.Data)))
			s.i += 3
			return nil
		case *expr.Range:
			if c.SourceRegister != reg || c.Op != expr.CmpNeq || len(c.From) != typ.Len || len(c.To) != typ.Len {
				return s.fail()
			}
			s.out = append(s.out, w+"!= "+FormatRange(typ, SwapOrder(c.From), SwapOrder(c.To)))
			s.i += 3
			return nil
		case *expr.Lookup:
			// an interval set of network-order keys (setLookup)
			if c.SourceRegister != reg || !strings.HasPrefix(c.Set, "__") || s.sets == nil {
				return s.fail()
			}
			set := s.sets(c.Set, c.SetID)
			if set == nil || !set.Interval {
				return s.fail()
			}
			es := make([]Element, len(set.Elements))
			for i, e := range set.Elements {
				es[i] = e
				if len(e.Key) != typ.Len || (e.KeyEnd != nil && len(e.KeyEnd) != typ.Len) {
					return s.fail()
				}
				es[i].Key = SwapOrder(e.Key)
				if e.KeyEnd != nil {
					es[i].KeyEnd = SwapOrder(e.KeyEnd)
				}
			}
			op, v := "", FormatElements(typ, es)
			if c.IsMap {
				if c.DestRegister != expr.RegVerdict || !set.VerdictMap {
					return s.fail()
				}
				op = "vmap "
			} else if c.Flags&expr.LookupInvert != 0 {
				op = "!= "
			}
			s.out = append(s.out, w+op+v)
			s.i += 3
			return nil
		}
		return s.fail()
	}
	if o, ok := next.(*expr.Objref); ok && prefix == 0 {
		// "counter name tcp dport map @m"
		t, ok := s.objrefMapText(name, KeyType{typ}, reg, o)
		if !ok {
			return s.fail()
		}
		s.out = append(s.out, t)
		s.i += 2
		return nil
	}
	switch c := next.(type) {
	case *expr.Cmp:
		if c.SourceRegister != reg {
			return s.fail()
		}
		if c2, ok := s.at(2).(*expr.Cmp); ok && c.Op == expr.CmpGte && c2.Op == expr.CmpLte && c2.SourceRegister == reg {
			s.out = append(s.out, w+FormatRange(typ, c.Data, c2.Data))
			s.i += 3
			return nil
		}
		if prefix == 0 && (typ.ID == TypeIPAddr || typ.ID == TypeIP6Addr) && len(c.Data) < typ.Len {
			// a whole-byte prefix compares its bytes only (the load of a
			// ct or meta key is the whole address)
			prefix = len(c.Data) * 8
		}
		v := s.value(typ, c.Data)
		if typ.Bits && c.Op == expr.CmpEq {
			// a flag type compared whole: "ct state == established"
			v = "== " + v
		}
		if prefix > 0 {
			full := make([]byte, typ.Len)
			copy(full, c.Data)
			v = typ.Format(full) + "/" + strconv.Itoa(prefix)
		}
		s.out = append(s.out, w+opNames[c.Op]+v)
		s.i += 2
		return nil
	case *expr.Range:
		op := ""
		if c.Op == expr.CmpNeq {
			op = "!= "
		}
		s.out = append(s.out, w+op+FormatRange(typ, c.From, c.To))
		s.i += 2
		return nil
	case *expr.Bitwise:
		bw := c
		if lk, ok := s.at(2).(*expr.Lookup); ok && typ.ID == TypeTCPFlag && !lk.IsMap && lk.SourceRegister == reg &&
			bw.SourceRegister == reg && bw.DestRegister == reg && isZero(bw.Xor) && len(bw.Mask) == 1 && !isZero(bw.Mask) &&
			strings.HasPrefix(lk.Set, "__set") && s.sets != nil {
			// "tcp flags & (syn | ack) == { syn, ack }": the bits of the
			// mask looked up
			if set := s.sets(lk.Set, lk.SetID); set != nil && !set.Interval && len(set.Elements) > 1 {
				mask := flagList(typ, bw.Mask)
				if onesCount(bw.Mask) > 1 {
					mask = "(" + mask + ")"
				}
				op := "== "
				if lk.Flags&expr.LookupInvert != 0 {
					op = "!= "
				}
				s.out = append(s.out, w+"& "+mask+" "+op+FormatElements(typ, set.Elements))
				s.i += 3
				return nil
			}
			return s.fail()
		}
		cm, ok := s.at(2).(*expr.Cmp)
		if !ok || cm.Op > expr.CmpNeq || cm.SourceRegister != reg || bw.SourceRegister != reg {
			return s.fail()
		}
		if typ.Bits && isZero(cm.Data) {
			op := ""
			if cm.Op == expr.CmpEq {
				op = "! " // none of the flags, as nft prints it
			}
			s.out = append(s.out, w+op+typ.Format(bw.Mask))
			s.i += 3
			return nil
		}
		if typ.Bits && len(cm.Data) == len(bw.Mask) && isZero(bw.Xor) {
			switch {
			case onesCount(bw.Mask) == 1:
				// "tcp flags & ack == ack": nft reads no "/" after one flag
				op := "== "
				if cm.Op == expr.CmpNeq {
					op = "!= "
				}
				s.out = append(s.out, w+"& "+typ.Format(bw.Mask)+" "+op+typ.Format(cm.Data))
			case cm.Op == expr.CmpEq:
				s.out = append(s.out, w+typ.Format(cm.Data)+" / "+typ.Format(bw.Mask)) // "tcp flags syn / syn,ack"
			default:
				s.out = append(s.out, w+"!= "+typ.Format(cm.Data)+" / "+typ.Format(bw.Mask))
			}
			s.i += 3
			return nil
		}
		if !isZero(bw.Xor) || len(bw.Mask) != len(cm.Data) {
			return s.fail()
		}
		if typ.ID == TypeIPAddr || typ.ID == TypeIP6Addr {
			if n, ok := prefixLen(cm.Data, bw.Mask); ok {
				s.out = append(s.out, w+opNames[cm.Op]+typ.Format(cm.Data)+"/"+strconv.Itoa(n))
				s.i += 3
				return nil
			}
		}
		// "meta mark & 0x000000ff == 0x00000010" (a mask of another type
		// is no prefix: a mark's bytes are in host order)
		op := "== "
		if cm.Op == expr.CmpNeq {
			op = "!= "
		}
		s.out = append(s.out, w+"& "+typ.Format(bw.Mask)+" "+op+typ.Format(cm.Data))
		s.i += 3
		return nil
	case *expr.Lookup:
		if c.IsMap && c.DestRegister != expr.RegVerdict && c.SourceRegister == reg && prefix == 0 {
			// "dnat ip to ip saddr map { ... }"
			if s.natMap(name, KeyType{typ}, 1) {
				s.i += 3
				return nil
			}
			return s.fail()
		}
		if c.IsMap {
			if c.DestRegister != expr.RegVerdict || c.SourceRegister != reg {
				return s.fail()
			}
			if strings.HasPrefix(c.Set, "__map") && s.sets != nil {
				if set := s.sets(c.Set, c.SetID); set != nil && set.VerdictMap {
					s.out = append(s.out, w+"vmap "+FormatElements(typ, set.Elements))
					s.i += 2
					return nil
				}
			}
			s.out = append(s.out, w+"vmap @"+c.Set)
			s.i += 2
			return nil
		}
		op := ""
		if c.Flags&expr.LookupInvert != 0 {
			op = "!= "
		}
		v := "@" + c.Set
		if strings.HasPrefix(c.Set, "__set") && s.sets != nil {
			if set := s.sets(c.Set, c.SetID); set != nil {
				v = FormatElements(typ, set.Elements)
			}
		}
		s.out = append(s.out, w+op+v)
		s.i += 2
		return nil
	}
	return s.fail()
}

func (s *pstate) value(typ *Type, b []byte) string {
	if typ.ID == TypeIfName && len(b) < 16 && bytes.IndexByte(b, 0) < 0 {
		return quote(string(b) + "*")
	}
	if typ.ID == TypeIfIndex && s.p.resolver != nil {
		if n, err := s.p.resolver.IfName(uint32(typ.Uint(b))); err == nil {
			return quote(n)
		}
	}
	return typ.Format(b)
}

// onesCount is how many bits of b are set.
func onesCount(b []byte) int {
	n := 0
	for _, c := range b {
		n += bits.OnesCount8(c)
	}
	return n
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// prefixLen reports the length of a contiguous network mask.
func prefixLen(_ []byte, mask []byte) (int, bool) {
	n, seenZero := 0, false
	for _, c := range mask {
		if seenZero && c != 0 {
			return 0, false
		}
		ones := bits.LeadingZeros8(^c)
		if c<<ones != 0 {
			return 0, false
		}
		n += ones
		if ones < 8 {
			seenZero = true
		}
	}
	return n, true
}

// FormatElements prints set elements as nft does: "{ a, b-c, d/n }",
// sorted by value.
func FormatElements(typ *Type, es []Element) string {
	sorted := append([]Element(nil), es...)
	if typ.ID == TypeTCPFlag {
		// nft 1.0.6 orders elements of several flags by their lowest
		// flag ("{ fin | psh, syn | ack, rst }"), elements with the same
		// lowest flag in the reverse of the kernel's order: found by
		// experiment
		slices.Reverse(sorted)
		sort.SliceStable(sorted, func(i, j int) bool { return lowestFlag(sorted[i].Key) < lowestFlag(sorted[j].Key) })
	} else {
		sort.SliceStable(sorted, func(i, j int) bool { return lessValue(typ, sorted[i].Key, sorted[j].Key) })
	}
	parts := make([]string, len(sorted))
	for i, e := range sorted {
		parts[i] = FormatElement(typ, e)
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// FormatElement prints one element: a value, a prefix or a range, and
// in a verdict map " : " and its verdict.
func FormatElement(typ *Type, e Element) string {
	if e.Verdict != nil {
		k := e
		k.Verdict = nil
		return FormatElement(typ, k) + " : " + e.Verdict.String()
	}
	if e.Object != "" {
		k := e
		k.Object = ""
		return FormatElement(typ, k) + " : " + quote(e.Object)
	}
	if e.KeyEnd == nil || bytes.Equal(e.Key, e.KeyEnd) {
		if typ.ID == TypeTCPFlag {
			return flagList(typ, e.Key) // "syn | ack", as nft prints an element of several flags
		}
		return typ.Format(e.Key)
	}
	if typ.ID == TypeIPAddr || typ.ID == TypeIP6Addr {
		if n, ok := cidr(e.Key, e.KeyEnd); ok {
			return typ.Format(e.Key) + "/" + strconv.Itoa(n)
		}
	}
	return FormatRange(typ, e.Key, e.KeyEnd)
}

// FormatRange prints the range [a, b] as nft does: its bounds as
// numbers, also of a type whose values have names ("icmp code 1-3",
// "ether type 0x0800-0x0806").
func FormatRange(typ *Type, a, b []byte) string {
	return typ.formatNumber(a) + "-" + typ.formatNumber(b)
}

// cidr reports whether [a, b] is exactly one prefix.
func cidr(a, b []byte) (int, bool) {
	if len(a) != len(b) {
		return 0, false
	}
	n := len(a) * 8
	for n > 0 {
		i := n - 1
		bit := byte(0x80 >> (i % 8))
		if a[i/8]&bit != 0 || b[i/8]&bit == 0 {
			break
		}
		n--
	}
	for i := 0; i < n; i++ {
		bit := byte(0x80 >> (i % 8))
		if a[i/8]&bit != b[i/8]&bit {
			return 0, false
		}
	}
	return n, true
}

// lessValue orders values as nft does when it prints a set: as numbers
// in the type's byte order (strings, host-endian, compare from their last
// byte).
func lessValue(typ *Type, a, b []byte) bool {
	if typ.Order == HostEndian && len(a) == len(b) {
		for i := len(a) - 1; i >= 0; i-- {
			if a[i] != b[i] {
				return a[i] < b[i]
			}
		}
		return false
	}
	return bytes.Compare(a, b) < 0
}

// LessValue reports whether a sorts before b as nft prints set elements.
func LessValue(typ *Type, a, b []byte) bool { return lessValue(typ, a, b) }

// flagList prints flags as nft prints them in a set or a mask: "syn |
// ack".
func flagList(typ *Type, b []byte) string {
	return strings.ReplaceAll(typ.Format(b), ",", " | ")
}

// lowestFlag is the lowest bit set of a one-byte flag value (256 for
// none).
func lowestFlag(b []byte) int {
	if len(b) != 1 || b[0] == 0 {
		return 256
	}
	return int(b[0] & -b[0])
}

// wholeSeconds reports whether the times a "meta time" load at s.i is
// compared with (8-byte nanoseconds, in network order after a
// byteorder) are whole seconds, as nft prints them.
func (s *pstate) wholeSeconds() bool {
	be := false
	for k := 1; k <= 3; k++ {
		var vals [][]byte
		switch x := s.at(k).(type) {
		case *expr.Byteorder:
			be = true
			continue
		case *expr.Cmp:
			vals = [][]byte{x.Data}
		case *expr.Range:
			vals = [][]byte{x.From, x.To}
		default:
			return true
		}
		for _, v := range vals {
			if len(v) != 8 {
				continue
			}
			n := binary.LittleEndian.Uint64(v)
			if be {
				n = binary.BigEndian.Uint64(v)
			}
			if n%1_000_000_000 != 0 || n > math.MaxInt64 {
				return false
			}
		}
	}
	return true
}
