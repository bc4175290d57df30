package ruletext

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"
)

// ByteOrder is how a datatype's value sits in a register.
type ByteOrder uint8

// Byte orders, numbered as nft's udata spells them.
const (
	HostEndian ByteOrder = 1
	BigEndian  ByteOrder = 2
)

// Type is an nft datatype: its id (as NFTA_SET_KEY_TYPE carries it), its
// name, its size in bytes and how its values read and print.
type Type struct {
	ID    uint32
	Name  string
	Len   int
	Order ByteOrder
	// Symbols names values (icmp types, ct states, protocols).
	Symbols map[uint64]string
	// Bits marks a bitmask type printed as comma-separated names.
	Bits bool
	// Opaque marks a type nlsh has no name for (OpaqueType): its values
	// are their bytes, in hex.
	Opaque bool
}

// OpaqueType is a datatype nlsh has no name for, known by its id, size
// and byte order only (a set nft made of a type nlsh does not know): named
// "type 0x12", its values read and print as the hex of their n bytes,
// so that such a set is listed and made again with its elements.
func OpaqueType(id uint32, n int, order ByteOrder) *Type {
	return &Type{ID: id, Name: fmt.Sprintf("type %#x", id), Len: n, Order: order, Opaque: true}
}

// Datatype ids (enum datatypes in nft's datatype.h).
const (
	TypeVerdict      = 1
	TypeNFProto      = 2
	TypeInteger      = 4
	TypeString       = 5
	TypeIPAddr       = 7
	TypeIP6Addr      = 8
	TypeEtherAddr    = 9
	TypeEtherType    = 10
	TypeInetProto    = 12
	TypeInetService  = 13
	TypeICMPType     = 14
	TypeMark         = 19
	TypeIfIndex      = 20
	TypeCtState      = 26
	TypeCtStatus     = 28
	TypeICMP6Type    = 29
	TypeFibAddr      = 38
	TypeDSCP         = 36
	TypePktType      = 31
	TypeICMPCode     = 32
	TypeICMP6Code    = 33
	TypeClassID      = 23
	TypeUID          = 24
	TypeGID          = 25
	TypeCtDir        = 27
	TypeIfName       = 41
	TypeDCCPPktType  = 16
	TypeRealm        = 22
	TypeTCPFlag      = 15
	TypeDevGroup     = 35
	TypeTimeDate     = 43
	TypeTimeHour     = 44
	TypeTimeDay      = 45
	TypeArpOp        = 11
	TypeIfaceType    = 21
	TypeICMPXCode    = 34
	TypeECN          = 37
	TypeBoolean      = 39
	concatTypeBits   = 6
	verdictTypeValue = 0xffffff00 // NFT_DATA_VERDICT as a set's data type
)

// Types is a read-only table of the datatypes rule text and sets use.
type Types struct {
	byName map[string]*Type
	byID   map[uint32]*Type
}

// NewTypes builds the datatype table.
func NewTypes() *Types {
	protos := map[uint64]string{1: "icmp", 2: "igmp", 6: "tcp", 17: "udp", 33: "dccp", 41: "ipv6", 47: "gre", 50: "esp", 51: "ah", 58: "ipv6-icmp", 132: "sctp", 136: "udplite"}
	readProtocols("/etc/protocols", protos)
	list := []*Type{
		{ID: TypeIPAddr, Name: "ipv4_addr", Len: 4, Order: BigEndian},
		{ID: TypeIP6Addr, Name: "ipv6_addr", Len: 16, Order: BigEndian},
		{ID: TypeInetService, Name: "inet_service", Len: 2, Order: BigEndian},
		{ID: TypeInetProto, Name: "inet_proto", Len: 1, Order: BigEndian, Symbols: protos},
		{ID: TypeIfName, Name: "ifname", Len: 16, Order: HostEndian},
		{ID: TypeEtherAddr, Name: "ether_addr", Len: 6, Order: BigEndian},
		{ID: TypeEtherType, Name: "ether_type", Len: 2, Order: BigEndian, Symbols: map[uint64]string{
			0x0800: "ip", 0x0806: "arp", 0x86dd: "ip6", 0x8100: "vlan", 0x88a8: "8021ad"}},
		{ID: TypeMark, Name: "mark", Len: 4, Order: HostEndian},
		{ID: TypeIfIndex, Name: "iface_index", Len: 4, Order: HostEndian},
		{ID: TypeInteger, Name: "integer", Len: 4, Order: HostEndian},
		{ID: TypeNFProto, Name: "nf_proto", Len: 1, Order: HostEndian, Symbols: map[uint64]string{2: "ipv4", 10: "ipv6"}},
		{ID: TypeICMPType, Name: "icmp_type", Len: 1, Order: BigEndian, Symbols: map[uint64]string{
			0: "echo-reply", 3: "destination-unreachable", 4: "source-quench", 5: "redirect", 8: "echo-request",
			9: "router-advertisement", 10: "router-solicitation", 11: "time-exceeded", 12: "parameter-problem",
			13: "timestamp-request", 14: "timestamp-reply", 15: "info-request", 16: "info-reply",
			17: "address-mask-request", 18: "address-mask-reply"}},
		{ID: TypeICMP6Type, Name: "icmpv6_type", Len: 1, Order: BigEndian, Symbols: map[uint64]string{
			1: "destination-unreachable", 2: "packet-too-big", 3: "time-exceeded", 4: "parameter-problem",
			128: "echo-request", 129: "echo-reply", 130: "mld-listener-query", 131: "mld-listener-report",
			132: "mld-listener-done", 133: "nd-router-solicit", 134: "nd-router-advert",
			135: "nd-neighbor-solicit", 136: "nd-neighbor-advert", 137: "nd-redirect"}},
		{ID: 15, Name: "tcp_flag", Len: 1, Order: BigEndian, Bits: true, Symbols: map[uint64]string{
			1: "fin", 2: "syn", 4: "rst", 8: "psh", 16: "ack", 32: "urg", 64: "ecn", 128: "cwr"}},
		{ID: TypeCtState, Name: "ct_state", Len: 4, Order: HostEndian, Bits: true, Symbols: map[uint64]string{
			1: "invalid", 2: "established", 4: "related", 8: "new", 64: "untracked"}},
		{ID: TypeDCCPPktType, Name: "dccp_pkttype", Len: 1, Order: BigEndian, Symbols: map[uint64]string{
			0: "request", 1: "response", 2: "data", 3: "ack", 4: "dataack", 5: "closereq", 6: "close",
			7: "reset", 8: "sync", 9: "syncack"}},
		{ID: TypeCtDir, Name: "ct_dir", Len: 1, Order: HostEndian, Symbols: map[uint64]string{0: "original", 1: "reply"}},
		{ID: TypeClassID, Name: "classid", Len: 4, Order: HostEndian},
		// printed as numbers, as nft prints them by default
		{ID: TypeUID, Name: "uid", Len: 4, Order: HostEndian},
		{ID: TypeGID, Name: "gid", Len: 4, Order: HostEndian},
		{ID: TypePktType, Name: "pkt_type", Len: 1, Order: HostEndian, Symbols: map[uint64]string{
			0: "host", 1: "broadcast", 2: "multicast", 3: "other"}},
		// integers of header fields narrower than a register (ip ttl,
		// ip length): nft's integer type, in network order
		{ID: TypeInteger, Name: "integer8", Len: 1, Order: BigEndian},
		{ID: TypeInteger, Name: "integer16", Len: 2, Order: BigEndian},
		{ID: TypeInteger, Name: "integer32", Len: 4, Order: BigEndian},
		{ID: TypeICMPCode, Name: "icmp_code", Len: 1, Order: BigEndian, Symbols: map[uint64]string{
			0: "net-unreachable", 1: "host-unreachable", 2: "prot-unreachable", 3: "port-unreachable",
			4: "frag-needed", 9: "net-prohibited", 10: "host-prohibited", 13: "admin-prohibited"}},
		{ID: TypeICMP6Code, Name: "icmpv6_code", Len: 1, Order: BigEndian, Symbols: map[uint64]string{
			0: "no-route", 1: "admin-prohibited", 3: "addr-unreachable", 4: "port-unreachable",
			5: "policy-fail", 6: "reject-route"}},
		{ID: TypeDSCP, Name: "dscp", Len: 1, Order: BigEndian, Symbols: map[uint64]string{
			0: "cs0", 8: "cs1", 16: "cs2", 24: "cs3", 32: "cs4", 40: "cs5", 48: "cs6", 56: "cs7",
			10: "af11", 12: "af12", 14: "af13", 18: "af21", 20: "af22", 22: "af23",
			26: "af31", 28: "af32", 30: "af33", 34: "af41", 36: "af42", 38: "af43",
			46: "ef", 44: "va", 1: "lephb"}},
		{ID: TypeFibAddr, Name: "fib_addrtype", Len: 4, Order: HostEndian, Symbols: map[uint64]string{
			0: "unspec", 1: "unicast", 2: "local", 3: "broadcast", 4: "anycast", 5: "multicast",
			6: "blackhole", 7: "unreachable", 8: "prohibit"}},
		{ID: TypeCtStatus, Name: "ct_status", Len: 4, Order: HostEndian, Bits: true, Symbols: map[uint64]string{
			1: "expected", 2: "seen-reply", 4: "assured", 8: "confirmed", 16: "snat", 32: "dnat", 512: "dying"}},
	}
	list = append(list,
		// printed as numbers: nft names realms from /etc/iproute2/rt_realms
		&Type{ID: TypeRealm, Name: "realm", Len: 4, Order: HostEndian},
		&Type{ID: TypeDevGroup, Name: "devgroup", Len: 4, Order: HostEndian, Symbols: readDevGroups("/etc/iproute2/group")},
		&Type{ID: TypeTimeDay, Name: "day", Len: 1, Order: HostEndian, Symbols: map[uint64]string{
			0: "Sunday", 1: "Monday", 2: "Tuesday", 3: "Wednesday", 4: "Thursday", 5: "Friday", 6: "Saturday"}},
		&Type{ID: TypeTimeHour, Name: "hour", Len: 4, Order: HostEndian},
		// nanoseconds since the epoch, read and printed in local time
		&Type{ID: TypeTimeDate, Name: "time", Len: 8, Order: HostEndian},
		// nft's string of an operating system's name ("osf name")
		&Type{ID: TypeString, Name: "osf_name", Len: 16, Order: HostEndian},
		// types nft names that rule text here does not use, for the sets
		// of them nft makes (listed and written back with their elements)
		&Type{ID: TypeArpOp, Name: "arp_op", Len: 2, Order: BigEndian, Symbols: map[uint64]string{
			1: "request", 2: "reply", 3: "rrequest", 4: "rreply", 8: "inrequest", 9: "inreply", 10: "nak"}},
		&Type{ID: TypeIfaceType, Name: "iface_type", Len: 2, Order: HostEndian, Symbols: map[uint64]string{
			1: "ether", 512: "ppp", 768: "ipip", 769: "ipip6", 772: "loopback", 776: "sit", 778: "ipgre"}},
		&Type{ID: TypeICMPXCode, Name: "icmpx_code", Len: 1, Order: BigEndian, Symbols: map[uint64]string{
			0: "no-route", 1: "port-unreachable", 2: "host-unreachable", 3: "admin-prohibited"}},
		&Type{ID: TypeECN, Name: "ecn", Len: 1, Order: BigEndian, Symbols: map[uint64]string{
			0: "not-ect", 1: "ect1", 2: "ect0", 3: "ce"}},
		&Type{ID: TypeBoolean, Name: "boolean", Len: 1, Order: HostEndian, Symbols: map[uint64]string{0: "missing", 1: "exists"}},
	)
	t := &Types{byName: map[string]*Type{}, byID: map[uint32]*Type{}}
	for _, x := range list {
		t.byName[x.Name] = x
		if t.byID[x.ID] == nil { // the sized integers stay "integer" by id
			t.byID[x.ID] = x
		}
	}
	return t
}

// ByName returns the datatype called name, or nil.
func (t *Types) ByName(name string) *Type { return t.byName[name] }

// ByID returns the datatype with id, or nil.
func (t *Types) ByID(id uint32) *Type { return t.byID[id] }

// KeyType describes a set key: one datatype or a concatenation.
type KeyType []*Type

// ParseKeyType reads "ipv4_addr" or "ipv4_addr . inet_service".
func (t *Types) ParseKeyType(s string) (KeyType, error) {
	var k KeyType
	for _, p := range strings.Split(s, ".") {
		p = strings.TrimSpace(p)
		x := t.ByName(p)
		if x == nil {
			return nil, fmt.Errorf("unknown datatype %q", p)
		}
		k = append(k, x)
	}
	return k, nil
}

// KeyTypeByID decodes NFTA_SET_KEY_TYPE (concatenations are packed 6 bits
// per member).
func (t *Types) KeyTypeByID(id uint32) (KeyType, error) {
	var k KeyType
	for id != 0 {
		x := t.ByID(id & (1<<concatTypeBits - 1))
		if x == nil {
			return nil, fmt.Errorf("unknown datatype id %d", id&(1<<concatTypeBits-1))
		}
		k = append(KeyType{x}, k...)
		id >>= concatTypeBits
	}
	if len(k) == 0 {
		return nil, fmt.Errorf("datatype id 0")
	}
	return k, nil
}

// ID is the NFTA_SET_KEY_TYPE value.
func (k KeyType) ID() uint32 {
	var id uint32
	for _, x := range k {
		id = id<<concatTypeBits | x.ID
	}
	return id
}

// Len is the key length in bytes; members of a concatenation take whole
// 4-byte registers.
func (k KeyType) Len() int {
	if len(k) == 1 {
		return k[0].Len
	}
	n := 0
	for _, x := range k {
		n += (x.Len + 3) &^ 3
	}
	return n
}

// String is the nft spelling, "ipv4_addr . inet_service".
func (k KeyType) String() string {
	s := make([]string, len(k))
	for i, x := range k {
		s[i] = x.Name
	}
	return strings.Join(s, " . ")
}

// Parse reads one value of the key: a value of a single type, or the
// members of a concatenation joined by " . ", each padded to whole
// 32-bit words as registers hold them.
func (k KeyType) Parse(s string) ([]byte, error) {
	if len(k) == 1 {
		return k[0].Parse(s)
	}
	parts := strings.Split(s, " . ")
	if len(parts) != len(k) {
		return nil, fmt.Errorf("%q: want %d values joined by \" . \" (%s)", s, len(k), k)
	}
	var key []byte
	for i, p := range parts {
		b, err := k[i].Parse(p)
		if err != nil {
			return nil, err
		}
		pad := make([]byte, (len(b)+3)&^3)
		copy(pad, b)
		key = append(key, pad...)
	}
	return key, nil
}

// ParseConcat reads one element of a concatenation: its members joined
// by " . ", each a value, a prefix or a range ("10.0.0.0/8 . 80-90"),
// each padded to whole 32-bit words. keyEnd, the element's last key, is
// nil when no member is a prefix or a range. Ranges are taken of members
// in network order only (nft keeps those of the others in an order nlsh
// does not write).
func (k KeyType) ParseConcat(s string) (key, keyEnd []byte, err error) {
	parts := strings.Split(s, " . ")
	if len(parts) != len(k) {
		return nil, nil, fmt.Errorf("%q: want %d values joined by \" . \" (%s)", s, len(k), k)
	}
	ranged := false
	for i, p := range parts {
		e, _, err := ParseElement(k[i], p)
		if err != nil {
			return nil, nil, err
		}
		end := e.Key
		if e.KeyEnd != nil {
			if k[i].Order != BigEndian {
				return nil, nil, fmt.Errorf("%q: a range of %s in a concatenation: nlsh takes ranges of network-order members only", p, k[i].Name)
			}
			end, ranged = e.KeyEnd, true
		}
		pad := make([]byte, (len(e.Key)+3)&^3-len(e.Key))
		key = append(append(key, e.Key...), pad...)
		keyEnd = append(append(keyEnd, end...), pad...)
	}
	if !ranged {
		keyEnd = nil
	}
	return key, keyEnd, nil
}

// FormatConcat prints what ParseConcat reads: each member a value, a
// prefix or a range, as nft lists them.
func (k KeyType) FormatConcat(key, keyEnd []byte) string {
	if keyEnd == nil || len(keyEnd) != len(key) {
		return k.Format(key)
	}
	var parts []string
	for _, t := range k {
		n := (t.Len + 3) &^ 3
		if len(key) < n {
			break
		}
		parts = append(parts, FormatElement(t, Element{Key: key[:t.Len], KeyEnd: keyEnd[:t.Len]}))
		key, keyEnd = key[n:], keyEnd[n:]
	}
	return strings.Join(parts, " . ")
}

// Format prints one value of the key, as Parse reads it.
func (k KeyType) Format(b []byte) string {
	if len(k) == 1 {
		return k[0].Format(b)
	}
	var parts []string
	for _, t := range k {
		n := (t.Len + 3) &^ 3
		if len(b) < n {
			break
		}
		parts = append(parts, t.Format(b[:t.Len]))
		b = b[n:]
	}
	return strings.Join(parts, " . ")
}

// IntervalsInNetworkOrder reports whether an interval set of the key
// holds its keys in network byte order, turned from the host order its
// values are in (a number in host order, such as a mark), as nft keeps
// them: the kernel orders an interval set's keys as big-endian numbers.
func (k KeyType) IntervalsInNetworkOrder() bool { return len(k) == 1 && hostOrdered(k[0]) }

// Names lists the member type names.
func (k KeyType) Names() []string {
	s := make([]string, len(k))
	for i, x := range k {
		s[i] = x.Name
	}
	return s
}

// Parse reads one value of the type from nft text into register bytes.
func (x *Type) Parse(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if x.Opaque {
		b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
		if err != nil || !strings.HasPrefix(s, "0x") || len(b) != x.Len {
			return nil, fmt.Errorf("bad %s %q: want 0x and the hex of %d bytes", x.Name, s, x.Len)
		}
		return b, nil
	}
	switch x.ID {
	case TypeIPAddr, TypeIP6Addr:
		a, err := netip.ParseAddr(s)
		if err != nil || (x.ID == TypeIPAddr) != a.Is4() {
			return nil, fmt.Errorf("bad %s %q", x.Name, s)
		}
		return a.AsSlice(), nil
	case TypeIfName, TypeString:
		s = strings.Trim(s, `"`)
		if len(s) >= x.Len {
			if x.ID == TypeString {
				return nil, fmt.Errorf("%s %q too long", x.Name, s)
			}
			return nil, fmt.Errorf("interface name %q too long", s)
		}
		if strings.IndexByte(s, 0) >= 0 { // the kernel's names end at the first NUL
			return nil, fmt.Errorf("interface name %q holds a NUL", s)
		}
		if strings.IndexByte(s, '"') >= 0 { // rule text has no way to quote it (found by FuzzCompile)
			return nil, fmt.Errorf("interface name %q holds a quote", s)
		}
		b := make([]byte, 16)
		copy(b, s)
		return b, nil
	case TypeEtherAddr:
		hw, err := net.ParseMAC(s)
		if err != nil || len(hw) != 6 {
			return nil, fmt.Errorf("bad ether_addr %q", s)
		}
		return hw, nil
	case TypeClassID:
		// "1:2" (major:minor in hex), "root", "none"
		switch s {
		case "root":
			return x.put(0xffffffff), nil
		case "none":
			return x.put(0), nil
		}
		maj, min, ok := strings.Cut(s, ":")
		a, err1 := strconv.ParseUint(maj, 16, 16)
		b, err2 := strconv.ParseUint(min, 16, 16)
		if !ok || err1 != nil || err2 != nil || maj == "" || min == "" {
			return nil, fmt.Errorf("bad classid %q (want major:minor in hex)", s)
		}
		return x.put(a<<16 | b), nil
	case TypeTimeHour:
		return x.parseHour(s)
	case TypeTimeDate:
		return x.parseDate(s)
	case TypeDevGroup, TypeTimeDay:
		// names are quoted, as nft prints them ("default", "Monday")
		s = unquote(s)
		if s == "" || strings.ContainsAny(s, `"`) {
			return nil, fmt.Errorf("bad %s value %q", x.Name, s)
		}
	}
	if x.Bits {
		var v uint64
		for _, p := range strings.Split(s, ",") {
			n, err := x.symbol(strings.TrimSpace(p))
			if err != nil {
				return nil, err
			}
			v |= n
		}
		return x.put(v), nil
	}
	v, err := x.symbol(s)
	if err != nil {
		return nil, err
	}
	return x.put(v), nil
}

func (x *Type) symbol(s string) (uint64, error) {
	for v, n := range x.Symbols {
		if n == s {
			return v, nil
		}
	}
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil && (x.ID == TypeUID || x.ID == TypeGID) {
		return lookupID(x.ID, s)
	}
	if err != nil && x.ID == TypeInetService {
		return lookupService(s)
	}
	if err != nil || (x.Len < 8 && v >= 1<<(8*x.Len)) {
		return 0, fmt.Errorf("bad %s value %q", x.Name, s)
	}
	return v, nil
}

// readProtocols adds to protos the protocol names of file (the format
// of /etc/protocols: "name number aliases... # comment"), which nft
// reads and prints through getprotobyname and getprotobynumber: the
// first name of a number wins, as there. Without the file protos stays
// as it is.
func readProtocols(file string, protos map[uint64]string) {
	b, err := os.ReadFile(file)
	if err != nil {
		return
	}
	seen := map[uint64]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, err := strconv.ParseUint(f[1], 10, 8)
		if err != nil || seen[n] || strings.ContainsAny(f[0], `",{}`) {
			continue
		}
		seen[n] = true
		protos[n] = f[0]
	}
}

// lookupService resolves a service name ("ssh", "http-alt") to its port,
// as nft does with getaddrinfo when it reads a rule: of any protocol
// (tcp's, else udp's), through /etc/services when built without cgo.
func lookupService(name string) (uint64, error) {
	if name == "" || strings.ContainsAny(name, `" `) {
		return 0, fmt.Errorf("bad inet_service value %q", name)
	}
	for _, proto := range []string{"tcp", "udp"} {
		if p, err := net.LookupPort(proto, name); err == nil {
			return uint64(p), nil
		}
	}
	return 0, fmt.Errorf("bad inet_service value %q: no such service", name)
}

// lookupID resolves a user (TypeUID) or group name to its id, as nft
// does with getpwnam and getgrnam when it reads a rule: through
// /etc/passwd and /etc/group when built without cgo.
func lookupID(typ uint32, name string) (uint64, error) {
	name = strings.Trim(name, `"`)
	var id string
	if typ == TypeUID {
		u, err := user.Lookup(name)
		if errors.As(err, new(user.UnknownUserError)) {
			return 0, fmt.Errorf("no user %q", name)
		}
		if err != nil {
			return 0, fmt.Errorf("user %q: %w", name, err)
		}
		id = u.Uid
	} else {
		g, err := user.LookupGroup(name)
		if errors.As(err, new(user.UnknownGroupError)) {
			return 0, fmt.Errorf("no group %q", name)
		}
		if err != nil {
			return 0, fmt.Errorf("group %q: %w", name, err)
		}
		id = g.Gid
	}
	v, err := strconv.ParseUint(id, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%s has id %q, not a number", name, id)
	}
	return v, nil
}

// put lays v out in the type's byte order and length.
func (x *Type) put(v uint64) []byte {
	b := make([]byte, x.Len)
	switch {
	case x.Len == 1:
		b[0] = byte(v)
	case x.Order == BigEndian && x.Len == 2:
		binary.BigEndian.PutUint16(b, uint16(v))
	case x.Order == BigEndian && x.Len == 4:
		binary.BigEndian.PutUint32(b, uint32(v))
	case x.Len == 2:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case x.Len == 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	case x.Len == 8:
		binary.LittleEndian.PutUint64(b, v)
	}
	return b
}

// Uint reads register bytes as a number in the type's byte order.
func (x *Type) Uint(b []byte) uint64 {
	var v uint64
	if x.Order == BigEndian {
		for _, c := range b {
			v = v<<8 | uint64(c)
		}
		return v
	}
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// formatNumber prints a value as Format does, but a named one (of a
// type with Symbols that is no set of flags) as its number.
func (x *Type) formatNumber(b []byte) string {
	if x.Symbols == nil || x.Bits || len(b) != x.Len {
		return x.Format(b)
	}
	if x.ID == TypeEtherType {
		return fmt.Sprintf("0x%04x", x.Uint(b))
	}
	return strconv.FormatUint(x.Uint(b), 10)
}

// Format prints register bytes as nft prints a value of the type.
func (x *Type) Format(b []byte) string {
	if x.Opaque {
		return "0x" + hex.EncodeToString(b)
	}
	switch x.ID {
	case TypeIPAddr, TypeIP6Addr:
		if a, ok := netip.AddrFromSlice(b); ok {
			return a.String()
		}
	case TypeIfName, TypeString:
		return quote(strings.TrimRight(string(b), "\x00"))
	case TypeEtherAddr:
		return net.HardwareAddr(b).String()
	case TypeMark:
		return fmt.Sprintf("0x%08x", x.Uint(b))
	case TypeTimeHour:
		return x.formatHour(b)
	case TypeTimeDate:
		if len(b) == 8 {
			return formatDate(binary.LittleEndian.Uint64(b))
		}
	case TypeDevGroup, TypeTimeDay:
		if n, ok := x.Symbols[x.Uint(b)]; ok && len(b) == x.Len {
			return quote(n)
		}
	case TypeClassID:
		switch v := x.Uint(b); v {
		case 0xffffffff:
			return "root"
		case 0:
			return "none"
		default:
			return fmt.Sprintf("%x:%x", v>>16, v&0xffff)
		}
	}
	v := x.Uint(b)
	if x.Bits {
		if v == 0 {
			return "0" // no flag set; an empty string is no value to read back
		}
		var names []string
		for bit := uint64(1); bit != 0 && bit <= v; bit <<= 1 {
			if v&bit == 0 {
				continue
			}
			if n, ok := x.Symbols[bit]; ok {
				names = append(names, n)
			} else {
				names = append(names, fmt.Sprintf("0x%x", bit))
			}
		}
		return strings.Join(names, ",")
	}
	if n, ok := x.Symbols[v]; ok {
		return n
	}
	return strconv.FormatUint(v, 10)
}

// readDevGroups reads the device group names of file (the format of
// /etc/iproute2/group: "number name", "#" comments), which nft reads and
// prints; without the file only 0 is named, "default", as iproute2
// names it.
func readDevGroups(file string) map[uint64]string {
	groups := map[uint64]string{}
	b, err := os.ReadFile(file)
	if err != nil {
		groups[0] = "default"
		return groups
	}
	for _, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 2 || strings.ContainsAny(f[1], `",{}`) {
			continue
		}
		n, err := strconv.ParseUint(f[0], 0, 32)
		if err != nil {
			continue
		}
		if _, seen := groups[n]; !seen {
			groups[n] = f[1]
		}
	}
	return groups
}

// hourOffset is the local time zone's offset from UTC now, in seconds:
// nft reads and prints "meta hour" in local time and the kernel compares
// it in UTC.
func hourOffset() int64 {
	_, off := time.Now().Zone()
	return int64(off)
}

// parseHour reads "HH:MM" or "HH:MM:SS" (quoted, as nft prints it) as
// the seconds since midnight UTC.
func (x *Type) parseHour(s string) ([]byte, error) {
	s = unquote(s)
	p := strings.Split(s, ":")
	if len(p) < 2 || len(p) > 3 {
		return nil, fmt.Errorf("bad hour %q (want \"HH:MM\" or \"HH:MM:SS\")", s)
	}
	var v [3]int64
	for i, f := range p {
		n, err := strconv.ParseUint(f, 10, 8)
		if err != nil || len(f) > 2 || (i == 0 && n > 23) || (i > 0 && n > 59) {
			return nil, fmt.Errorf("bad hour %q (want \"HH:MM\" or \"HH:MM:SS\")", s)
		}
		v[i] = int64(n)
	}
	secs := v[0]*3600 + v[1]*60 + v[2] - hourOffset()
	secs = ((secs % 86400) + 86400) % 86400
	return x.put(uint64(secs)), nil
}

// formatHour prints seconds since midnight UTC as nft prints an hour:
// "HH:MM", with ":SS" when there are seconds.
func (x *Type) formatHour(b []byte) string {
	v := int64(x.Uint(b))
	if len(b) != x.Len || v >= 86400 {
		return strconv.FormatInt(v, 10)
	}
	v = ((v+hourOffset())%86400 + 86400) % 86400
	if v%60 != 0 {
		return fmt.Sprintf("\"%02d:%02d:%02d\"", v/3600, v/60%60, v%60)
	}
	return fmt.Sprintf("\"%02d:%02d\"", v/3600, v/60%60)
}

// parseDate reads a date (quoted, as nft prints it) or a number of
// seconds since the epoch as nanoseconds since the epoch.
func (x *Type) parseDate(s string) ([]byte, error) {
	if !strings.HasPrefix(s, `"`) {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || n > math.MaxInt64/1_000_000_000 {
			return nil, fmt.Errorf("bad time %q (want \"YYYY-MM-DD HH:MM:SS\" or seconds)", s)
		}
		return x.put(n * 1e9), nil
	}
	s = unquote(s)
	// the dates nft reads, in local time: "2026-01-01 10:00:00",
	// "2026-01-01 10:00", "2026-01-01"
	for _, l := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil && t.Unix() >= 0 && t.Year() < 2262 {
			return x.put(uint64(t.UnixNano())), nil
		}
	}
	return nil, fmt.Errorf("bad time %q (want \"YYYY-MM-DD HH:MM:SS\" or seconds)", s)
}

// formatDate prints nanoseconds since the epoch as nft prints them: the
// local date and time, quoted; a time with a fraction of a second, which
// nft would print without it, as a quoted number of nanoseconds that no
// rule reads (the printer refuses it).
func formatDate(ns uint64) string {
	if ns%1e9 != 0 || ns > math.MaxInt64 {
		return strconv.Quote(strconv.FormatUint(ns, 10) + "ns")
	}
	return quote(time.Unix(int64(ns/1e9), 0).In(time.Local).Format("2006-01-02 15:04:05"))
}
