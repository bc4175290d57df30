package ruletext

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// This file holds the statements that send a packet elsewhere or change
// it: queue, dup, fwd, flow add, a header field's set ("ip ttl set 64")
// and a mark set from a mark with a bit operation ("ct mark set meta mark
// & 0xffff0000"). Each compiles to nft's layout and prints only what
// compiles back to the same expressions.

// Queue flags (NFT_QUEUE_FLAG_*), in the order nft prints them.
const (
	queueBypass = 1
	queueFanout = 2
)

// queue compiles nft's queue statement in its forms: "queue", "queue
// [flags bypass,fanout] to N[-M]" (as nft lists it) and the older "queue
// [num N[-M]] [bypass] [fanout]": one queue expression with the first
// queue, their count and the flags, as nft lays it out.
func (s *state) queue() error {
	var flags uint16
	readFlags := func() error {
		for {
			switch w := s.l.next(); w {
			case "bypass":
				flags |= queueBypass
			case "fanout":
				flags |= queueFanout
			default:
				return fmt.Errorf("queue: unknown flag %q (bypass, fanout)", w)
			}
			if !s.l.accept(",") {
				return nil
			}
		}
	}
	to := func() error {
		s.l.next() // "to"
		spec := s.l.next()
		if spec == "" {
			return fmt.Errorf("queue to: want a queue number or a range")
		}
		return s.emitQueue(spec, flags)
	}
	// nft's forms "queue to N" and "queue flags F to N" end there
	switch s.l.peek() {
	case "to":
		return to()
	case "flags":
		s.l.next()
		if err := readFlags(); err != nil {
			return err
		}
		if s.l.peek() != "to" {
			return fmt.Errorf("queue flags: want \"to\" and the queue after the flags")
		}
		return to()
	}
	// the older "queue num N bypass fanout": flags add up, as in nft; of
	// two numbers nft keeps the last, so a second is refused
	spec := ""
	for {
		switch w := s.l.peek(); w {
		case "bypass", "fanout":
			if err := readFlags(); err != nil {
				return err
			}
		case "num":
			s.l.next()
			if spec != "" {
				return fmt.Errorf("queue: num given twice (nft keeps the last)")
			}
			if spec = s.l.next(); spec == "" {
				return fmt.Errorf("queue num: want a queue number or a range")
			}
		default:
			return s.emitQueue(spec, flags)
		}
	}
}

// emitQueue emits the queue expression of spec ("", "N", "N-M").
func (s *state) emitQueue(spec string, flags uint16) error {
	num := func(v string) (uint64, error) {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n > 0xffff {
			return 0, fmt.Errorf("queue %q: want a queue number from 0 to 65535", v)
		}
		return n, nil
	}
	lo, hi := uint64(0), uint64(0)
	if spec != "" {
		a, b, isRange := strings.Cut(spec, "-")
		var err error
		if lo, err = num(a); err != nil {
			return err
		}
		hi = lo
		if isRange {
			if hi, err = num(b); err != nil {
				return err
			}
			if hi < lo {
				return fmt.Errorf("queue %s: the last queue comes before the first", spec)
			}
		}
	}
	total := hi - lo + 1
	if total > 0xffff {
		// nft sends a count of 65536 as 0, which the kernel takes as 1
		return fmt.Errorf("queue %s: at most 65535 queues", spec)
	}
	if flags&queueFanout != 0 && total < 2 {
		return fmt.Errorf("queue: fanout needs a range of queues (nft refuses it for one)")
	}
	s.emit(&expr.Queue{Num: uint16(lo), Total: uint16(total), Flags: flags})
	return nil
}

// queueText prints a queue expression as nft 1.0.6 does: "queue to 0",
// "queue flags bypass,fanout to 1-4"; false when nft would print another
// rule (a count of 0, fanout of one queue) or it has no words (a queue
// from a register, unknown flags).
func queueText(x *expr.Queue) (string, bool) {
	if x.SourceRegisterNum != 0 || x.Total == 0 || x.Flags&^(queueBypass|queueFanout) != 0 ||
		uint32(x.Num)+uint32(x.Total)-1 > 0xffff || (x.Flags&queueFanout != 0 && x.Total < 2) {
		return "", false
	}
	w := "queue"
	delim := " flags "
	if x.Flags&queueBypass != 0 {
		w += delim + "bypass"
		delim = ","
	}
	if x.Flags&queueFanout != 0 {
		w += delim + "fanout"
	}
	w += " to " + strconv.Itoa(int(x.Num))
	if x.Total > 1 {
		w += "-" + strconv.Itoa(int(x.Num)+int(x.Total)-1)
	}
	return w, true
}

// device reads an interface name ("lo", "\"eth0\"") and returns its index
// in host order, as nft's iface_index values.
func (s *state) device(what string) ([]byte, error) {
	t := s.l.next()
	name := unquote(t)
	if name == "" {
		return nil, fmt.Errorf("%s: want a device name", what)
	}
	if s.c.resolver == nil {
		return nil, fmt.Errorf("%s: no interface resolver for %s", what, t)
	}
	idx, err := s.c.resolver.IfIndex(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return binary.NativeEndian.AppendUint32(nil, idx), nil
}

// address reads an address of family fam (2 ip, 10 ip6).
func address(t string, fam uint32, what string) ([]byte, error) {
	a, err := netip.ParseAddr(t)
	if err != nil || a.Zone() != "" || (fam == 2) != a.Is4() {
		want := "an IPv4"
		if fam == 10 {
			want = "an IPv6"
		}
		return nil, fmt.Errorf("%s: %q is not %s address", what, t, want)
	}
	return a.AsSlice(), nil
}

// dup compiles "dup to ADDR [device DEV]" (ip and ip6 tables) and "dup
// to DEV" (netdev): the address into register 1 and the device after
// it, as nft lays them out.
func (s *state) dup() error {
	if err := s.l.expect("to"); err != nil {
		return fmt.Errorf("dup: %w", err)
	}
	switch s.family {
	case "netdev":
		dev, err := s.device("dup to")
		if err != nil {
			return err
		}
		s.emit(&expr.Immediate{DestRegister: expr.Reg1, Data: dev}, &expr.Dup{RegDev: expr.Reg1})
		return nil
	case "ip", "ip6":
	default:
		return fmt.Errorf("dup: only in ip, ip6 and netdev tables (nft 1.0.6 has no dup for %s)", s.family)
	}
	addr, err := address(s.l.next(), uint32(s.nfp), "dup to")
	if err != nil {
		return err
	}
	s.emit(&expr.Immediate{DestRegister: expr.Reg1, Data: addr})
	d := &expr.Dup{RegAddr: expr.Reg1}
	if s.l.accept("device") {
		dev, err := s.device("dup device")
		if err != nil {
			return err
		}
		s.emit(&expr.Immediate{DestRegister: expr.Reg2, Data: dev})
		d.RegDev = expr.Reg2
	}
	s.emit(d)
	return nil
}

// fwd compiles "fwd to DEV" and "fwd ip|ip6 to ADDR device DEV" (netdev
// tables only): the device into register 1, the next hop into 2.
func (s *state) fwd() error {
	if s.family != "netdev" {
		return fmt.Errorf("fwd: only in netdev tables")
	}
	var fam uint32
	switch s.l.peek() {
	case "ip":
		fam = 2
	case "ip6":
		fam = 10
	}
	if fam != 0 {
		s.l.next()
	}
	if err := s.l.expect("to"); err != nil {
		return fmt.Errorf("fwd: %w", err)
	}
	if fam == 0 {
		dev, err := s.device("fwd to")
		if err != nil {
			return err
		}
		s.emit(&expr.Immediate{DestRegister: expr.Reg1, Data: dev}, &expr.Fwd{RegDev: expr.Reg1})
		return nil
	}
	addr, err := address(s.l.next(), fam, "fwd to")
	if err != nil {
		return err
	}
	if err := s.l.expect("device"); err != nil {
		return fmt.Errorf("fwd to an address: %w", err)
	}
	dev, err := s.device("fwd device")
	if err != nil {
		return err
	}
	s.emit(&expr.Immediate{DestRegister: expr.Reg1, Data: dev}, &expr.Immediate{DestRegister: expr.Reg2, Data: addr},
		&expr.Fwd{RegDev: expr.Reg1, RegAddr: expr.Reg2, NFProto: fam})
	return nil
}

// flow compiles "flow add @ft" and nft's other spelling "flow offload
// @ft".
func (s *state) flow() error {
	if w := s.l.next(); w != "add" && w != "offload" {
		return fmt.Errorf("flow: want \"add @flowtable\", got %q", w)
	}
	t := s.l.next()
	if !strings.HasPrefix(t, "@") || len(t) == 1 {
		return fmt.Errorf("flow add: want @ and the flowtable's name, got %q", t)
	}
	name := t[1:]
	if len(name) > 255 || strings.ContainsAny(name, "\x00\"") {
		return fmt.Errorf("flow add: bad flowtable name %q", name)
	}
	s.emit(&expr.FlowOffload{Table: name})
	return nil
}

// immFrom returns the data of the immediate at s.i+k that fills reg; nil
// when there is none.
func (s *pstate) immFrom(k int, reg uint32) []byte {
	if im, ok := s.at(k).(*expr.Immediate); ok && im.Verdict == nil && im.DestRegister == reg && reg != 0 {
		return im.Data
	}
	return nil
}

// devName names the interface of an iface_index value.
func (s *pstate) devName(b []byte) (string, bool) {
	if len(b) != 4 || s.p.resolver == nil {
		return "", false
	}
	name, err := s.p.resolver.IfName(binary.NativeEndian.Uint32(b))
	if err != nil || name == "" || strings.ContainsAny(name, "\"\x00") {
		return "", false
	}
	return quote(name), true
}

// addrText prints an address of fam (2, 10) from register bytes.
func addrText(b []byte, fam uint32) (string, bool) {
	if (fam == 2 && len(b) != 4) || (fam == 10 && len(b) != 16) || (fam != 2 && fam != 10) {
		return "", false
	}
	a, _ := netip.AddrFromSlice(b)
	return a.String(), true
}

// dupFwd prints the immediates at s.i and the dup or fwd after them, as
// dup and fwd compile them; false when they are not that.
func (s *pstate) dupFwd() (bool, error) {
	if _, ok := s.at(0).(*expr.Immediate); !ok {
		return false, nil
	}
	for n := 1; n <= 2; n++ {
		if _, imm := s.at(1).(*expr.Immediate); n == 2 && !imm {
			break // a dup or fwd takes at most two registers, both immediates
		}
		var w string
		ok := false
		switch x := s.at(n).(type) {
		case *expr.Dup:
			w, ok = s.dupText(x, n)
		case *expr.Fwd:
			w, ok = s.fwdText(x, n)
		case *expr.Tproxy:
			w, ok = s.tproxyText(x, n)
		default:
			continue
		}
		if !ok {
			return true, s.fail()
		}
		s.out = append(s.out, w)
		s.i += n + 1
		return true, nil
	}
	return false, nil
}

func (s *pstate) dupText(x *expr.Dup, n int) (string, bool) {
	if s.family == "netdev" {
		dev, ok := s.devName(s.immFrom(0, expr.Reg1))
		if n != 1 || x.RegAddr != 0 || x.RegDev != expr.Reg1 || !ok {
			return "", false
		}
		return "dup to " + dev, true
	}
	if s.family != "ip" && s.family != "ip6" || x.RegAddr != expr.Reg1 {
		return "", false
	}
	a, ok := addrText(s.immFrom(0, expr.Reg1), uint32(s.nfp))
	if !ok {
		return "", false
	}
	if n == 1 {
		return "dup to " + a, x.RegDev == 0
	}
	dev, ok := s.devName(s.immFrom(1, expr.Reg2))
	return "dup to " + a + " device " + dev, ok && x.RegDev == expr.Reg2
}

func (s *pstate) fwdText(x *expr.Fwd, n int) (string, bool) {
	dev, ok := s.devName(s.immFrom(0, expr.Reg1))
	if s.family != "netdev" || !ok || x.RegDev != expr.Reg1 {
		return "", false
	}
	if n == 1 {
		return "fwd to " + dev, x.RegAddr == 0 && x.NFProto == 0
	}
	a, ok := addrText(s.immFrom(1, expr.Reg2), x.NFProto)
	if !ok || x.RegAddr != expr.Reg2 {
		return "", false
	}
	fam := "ip"
	if x.NFProto == 10 {
		fam = "ip6"
	}
	return "fwd " + fam + " to " + a + " device " + dev, true
}

// csum is how nft fixes up checksums after writing a header's field.
type csum struct{ typ, offset uint32 }

// headerCsum returns the checksum of a header whose fields rule text
// sets (NFT_PAYLOAD_CSUM_INET at the checksum's offset); IPv6 has none.
func headerCsum(name string) csum {
	switch name {
	case "ip":
		return csum{1, 10}
	case "tcp":
		return csum{1, 16}
	case "udp":
		return csum{1, 6}
	}
	return csum{}
}

// settable reports whether rule text sets the header field, as nft does.
func settable(h, f string) bool {
	switch h + " " + f {
	case "ip dscp", "ip ttl", "ip saddr", "ip daddr", "ip6 hoplimit", "ip6 saddr", "ip6 daddr",
		"tcp sport", "tcp dport", "udp sport", "udp dport":
		return true
	}
	return false
}

// payloadSetExprs lays out "H F set v" as nft does: the value written
// with the header's checksum fixed up (and the transport checksum's
// pseudo-header for an address). A field narrower than its byte, or an
// odd number of bytes under a checksum, is written as the 16-bit word
// around it: loaded, its other bits kept, the value put in.
func payloadSetExprs(h *header, f *hfield, v []byte) []expr.Expr {
	cs := headerCsum(h.name)
	w := &expr.Payload{SourceRegister: expr.Reg1, Base: h.base, Offset: f.offset, Len: f.len, CsumType: cs.typ, CsumOffset: cs.offset}
	if f.name == "saddr" || f.name == "daddr" {
		w.CsumFlags = 1 // NFT_PAYLOAD_L4CSUM_PSEUDOHDR
	}
	if f.shift == 0 && (cs.typ == 0 || f.len%2 == 0) {
		return []expr.Expr{&expr.Immediate{DestRegister: expr.Reg1, Data: v}, w}
	}
	// one byte (nft's fields narrower than a byte here sit in one)
	off, size, shift := f.offset, uint32(1), uint(f.shift)
	bitsLen := 8 - shift
	if cs.typ != 0 {
		size = 2
		if off%2 == 1 {
			off-- // the field is the word's low byte
		} else {
			shift += 8
		}
	}
	full := uint32(1)<<(8*size) - 1
	fieldMask := (uint32(1)<<bitsLen - 1) << shift
	mask, xor := make([]byte, size), make([]byte, size)
	val := (uint32(v[0]) << shift) & fieldMask
	for i := range size {
		sh := 8 * (size - 1 - i)
		mask[i] = byte(((full &^ fieldMask) >> sh) & 0xff)
		xor[i] = byte((val >> sh) & 0xff)
	}
	w.Offset, w.Len = off, size
	return []expr.Expr{
		&expr.Payload{DestRegister: expr.Reg1, Base: h.base, Offset: off, Len: size},
		&expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: size, Mask: mask, Xor: xor},
		w,
	}
}

// payloadSet compiles what follows "H F set": a value of the field.
func (s *state) payloadSet(h *header, f *hfield) error {
	if !settable(h.name, f.name) {
		return fmt.Errorf("%s %s cannot be set (ip dscp, ttl, saddr, daddr; ip6 hoplimit, saddr, daddr; tcp and udp ports can)", h.name, f.name)
	}
	typ := s.c.types.ByName(f.typ)
	t := s.l.next()
	if t == "" {
		return fmt.Errorf("%s %s set: no value", h.name, f.name)
	}
	v, err := typ.Parse(t)
	if err != nil {
		return fmt.Errorf("%s %s set: %w", h.name, f.name, err)
	}
	if f.shift != 0 && v[0] > 0xff>>f.shift {
		return fmt.Errorf("%s %s set %s: wider than the field", h.name, f.name, t)
	}
	s.emit(payloadSetExprs(h, f, v)...)
	return nil
}

// samePayload reports whether two payload expressions are the same but
// for how they were decoded.
func samePayload(a, b *expr.Payload) bool {
	return a.DestRegister == b.DestRegister && a.SourceRegister == b.SourceRegister && a.Base == b.Base &&
		a.Offset == b.Offset && a.Len == b.Len && a.CsumType == b.CsumType && a.CsumOffset == b.CsumOffset && a.CsumFlags == b.CsumFlags
}

// sameExprs compares the expressions a set compiles to with those of a
// rule: payloads field by field, immediates and bitwises by value.
func sameExprs(want []expr.Expr, got []expr.Expr) bool {
	if len(got) < len(want) {
		return false
	}
	for i, w := range want {
		switch w := w.(type) {
		case *expr.Payload:
			g, ok := got[i].(*expr.Payload)
			if !ok || !samePayload(w, g) {
				return false
			}
		case *expr.Immediate:
			g, ok := got[i].(*expr.Immediate)
			if !ok || g.Verdict != nil || g.DestRegister != w.DestRegister || !bytes.Equal(g.Data, w.Data) {
				return false
			}
		case *expr.Bitwise:
			g, ok := got[i].(*expr.Bitwise)
			if !ok || !plainBitwise(g) || g.SourceRegister != w.SourceRegister || g.DestRegister != w.DestRegister ||
				g.Len != w.Len || !bytes.Equal(g.Mask, w.Mask) || !bytes.Equal(g.Xor, w.Xor) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// plainBitwise reports whether b is a mask-and-xor of one register.
func plainBitwise(b *expr.Bitwise) bool {
	return b.Op == expr.BitwiseMaskXor && b.Data == nil && b.SourceRegister2 == 0 && len(b.Mask) == int(b.Len) && len(b.Xor) == int(b.Len)
}

// payloadSetAt prints the header field set starting at s.i (an
// immediate and a write, or a load, bitwise and write), as nft does;
// false when it is none that payloadSetExprs would make.
func (s *pstate) payloadSetAt() bool {
	var w *expr.Payload
	var v []byte
	n := 0
	switch x := s.at(0).(type) {
	case *expr.Immediate:
		p, ok := s.at(1).(*expr.Payload)
		if !ok || x.Verdict != nil || p.DestRegister != 0 {
			return false
		}
		w, v, n = p, x.Data, 2
	case *expr.Payload:
		b, ok1 := s.at(1).(*expr.Bitwise)
		p, ok2 := s.at(2).(*expr.Payload)
		if !ok1 || !ok2 || p.DestRegister != 0 || !plainBitwise(b) {
			return false
		}
		w, n = p, 3
	default:
		return false
	}
	if w.SourceRegister != expr.Reg1 {
		return false
	}
	for hi := range s.p.headers {
		h := &s.p.headers[hi]
		if h.base != w.Base || (h.nfp != 0 && h.nfp != s.nfp && h.l4 == 0) || (h.l4 != 0 && h.l4 != s.l4) {
			continue
		}
		for fi := range h.fields {
			f := &h.fields[fi]
			if !settable(h.name, f.name) {
				continue
			}
			val := v
			if n == 3 {
				// the value from the xor, where the field sits in it
				b := s.at(1).(*expr.Bitwise)
				probe := payloadSetExprs(h, f, []byte{0})
				pb, ok := probe[1].(*expr.Bitwise)
				if !ok || len(b.Xor) != len(pb.Xor) {
					continue
				}
				shift := uint(f.shift)
				if pb.Len == 2 && f.offset%2 == 0 {
					shift += 8
				}
				var x uint32
				for _, c := range b.Xor {
					x = x<<8 | uint32(c)
				}
				val = []byte{byte(x >> shift)}
			}
			if len(val) != int(f.len) {
				continue
			}
			if !sameExprs(payloadSetExprs(h, f, val), s.xs[s.i:]) {
				continue
			}
			s.out = append(s.out, h.name+" "+f.name+" set "+s.p.types.ByName(f.typ).Format(val))
			s.i += n
			return true
		}
	}
	return false
}

// markOps are the bit operations nft 1.0.6 prints on a mark set from a
// mark, with how it lays each out as a mask and xor.
func markOps() []markOp {
	return []markOp{
		{"&", "and", func(c uint32) (uint32, uint32) { return c, 0 }},
		{"|", "or", func(c uint32) (uint32, uint32) { return ^c, c }},
		{"^", "xor", func(c uint32) (uint32, uint32) { return 0xffffffff, c }},
	}
}

// markOp is a bit operation on a mark: its symbol, its word, and the
// mask and xor nft lays it out as, for a constant c.
type markOp struct {
	name, word string
	layout     func(c uint32) (mask, xor uint32)
}

// markOp reads "& C", "and C", "| C", "or C", "^ C", "xor C" after the
// source of a mark set, and returns the bitwise nft puts between the
// load and the set; nil when none follows. A constant that changes
// nothing is refused: nft would print the set without it.
func (s *state) markOp(typ *Type) (*expr.Bitwise, error) {
	w := s.l.peek()
	for _, op := range markOps() {
		if w != op.name && w != op.word {
			continue
		}
		s.l.next()
		t := s.l.next()
		b, err := typ.Parse(t)
		if err != nil || len(b) != 4 {
			return nil, fmt.Errorf("%s %s: want a mark value: %w", w, t, err)
		}
		c := binary.NativeEndian.Uint32(b)
		mask, xor := op.layout(c)
		if mask == 0xffffffff && xor == 0 {
			return nil, fmt.Errorf("%s %s: changes nothing (nft lists the set without it)", w, t)
		}
		if op.name == "&" && c == 0 {
			return nil, fmt.Errorf("%s %s: clears every bit: set 0 instead", w, t)
		}
		return &expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: 4,
			Mask: binary.NativeEndian.AppendUint32(nil, mask), Xor: binary.NativeEndian.AppendUint32(nil, xor)}, nil
	}
	return nil, nil
}

// markOpText prints the bitwise b of a mark set as nft does (" &
// 0x0000ffff"); false when nft prints it otherwise or not at all.
func markOpText(b *expr.Bitwise, typ *Type) (string, bool) {
	if !plainBitwise(b) || b.Len != 4 || b.SourceRegister != b.DestRegister || typ.ID != TypeMark {
		return "", false
	}
	mask, xor := binary.NativeEndian.Uint32(b.Mask), binary.NativeEndian.Uint32(b.Xor)
	for _, op := range markOps() {
		for _, c := range []uint32{mask, xor} {
			if m, x := op.layout(c); m == mask && x == xor && !(m == 0xffffffff && x == 0) && !(op.name == "&" && c == 0) {
				return " " + op.name + " " + typ.Format(binary.NativeEndian.AppendUint32(nil, c)), true
			}
		}
	}
	return "", false
}
