package ruletext

import (
	"errors"
	"slices"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// Rules nft writes with parts the printer has no words for are refused
// or spelled out, never printed as a shorter, other rule: a udplite
// port keeps its protocol match ("meta l4proto udplite th dport 80", not
// "th dport 80", any protocol; sctp's is "sctp dport 80", as nft's),
// "log group 2" (nflog) prints as such, not as "log" (the kernel log),
// and "masquerade random" not as "masquerade".
func TestPrintNeverDropsAMatch(t *testing.T) {
	p := NewPrinter(loResolver{})
	l4 := func(proto byte) []expr.Expr {
		return []expr.Expr{
			&expr.Meta{Key: expr.MetaL4proto, DestRegister: expr.Reg1},
			&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{proto}},
			&expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadTransport, Offset: 2, Len: 2},
			&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{0, 80}},
		}
	}
	if got, err := p.Print("inet", l4(136), "", nil); err != nil || got != "meta l4proto udplite th dport 80" {
		t.Errorf("udplite dport 80 printed as %q (%v)", got, err)
	}
	// a header nft names prints as nft prints it
	if got, err := p.Print("inet", l4(132), "", nil); err != nil || got != "sctp dport 80" {
		t.Errorf("sctp dport 80 printed as %q (%v)", got, err)
	}
	// nflog, log flags and NAT flags print as nft prints them
	for _, tc := range []struct {
		x    expr.Expr
		want string
	}{
		{&expr.Log{Group: 2}, "log group 2"},
		{&expr.Log{Group: 2, Snaplen: 100, QThreshold: 10}, "log group 2 snaplen 100 queue-threshold 10"},
		{&expr.Log{Flags: expr.LogTCPSeq}, "log flags tcp sequence"},
		{&expr.Log{Flags: expr.LogTCPOpt | expr.LogIPOpt | expr.LogUID}, "log flags tcp options flags ip options flags skuid"},
		{&expr.Log{Level: 7, Flags: expr.LogFlagsAll}, "log level debug flags all"},
		{&expr.Masq{Flags: expr.NATRangeProtoRandom}, "masquerade random"},
		{&expr.Masq{Flags: expr.NATRangeProtoRandomFull | expr.NATRangePersistent}, "masquerade fully-random,persistent"},
		{&expr.Redir{Flags: expr.NATRangePersistent}, "redirect persistent"},
		{&expr.Limit{Rate: 10 << 20, Unit: 1, Type: expr.LimitBytes}, "limit rate 10 mbytes/second"},
		{&expr.Quota{Bytes: 100 << 20, Flags: expr.QuotaInvert}, "quota over 100 mbytes"},
	} {
		if got, err := p.Print("ip", []expr.Expr{tc.x}, "", nil); err != nil || got != tc.want {
			t.Errorf("%+v printed as %q (%v), want %q", tc.x, got, err, tc.want)
		}
	}
	// What the kernel takes but nft has no words for stays expressions:
	// NAT's PROTO_OFFSET; NETMAP ("snat prefix to") with another flag,
	// which nft would print as a rule that reads back without NETMAP; a
	// limit per 2 seconds; nflog's snaplen without a group; a level past
	// audit; log flags the kernel does not know.
	nat := func(flags uint32) []expr.Expr {
		return []expr.Expr{
			&expr.Immediate{DestRegister: expr.Reg1, Data: []byte{10, 0, 0, 0}},
			&expr.Immediate{DestRegister: expr.Reg2, Data: []byte{10, 0, 0, 255}},
			&expr.NAT{Type: expr.NATSnat, Family: 2, RegAddrMin: expr.Reg1, RegAddrMax: expr.Reg2, Flags: flags},
		}
	}
	if got, err := p.Print("ip", nat(expr.NATRangeNetmap), "", nil); err != nil || got != "snat prefix to 10.0.0.0/24" {
		t.Errorf("netmap printed as %q (%v)", got, err)
	}
	for _, xs := range [][]expr.Expr{
		nat(expr.NATRangeProtoOffset),
		nat(expr.NATRangeNetmap | expr.NATRangeProtoRandom),
		{&expr.Masq{Flags: expr.NATRangeProtoOffset}},
		{&expr.Redir{Flags: 0x80}},
		{&expr.Limit{Rate: 10, Unit: 2}},
		{&expr.Log{Snaplen: 100}},
		{&expr.Log{Level: 9}},
		{&expr.Log{Flags: 0x10}},
		{&expr.Quota{Bytes: 1, Flags: 4}},
	} {
		if got, err := p.Print("ip", xs, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%+v printed as %q (%v), want ErrNotPrintable", xs[len(xs)-1], got, err)
		}
	}
}

// A dynset the printer has no words for (an operation, a flag, a map's
// data, a statement other than counter, limit and ct count), an icmp
// field without the type match it exists in, a numgen or hash nft would
// not print as such (an unknown type, a modulus of 0, a jhash of other
// registers than those loaded) and a NAT map with a flag or registers
// nft does not lay out are refused, not printed as
// another rule ("icmp id 5" compiles with a match of the echo types).
func TestPrintRefusesWhatItCannotSay(t *testing.T) {
	p := NewPrinter(loResolver{})
	nested := func(x expr.Expr) []byte {
		b, err := expr.MarshalNested(x)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	saddr := &expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadNetwork, Offset: 12, Len: 4}
	ok := &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Op: dynsetUpdate, Timeout: 30000, Expr: nested(&expr.Counter{Packets: 3})}
	if got, err := p.Print("ip", []expr.Expr{saddr, ok}, "", nil); err != nil || got != "update @s { ip saddr timeout 30s counter }" {
		t.Errorf("dynset printed as %q (%v)", got, err)
	}
	l4 := []expr.Expr{
		&expr.Meta{Key: expr.MetaL4proto, DestRegister: expr.Reg1},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{1}},
	}
	typ := func(v ...byte) []expr.Expr {
		return []expr.Expr{&expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadTransport, Offset: 0, Len: 1},
			&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: v}}
	}
	load := func(off, n uint32, v ...byte) []expr.Expr {
		return []expr.Expr{&expr.Payload{DestRegister: expr.Reg1, Base: expr.PayloadTransport, Offset: off, Len: n},
			&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: v}}
	}
	cat := func(xs ...[]expr.Expr) []expr.Expr { return slices.Concat(xs...) }
	one := &expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{1, 0, 0, 0}}
	symSeed := &expr.Hash{DestRegister: expr.Reg1, Modulus: 2, Type: expr.HashSymmetric}
	symSeed.SetSeed(0)
	saddr2 := &expr.Payload{DestRegister: expr.Reg2, Base: expr.PayloadNetwork, Offset: 12, Len: 4}
	ng := &expr.Numgen{DestRegister: expr.Reg1, Modulus: 2}
	natLookup := &expr.Lookup{Set: "m", SourceRegister: expr.Reg1, DestRegister: expr.Reg1, IsMap: true}
	for _, tc := range []struct {
		xs   []expr.Expr
		want string
	}{
		{[]expr.Expr{ng, one}, "numgen inc mod 2 1"},
		{[]expr.Expr{&expr.Numgen{DestRegister: expr.Reg1, Modulus: 3, Type: expr.NumgenRandom, Offset: 7}, one}, "numgen random mod 3 offset 7 1"},
		{[]expr.Expr{saddr2, &expr.Hash{SourceRegister: expr.Reg2, Len: 4, DestRegister: expr.Reg1, Modulus: 2}, one}, "jhash ip saddr mod 2 1"},
		{[]expr.Expr{&expr.Hash{DestRegister: expr.Reg1, Modulus: 2, Type: expr.HashSymmetric}, one}, "symhash mod 2 1"},
		{[]expr.Expr{ng, natLookup, &expr.NAT{Type: expr.NATDnat, Family: 2, RegAddrMin: expr.Reg1}}, "dnat to numgen inc mod 2 map @m"},
		{[]expr.Expr{ng, natLookup, &expr.NAT{Type: expr.NATSnat, Family: 2, RegAddrMin: expr.Reg1, RegAddrMax: expr.Reg1, RegProtoMin: 9, RegProtoMax: 9, Flags: expr.NATRangeMapIPs | expr.NATRangeProtoSpecified}}, "snat ip to numgen inc mod 2 map @m"},
	} {
		if got, err := p.Print("ip", tc.xs, "", nil); err != nil || got != tc.want {
			t.Errorf("%s: printed as %q (%v)", tc.want, got, err)
		}
	}
	if got, err := p.Print("ip", cat(l4, typ(8), load(4, 2, 0, 5)), "", nil); err != nil || got != "icmp type echo-request icmp id 5" {
		t.Errorf("icmp id after its type printed as %q (%v)", got, err)
	}
	// an anonymous NAT map whose elements are not of its types, or
	// whose values do not fit the NAT's registers
	types := NewTypes()
	integer, a4, port := types.ByName("integer"), types.ByName("ipv4_addr"), types.ByName("inet_service")
	anonNat := []expr.Expr{ng, &expr.Lookup{Set: "__map1", SetID: 1, SourceRegister: expr.Reg1, DestRegister: expr.Reg1, IsMap: true},
		&expr.NAT{Type: expr.NATDnat, Family: 2, RegAddrMin: expr.Reg1}}
	for name, set := range map[string]*AnonSet{
		"":                  {Key: KeyType{integer}, Data: KeyType{a4}, Elements: []Element{{Key: []byte{0, 0, 0, 0}, Data: []byte{10, 0, 0, 1}}}},
		"short value":       {Key: KeyType{integer}, Data: KeyType{a4}, Elements: []Element{{Key: []byte{0, 0, 0, 0}, Data: []byte{10, 0, 0}}}},
		"short key":         {Key: KeyType{integer}, Data: KeyType{a4}, Elements: []Element{{Key: []byte{0}, Data: []byte{10, 0, 0, 1}}}},
		"values with ports": {Key: KeyType{integer}, Data: KeyType{a4, port}, Elements: []Element{{Key: []byte{0, 0, 0, 0}, Data: make([]byte, 8)}}},
		"no elements":       {Key: KeyType{integer}, Data: KeyType{a4}},
		"a verdict map":     {Key: KeyType{integer}, VerdictMap: true},
	} {
		got, err := p.Print("ip", anonNat, "", func(string, uint32) *AnonSet { return set })
		if name == "" {
			if err != nil || got != "dnat to numgen inc mod 2 map { 0 : 10.0.0.1 }" {
				t.Errorf("nat map printed as %q (%v)", got, err)
			}
		} else if !errors.Is(err, ErrNotPrintable) {
			t.Errorf("nat map, %s: printed as %q (%v), want ErrNotPrintable", name, got, err)
		}
	}
	for name, xs := range map[string][]expr.Expr{
		"dynset op 3":                  {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Op: 3}},
		"inverted dynset":              {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Flags: dynsetFInv}},
		"dynset of a map":              {saddr, &expr.Dynset{SetName: "m", SourceRegisterKey: expr.Reg1, SourceRegisterData: expr.Reg2}},
		"dynset with a log":            {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Expr: nested(&expr.Log{})}},
		"dynset with a notrack":        {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Expr: nested(&expr.Notrack{})}},
		"dynset with a quota of flags": {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Expr: nested(&expr.Quota{Bytes: 1000, Flags: 4})}},
		"dynset with garbage":          {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg1, Expr: []byte{1, 2, 3}}},
		"dynset with no name":          {saddr, &expr.Dynset{SourceRegisterKey: expr.Reg1}},
		"dynset from another reg":      {saddr, &expr.Dynset{SetName: "s", SourceRegisterKey: expr.Reg2}},
		"icmp id, no type":             cat(l4, load(4, 2, 0, 5)),
		"icmp id, another type":        cat(l4, typ(3), load(4, 2, 0, 5)),
		"icmpv6 mtu, half of it":       cat(l4[:1], []expr.Expr{&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{58}}}, typ(2), load(4, 2, 5, 0)),
		"icmp sequence, echo or not":   cat(l4, typ(8), typ(3), load(6, 2, 0, 5)),
		"numgen of unknown type":       {&expr.Numgen{DestRegister: expr.Reg1, Modulus: 2, Type: 2}, one},
		"numgen mod 0":                 {&expr.Numgen{DestRegister: expr.Reg1, Type: expr.NumgenRandom}, one},
		"numgen into no register":      {&expr.Numgen{Modulus: 2}, one},
		"hash of unknown type":         {&expr.Hash{DestRegister: expr.Reg1, Modulus: 2, Type: 2}, one},
		"symhash with a seed":          {symSeed, one},
		"symhash of registers":         {&expr.Hash{SourceRegister: expr.Reg2, Len: 4, DestRegister: expr.Reg1, Modulus: 2, Type: expr.HashSymmetric}, one},
		"jhash of nothing loaded":      {&expr.Hash{SourceRegister: expr.Reg2, Len: 4, DestRegister: expr.Reg1, Modulus: 2}, one},
		"jhash of more than loaded":    {saddr2, &expr.Hash{SourceRegister: expr.Reg2, Len: 8, DestRegister: expr.Reg1, Modulus: 2}, one},
		"jhash of another register":    {saddr2, &expr.Hash{SourceRegister: expr.Reg3, Len: 4, DestRegister: expr.Reg1, Modulus: 2}, one},
		"map into a register, no nat":  {ng, &expr.Lookup{Set: "m", SourceRegister: expr.Reg1, DestRegister: expr.Reg1, IsMap: true}},
		"nat map with a netmap flag":   {ng, natLookup, &expr.NAT{Type: expr.NATDnat, Family: 2, RegAddrMin: expr.Reg1, Flags: expr.NATRangeNetmap}},
		"nat map to a range":           {ng, natLookup, &expr.NAT{Type: expr.NATDnat, Family: 2, RegAddrMin: expr.Reg1, RegAddrMax: expr.Reg2}},
		"nat map, port elsewhere":      {ng, natLookup, &expr.NAT{Type: expr.NATDnat, Family: 2, RegAddrMin: expr.Reg1, RegProtoMin: expr.Reg3}},
		"nat map from another reg":     {ng, natLookup, &expr.NAT{Type: expr.NATDnat, Family: 2, RegAddrMin: expr.Reg2}},
	} {
		if got, err := p.Print("ip", xs, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%s: printed as %q (%v), want ErrNotPrintable", name, got, err)
		}
	}
}

// An exthdr load nft would not print as such is refused: an unknown op
// or flag, a presence load with an offset or compared with another
// value, a field nft has no name for, a masked field whose mask, xor or
// value does not fit, an IPv6 header in an ip table, a write other than
// the MSS's; and a meta secpath compared with 2.
func TestPrintRefusesExthdr(t *testing.T) {
	p := NewPrinter(loResolver{})
	cmp := func(op uint32, v ...byte) *expr.Cmp { return &expr.Cmp{SourceRegister: expr.Reg1, Op: op, Data: v} }
	x := func(op uint32, typ uint8, off, n, flags uint32) *expr.Exthdr {
		return &expr.Exthdr{DestRegister: expr.Reg1, Op: op, Type: typ, Offset: off, Len: n, Flags: flags}
	}
	bw := func(mask, xor []byte) *expr.Bitwise {
		return &expr.Bitwise{SourceRegister: expr.Reg1, DestRegister: expr.Reg1, Len: uint32(len(mask)), Mask: mask, Xor: xor}
	}
	if got, err := p.Print("ip6", []expr.Expr{x(expr.ExthdrIPv6, 44, 0, 1, 1), cmp(expr.CmpEq, 1)}, "", nil); err != nil || got != "exthdr frag exists" {
		t.Errorf("exthdr frag exists printed as %q (%v)", got, err)
	}
	if got, err := p.Print("ip6", []expr.Expr{x(expr.ExthdrTCPOpt, 42, 2, 4, 0), cmp(expr.CmpEq, 0, 0, 0, 16)}, "", nil); err != nil || got != "tcp option @42,16,32 16" {
		t.Errorf("raw tcp option printed as %q (%v)", got, err)
	}
	for i, xs := range [][]expr.Expr{
		{x(3, 1, 0, 1, 1), cmp(expr.CmpEq, 1)},                                                                        // SCTP chunk, unknown to nft 1.0.6
		{x(expr.ExthdrIPv6, 44, 0, 1, 2), cmp(expr.CmpEq, 1)},                                                         // an unknown flag
		{x(expr.ExthdrIPv6, 44, 0, 1, 3), cmp(expr.CmpEq, 1)},                                                         // present and another
		{x(expr.ExthdrIPv6, 44, 2, 1, 1), cmp(expr.CmpEq, 1)},                                                         // present at an offset
		{x(expr.ExthdrIPv6, 44, 0, 1, 1), cmp(expr.CmpEq, 2)},                                                         // neither 0 nor 1
		{x(expr.ExthdrIPv6, 44, 0, 1, 1), cmp(expr.CmpGt, 0)},                                                         // an order
		{x(expr.ExthdrIPv6, 44, 0, 1, 1), cmp(expr.CmpEq, 1, 0)},                                                      // 2 bytes
		{x(expr.ExthdrIPv6, 44, 0, 1, 1)},                                                                             // no comparison
		{x(expr.ExthdrIPv6, 44, 6, 2, 0), cmp(expr.CmpEq, 0, 0)},                                                      // no field there
		{x(expr.ExthdrIPv6, 99, 0, 1, 0), cmp(expr.CmpEq, 6)},                                                         // no such header
		{x(expr.ExthdrIPv4, 7, 0, 1, 1), cmp(expr.CmpEq, 1)},                                                          // an IPv4 option in ip6
		{x(expr.ExthdrTCPOpt, 3, 3, 1, 0), cmp(expr.CmpEq, 1)},                                                        // bytes of a named kind no field has: nft's "window unknown"
		{x(expr.ExthdrTCPOpt, 42, 1, 3, 0), cmp(expr.CmpEq, 0, 0, 1)},                                                 // raw, 24 bits
		{x(expr.ExthdrTCPOpt, 42, 1, 1, 0), bw([]byte{0x0f}, []byte{0}), cmp(expr.CmpEq, 1)},                          // raw, masked
		{x(expr.ExthdrTCPOpt, 3, 2, 1, 0), bw([]byte{0x0f}, []byte{0}), cmp(expr.CmpEq, 1)},                           // a field masked: nft's "& 15 == 1"
		{x(expr.ExthdrIPv6, 44, 4, 4, 0), bw([]byte{0, 0, 0, 0xff}, []byte{0, 0, 0, 0}), cmp(expr.CmpEq, 0, 0, 0, 5)}, // nft's "frag unknown & 255"
		{x(expr.ExthdrIPv6, 44, 3, 1, 0), bw([]byte{0x03}, []byte{0}), cmp(expr.CmpEq, 1)},                            // a mask of no field
		{x(expr.ExthdrIPv6, 44, 3, 1, 0), bw([]byte{0x01}, []byte{1}), cmp(expr.CmpEq, 1)},                            // an xor
		{x(expr.ExthdrIPv6, 44, 3, 1, 0), bw([]byte{0x01}, []byte{0}), cmp(expr.CmpEq, 2)},                            // a value past the mask
		{x(expr.ExthdrIPv6, 44, 2, 2, 0), bw([]byte{0xff, 0xf8}, []byte{0, 0}), cmp(expr.CmpGt, 0, 8)},                // an order
		{&expr.Immediate{DestRegister: expr.Reg1, Data: []byte{5}}, &expr.Exthdr{SourceRegister: expr.Reg1, Op: expr.ExthdrTCPOpt, Type: 3, Offset: 2, Len: 1}},
		{&expr.Meta{Key: metaSecpath, DestRegister: expr.Reg1}, cmp(expr.CmpEq, 2)},
		{&expr.Meta{Key: metaSecpath, DestRegister: expr.Reg1}, cmp(expr.CmpEq, 1, 0, 0, 0)},
	} {
		if got, err := p.Print("ip6", xs, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%d: %+v printed as %q (%v), want ErrNotPrintable", i, xs, got, err)
		}
	}
	// an IPv6 extension header in an ip table
	if got, err := p.Print("ip", []expr.Expr{x(expr.ExthdrIPv6, 44, 0, 1, 1), cmp(expr.CmpEq, 1)}, "", nil); !errors.Is(err, ErrNotPrintable) {
		t.Errorf("exthdr frag in ip printed as %q (%v), want ErrNotPrintable", got, err)
	}
}

// Sockets, transparent proxies and OS fingerprints nft has no words for
// are refused: a socket key or level nlsh does not name (cgroupv2 names
// its cgroup by path), a tproxy with no transport match before it, of
// the other family, or with registers not as nft fills them, an osf TTL
// check or flag nft does not know.
func TestPrintRefusesSocketTproxyOsf(t *testing.T) {
	p := NewPrinter(loResolver{})
	cmp1 := &expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{1}}
	linux := &expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: append([]byte("Linux"), make([]byte, 11)...)}
	tcp := []expr.Expr{
		&expr.Meta{Key: expr.MetaL4proto, DestRegister: expr.Reg1},
		&expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{6}},
	}
	addr := &expr.Immediate{DestRegister: expr.Reg1, Data: []byte{127, 0, 0, 1}}
	port := func(reg uint32) *expr.Immediate { return &expr.Immediate{DestRegister: reg, Data: []byte{0x1f, 0x90}} }
	// what nft prints
	for _, tc := range []struct {
		family string
		xs     []expr.Expr
		want   string
	}{
		{"inet", []expr.Expr{&expr.Socket{Key: expr.SocketTransparent, DestRegister: expr.Reg1}, cmp1}, "socket transparent 1"},
		{"ip", []expr.Expr{&expr.Osf{DestRegister: expr.Reg1, TTL: expr.OsfTTLLoose, Flags: expr.OsfVersion}, linux}, `osf ttl loose version "Linux"`},
		{"inet", slices.Concat(tcp, []expr.Expr{addr, port(2), &expr.Tproxy{Family: 2, AddrRegister: 1, PortRegister: 2}}), "meta l4proto tcp tproxy ip to 127.0.0.1:8080"},
		{"ip", slices.Concat(tcp, []expr.Expr{port(1), &expr.Tproxy{Family: 2, PortRegister: 1}}), "meta l4proto tcp tproxy to :8080"},
	} {
		if got, err := p.Print(tc.family, tc.xs, "", nil); err != nil || got != tc.want {
			t.Errorf("%s: printed %q (%v), want %q", tc.want, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		family string
		xs     []expr.Expr
	}{
		{"inet", []expr.Expr{&expr.Socket{Key: expr.SocketCgroupv2, DestRegister: expr.Reg1, Level: 1}, cmp1}},
		{"inet", []expr.Expr{&expr.Socket{Key: expr.SocketMark, DestRegister: expr.Reg1, Level: 1}, cmp1}},
		{"inet", []expr.Expr{&expr.Socket{Key: 9, DestRegister: expr.Reg1}, cmp1}},
		{"ip", []expr.Expr{&expr.Osf{DestRegister: expr.Reg1, TTL: 3}, linux}},
		{"ip", []expr.Expr{&expr.Osf{DestRegister: expr.Reg1, Flags: 2}, linux}},
		// no tcp or udp match first
		{"inet", []expr.Expr{addr, port(2), &expr.Tproxy{Family: 2, AddrRegister: 1, PortRegister: 2}}},
		// an IPv6 proxy in an ip table; an address with no family
		{"ip", slices.Concat(tcp, []expr.Expr{port(1), &expr.Tproxy{Family: 10, PortRegister: 1}})},
		{"inet", slices.Concat(tcp, []expr.Expr{addr, &expr.Tproxy{AddrRegister: 1}})},
		// the port in register 1 after an address, or from no immediate
		{"inet", slices.Concat(tcp, []expr.Expr{addr, port(1), &expr.Tproxy{Family: 2, AddrRegister: 1, PortRegister: 1}})},
		{"inet", slices.Concat(tcp, []expr.Expr{&expr.Tproxy{PortRegister: 1}})},
		{"bridge", slices.Concat(tcp, []expr.Expr{port(1), &expr.Tproxy{PortRegister: 1}})},
		// a time with a fraction of a second, which nft prints without it
		{"inet", []expr.Expr{&expr.Meta{Key: expr.MetaTimeNs, DestRegister: expr.Reg1}, &expr.Cmp{SourceRegister: expr.Reg1, Op: expr.CmpEq, Data: []byte{1, 0, 0, 0, 0, 0, 0, 0}}}},
	} {
		if got, err := p.Print(tc.family, tc.xs, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%+v printed as %q (%v), want ErrNotPrintable", tc.xs, got, err)
		}
	}
}
