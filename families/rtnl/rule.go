package rtnl

import (
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/nlsh/nlsh/core/codec"
)

// Rule attributes (FRA_*), flags and the size of struct fib_rule_hdr.
const (
	fraDst          uint16 = 1
	fraSrc          uint16 = 2
	fraIifname      uint16 = 3
	fraGoto         uint16 = 4
	fraPriority     uint16 = 6
	fraFwmark       uint16 = 10
	fraSuppressPlen uint16 = 14
	fraTable        uint16 = 15
	fraFwmask       uint16 = 16
	fraOifname      uint16 = 17
	fraProtocol     uint16 = 21
	fibRuleHdrLen          = 12

	fibRuleInvert uint32 = 0x2
	frActToTbl    uint8  = 1
	frActGoto     uint8  = 2
)

// ipRuleActions are FR_ACT_* as ip spells them ("action" in `ip -j rule`).
var ipRuleActions = []ipEnumEntry{
	{1, "to_tbl"}, {2, "goto"}, {3, "nop"}, {6, "blackhole"}, {7, "unreachable"}, {8, "prohibit"},
}

// Rule is one policy routing rule, with the names `ip -j rule` uses
// (where ip splits a prefix into src and srclen, Rule keeps a prefix).
type Rule struct {
	Family string `json:"family,omitempty"` // inferred from Src/Dst; required without them
	// Priority orders rules; on add, 0 lets the kernel choose one (give
	// one for idempotent provisioning).
	Priority uint32 `json:"priority"`
	Not      bool   `json:"not,omitempty"`
	// Src and Dst are the "from" and "to" prefixes; zero means all.
	Src    netip.Prefix `json:"src,omitzero"`
	Dst    netip.Prefix `json:"dst,omitzero"`
	Tos    uint8        `json:"tos,omitempty"`
	Iif    string       `json:"iif,omitempty"`
	Oif    string       `json:"oif,omitempty"`
	Fwmark uint32       `json:"fwmark,omitempty"`
	Fwmask uint32       `json:"fwmask,omitempty"`
	// Table and TableName as for Route; with action to_tbl and neither,
	// add uses main, as ip does.
	Table     uint32 `json:"-"`
	TableName string `json:"table,omitempty"`
	// Action is "to_tbl" (the default), "goto", "nop", "blackhole",
	// "unreachable" or "prohibit".
	Action string `json:"action,omitempty"`
	// Goto is the priority a goto rule jumps to.
	Goto uint32 `json:"goto,omitempty"`
	// SuppressPrefixlen, when set, ignores routing decisions with a prefix
	// this long or shorter (`suppress_prefixlength`).
	SuppressPrefixlen *int   `json:"suppress_prefixlen,omitempty"`
	Protocol          string `json:"protocol,omitempty"`
	// IPProto matches the IP protocol: "tcp", "udp", "icmp", "ipv6-icmp",
	// ... or its number, as ip prints it.
	IPProto string `json:"ipproto,omitempty"`
	// Sport matches one source port, SportStart..SportEnd a range (1 to
	// 65534); a listed range of one port reads as Sport, as ip prints
	// it. Dport and its range match the destination port.
	Sport      uint16 `json:"sport,omitempty"`
	SportStart uint16 `json:"sport_start,omitempty"`
	SportEnd   uint16 `json:"sport_end,omitempty"`
	Dport      uint16 `json:"dport,omitempty"`
	DportStart uint16 `json:"dport_start,omitempty"`
	DportEnd   uint16 `json:"dport_end,omitempty"`
	// UIDStart..UIDEnd matches the uid owning the socket (both or
	// neither).
	UIDStart *uint32 `json:"uid_start,omitempty"`
	UIDEnd   *uint32 `json:"uid_end,omitempty"`
	// L3mdev takes the table of the packet's l3mdev device (a VRF's).
	L3mdev bool `json:"l3mdev,omitempty"`
}

func (r *Rule) object() string {
	s := "from "
	if r.Not {
		s = "not from "
	}
	if r.Src.IsValid() {
		s += r.Src.String()
	} else {
		s += "all"
	}
	if r.Dst.IsValid() {
		s += " to " + r.Dst.String()
	}
	if r.Priority != 0 {
		s += " priority " + strconv.FormatUint(uint64(r.Priority), 10)
	}
	if r.TableName != "" {
		s += " table " + r.TableName
	}
	return s
}

// encodeRule checks r and builds an RTM_NEWRULE / RTM_DELRULE payload.
func encodeRule(r *Rule, tables *Tables, del bool) ([]byte, error) {
	fam, ok := ipFamilyNumber(r.Family)
	if !ok {
		return nil, badArg("family", r.Family, "want inet or inet6")
	}
	for _, x := range []struct {
		f string
		p netip.Prefix
	}{{"src", r.Src}, {"dst", r.Dst}} {
		if !x.p.IsValid() {
			continue
		}
		if err := ipCheckPrefix(x.f, x.p); err != nil {
			return nil, err
		}
		if x.p.Masked() != x.p {
			return nil, badArg(x.f, x.p.String(), "host bits set under the /%d mask", x.p.Bits())
		}
		pf := ipAddrFamily(x.p.Addr())
		if fam != ipFamilyUnspec && pf != fam {
			return nil, badArg(x.f, x.p.String(), "is not %s", ipFamilyName(fam))
		}
		fam = pf
	}
	if fam == ipFamilyUnspec {
		return nil, badArg("family", "", "cannot tell inet from inet6; give family")
	}
	r.Family = ipFamilyName(fam)
	for _, x := range []struct{ f, v string }{{"iif", r.Iif}, {"oif", r.Oif}} {
		if len(x.v) > 15 {
			return nil, badArg(x.f, x.v, "device names are at most 15 bytes")
		}
	}
	table, err := routeTable(tables, r.Table, r.TableName, "table")
	if err != nil {
		return nil, err
	}
	var action uint8
	switch {
	case r.Action != "":
		v, err := ipEnumValue("action", r.Action, ipRuleActions, 255)
		if err != nil {
			return nil, err
		}
		action = uint8(v)
	case r.Goto != 0:
		action = frActGoto
	case !del || table != 0:
		action = frActToTbl
	}
	if action == frActGoto && r.Goto == 0 {
		return nil, badArg("goto", "", "a goto rule needs the priority to jump to")
	}
	if action == frActToTbl && table == 0 && !del && !r.L3mdev {
		table = TableMain
	}
	if table != 0 {
		r.Table, r.TableName = table, tables.Name(table)
	}
	var flags uint32
	if r.Not {
		flags |= fibRuleInvert
	}
	b := make([]byte, fibRuleHdrLen, 96)
	b[0] = fam
	if r.Dst.IsValid() {
		b[1] = uint8(r.Dst.Bits())
	}
	if r.Src.IsValid() {
		b[2] = uint8(r.Src.Bits())
	}
	b[3] = r.Tos
	if table < 256 {
		b[4] = uint8(table)
	}
	b[7] = action
	binary.LittleEndian.PutUint32(b[8:12], flags)
	e := codec.NewEncoder(b)
	if r.Priority != 0 {
		e.Uint32(fraPriority, r.Priority)
	}
	if r.Src.IsValid() && r.Src.Bits() > 0 {
		e.Addr(fraSrc, r.Src.Addr())
	}
	if r.Dst.IsValid() && r.Dst.Bits() > 0 {
		e.Addr(fraDst, r.Dst.Addr())
	}
	if r.Iif != "" {
		e.String(fraIifname, r.Iif)
	}
	if r.Oif != "" {
		e.String(fraOifname, r.Oif)
	}
	if r.Fwmark != 0 || r.Fwmask != 0 {
		e.Uint32(fraFwmark, r.Fwmark)
	}
	if r.Fwmask != 0 {
		e.Uint32(fraFwmask, r.Fwmask)
	}
	if table != 0 {
		e.Uint32(fraTable, table)
	}
	if r.Goto != 0 {
		e.Uint32(fraGoto, r.Goto)
	}
	if r.SuppressPrefixlen != nil {
		if n := *r.SuppressPrefixlen; n < 0 || n > 128 {
			return nil, badArg("suppress_prefixlen", strconv.Itoa(n), "must be 0..128")
		}
		e.Uint32(fraSuppressPlen, uint32(*r.SuppressPrefixlen))
	}
	if r.Protocol != "" {
		v, err := ipEnumValue("protocol", r.Protocol, ipRouteProtocols, 255)
		if err != nil {
			return nil, err
		}
		e.Uint8(fraProtocol, uint8(v))
	}
	if err := encodeRuleSelectors(e, r); err != nil {
		return nil, err
	}
	return e.Encode()
}

// DecodeRule decodes an RTM_NEWRULE or RTM_DELRULE message (a dump reply or
// an event), naming tables with the built-in names only.
func DecodeRule(m codec.Message) (Rule, error) { return decodeRule(m.Data, nil) }

func decodeRule(b []byte, tables *Tables) (Rule, error) {
	var r Rule
	if len(b) < fibRuleHdrLen {
		return r, fmt.Errorf("fib_rule_hdr: %d bytes, need %d: %w", len(b), fibRuleHdrLen, codec.ErrTruncated)
	}
	fam := b[0]
	r.Family = ipFamilyName(fam)
	dstLen, srcLen := int(b[1]), int(b[2])
	r.Tos = b[3]
	r.Table = uint32(b[4])
	r.Action = ipEnumName(uint32(b[7]), ipRuleActions)
	flags := binary.LittleEndian.Uint32(b[8:12])
	r.Not = flags&fibRuleInvert != 0
	d := codec.NewDecoder(b[fibRuleHdrLen:])
	for d.Next() {
		switch d.Type() {
		case fraPriority:
			r.Priority = d.Uint32()
		case fraSrc:
			r.Src = netip.PrefixFrom(d.Addr(), srcLen)
		case fraDst:
			r.Dst = netip.PrefixFrom(d.Addr(), dstLen)
		case fraIifname:
			r.Iif = d.String()
		case fraOifname:
			r.Oif = d.String()
		case fraFwmark:
			r.Fwmark = d.Uint32()
		case fraFwmask:
			r.Fwmask = d.Uint32()
		case fraTable:
			r.Table = d.Uint32()
		case fraGoto:
			r.Goto = d.Uint32()
		case fraSuppressPlen:
			if n := int(d.Int32()); n >= 0 {
				r.SuppressPrefixlen = &n
			}
		case fraProtocol:
			r.Protocol = ipEnumName(uint32(d.Uint8()), ipRouteProtocols)
		default:
			decodeRuleSelector(d, &r)
		}
	}
	if err := d.Err(); err != nil {
		return r, fmt.Errorf("rule attributes: %w", err)
	}
	if r.Table != 0 {
		r.TableName = tables.Name(r.Table)
	}
	return r, nil
}

// RuleFilter selects rules to list (the family is filtered in the kernel).
type RuleFilter struct {
	// Family is "inet", "inet6" or "" for both. The multicast routing
	// rules (RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR) an unfiltered dump also
	// returns are left out, as ip rule leaves them out.
	Family string
}

// ruleFamilyWanted reports whether a rule of family got belongs in a
// dump filtered by want (0: inet and inet6).
func ruleFamilyWanted(want, got uint8) bool {
	if want == ipFamilyUnspec {
		return got == ipFamily4 || got == ipFamily6
	}
	return got == want
}

// EachRule streams the rules matching f to fn. A dump the kernel starts
// over is handled as OnRestart says.
func (c *Client) EachRule(ctx context.Context, f RuleFilter, fn func(Rule) error, opts ...CallOption) error {
	o := collectOptions(opts)
	rs := restarts{hook: o.onRestart}
	fam, ok := ipFamilyNumber(f.Family)
	if !ok {
		return badArg("family", f.Family, "want inet or inet6")
	}
	tables := o.tablesFor()
	req := make([]byte, fibRuleHdrLen)
	req[0] = fam
	err := c.conn.Dump(ctx, codec.Message{Header: codec.Header{Type: rtmGetRule, Flags: codec.Dump}, Data: req}, func(m codec.Message) error {
		if isDumpRestart(m) {
			return rs.restarted()
		}
		if m.Header.Type != rtmNewRule || len(m.Data) < fibRuleHdrLen || !ruleFamilyWanted(fam, m.Data[0]) {
			return nil
		}
		r, err := decodeRule(m.Data, tables)
		if err != nil {
			return err
		}
		rs.seen = true
		return fn(r)
	})
	return annotate(err, rtmGetRule, "dump")
}

// ListRules returns the rules matching f, like `ip -j rule show`.
func (c *Client) ListRules(ctx context.Context, f RuleFilter, opts ...CallOption) ([]Rule, error) {
	var out []Rule
	err := c.EachRule(ctx, f, func(r Rule) error {
		out = append(out, r)
		return nil
	}, append(opts[:len(opts):len(opts)], OnRestart(func() error { out = out[:0]; return nil }))...)
	return out, err
}

// AddRule adds a rule, like `ip rule add`. The kernel answers EEXIST for a
// rule identical in every field (give Priority); ExistOK makes that a
// success.
func (c *Client) AddRule(ctx context.Context, r Rule, opts ...CallOption) error {
	o := collectOptions(opts)
	b, err := encodeRule(&r, o.tablesFor(), false)
	if err != nil {
		return err
	}
	_, err = c.execute(ctx, rtmNewRule, codec.Create|codec.Excl, b, r.object())
	if err != nil && o.existOK && isExist(err) {
		return nil // the kernel's rule_exists compared every field
	}
	return err
}

// DelRule removes the first rule matching every field r sets, like
// `ip rule del`.
func (c *Client) DelRule(ctx context.Context, r Rule, opts ...CallOption) error {
	o := collectOptions(opts)
	b, err := encodeRule(&r, o.tablesFor(), true)
	if err != nil {
		return err
	}
	_, err = c.execute(ctx, rtmDelRule, 0, b, r.object())
	return err
}
