package rtnl

import (
	"encoding/json"
	"net"
	"strconv"
	"strings"
)

// Link is one network interface as rtnetlink reports it. JSON field names
// and spellings are those of `ip -j -d -s link show`.
//
// Names: where ip prints a name for a number (master, link, group), Link
// has both. ListLinks resolves the names from its own dump and GetLink
// with one request per referenced link; EachLink and monitor events
// cannot see the other links, so they leave MasterName and ParentName
// empty (and FlagMasterDown unset).
type Link struct {
	Index int       `json:"ifindex"`
	Name  string    `json:"ifname"`
	Flags LinkFlags `json:"flags"`
	MTU   uint32    `json:"mtu"`
	Qdisc string    `json:"qdisc,omitempty"`
	// Master is the ifindex of the link's master (IFLA_MASTER: a bridge,
	// bond or vrf); MasterName is its name, as ip -j prints "master"
	// ("if7" when no link has that index). See "Names" below.
	Master     int    `json:"-"`
	MasterName string `json:"master,omitempty"`
	// Parent is IFLA_LINK: the peer of a veth, the lower device of a
	// vlan/macvlan. ParentName is its name as ip -j prints "link" ("if3"
	// when no link of this namespace has that index); when the parent is
	// in another namespace (NetNSID set) ParentName is empty and
	// LinkIndex repeats Parent, as ip -j prints link_index there.
	Parent     int       `json:"-"`
	ParentName string    `json:"link,omitempty"`
	LinkIndex  int       `json:"link_index,omitempty"`
	OperState  OperState `json:"operstate"`
	LinkMode   LinkMode  `json:"linkmode"`
	// Group is IFLA_GROUP; GroupName is how ip -j prints it ("default"
	// for 0, else the number).
	Group      uint32   `json:"-"`
	GroupName  string   `json:"group"`
	TxQLen     uint32   `json:"txqlen"`
	Type       LinkType `json:"link_type"`
	Address    HWAddr   `json:"address,omitempty"`
	Broadcast  HWAddr   `json:"broadcast,omitempty"`
	PermAddr   HWAddr   `json:"permaddr,omitempty"`
	Alias      string   `json:"ifalias,omitempty"`
	Promisc    uint32   `json:"promiscuity"`
	AllMulti   uint32   `json:"allmulti"`
	MinMTU     uint32   `json:"min_mtu"`
	MaxMTU     uint32   `json:"max_mtu"`
	NumTxQ     uint32   `json:"num_tx_queues"`
	NumRxQ     uint32   `json:"num_rx_queues"`
	Carrier    bool     `json:"carrier"`
	CarrierChg uint32   `json:"carrier_changes"`
	// NetNSID is IFLA_LINK_NETNSID: the namespace (by this namespace's id
	// for it) where Parent lives, for a veth whose peer is elsewhere; nil
	// when absent.
	NetNSID *int32 `json:"link_netnsid,omitempty"`
	// The device's offload limits (IFLA_GSO_MAX_SIZE, ...), as ip -d
	// prints them; 0 when the kernel does not report one.
	GSOMaxSize     uint32 `json:"gso_max_size,omitempty"`
	GSOMaxSegs     uint32 `json:"gso_max_segs,omitempty"`
	TSOMaxSize     uint32 `json:"tso_max_size,omitempty"`
	TSOMaxSegs     uint32 `json:"tso_max_segs,omitempty"`
	GROMaxSize     uint32 `json:"gro_max_size,omitempty"`
	GSOIPv4MaxSize uint32 `json:"gso_ipv4_max_size,omitempty"`
	GROIPv4MaxSize uint32 `json:"gro_ipv4_max_size,omitempty"`
	// Inet6AddrGenMode is how the kernel makes the link's IPv6
	// link-local address (IFLA_AF_SPEC's IFLA_INET6_ADDR_GEN_MODE):
	// "eui64", "none", "stable_secret" or "random"; "" when not reported.
	Inet6AddrGenMode string `json:"inet6_addr_gen_mode,omitempty"`

	Info    *LinkInfo    `json:"linkinfo,omitempty"`
	Stats64 *LinkStats64 `json:"stats64,omitempty"`

	// Unknown holds the attributes nlsh does not know (from a newer
	// kernel), type and payload unchanged. Update writes them back.
	Unknown []RawAttr `json:"-"`
}

// LinkInfo is IFLA_LINKINFO: the kind and its options.
type LinkInfo struct {
	Kind string `json:"info_kind"`
	// Data holds the kind's options by their ip -j names, for the kinds
	// in the table (see Kinds); for other kinds it is nil and RawData has
	// the attributes.
	Data Options `json:"info_data,omitempty"`
	// RawData is IFLA_INFO_DATA as it came, for a kind nlsh has no table
	// for; on Add it is written as it is (any kind, by name).
	RawData []byte `json:"-"`
	// SlaveKind is IFLA_INFO_SLAVE_KIND: the kind of the link's master
	// ("bridge", "bond") when the link is its port.
	SlaveKind string `json:"info_slave_kind,omitempty"`
	// SlaveData holds the port's options (IFLA_INFO_SLAVE_DATA) by the
	// names ip -j prints under info_slave_data, for the master kinds in
	// the table (see PortKinds); for others it is nil and RawSlaveData
	// has the attributes.
	SlaveData    Options `json:"info_slave_data,omitempty"`
	RawSlaveData []byte  `json:"-"`
}

// RawAttr is an attribute kept as it was on the wire. Type includes the
// NLA_F_NESTED / NLA_F_NET_BYTEORDER bits.
type RawAttr struct {
	Type uint16
	Data []byte
}

// LinkStats64 is IFLA_STATS64 (struct rtnl_link_stats64), shaped as ip -j
// -s prints it.
type LinkStats64 struct {
	RX RXStats `json:"rx"`
	TX TXStats `json:"tx"`
}

// RXStats are the receive counters of LinkStats64.
type RXStats struct {
	Bytes       uint64 `json:"bytes"`
	Packets     uint64 `json:"packets"`
	Errors      uint64 `json:"errors"`
	Dropped     uint64 `json:"dropped"`
	OverErrors  uint64 `json:"over_errors"`
	Multicast   uint64 `json:"multicast"`
	LengthErr   uint64 `json:"length_errors"`
	CRCErr      uint64 `json:"crc_errors"`
	FrameErr    uint64 `json:"frame_errors"`
	FIFOErr     uint64 `json:"fifo_errors"`
	MissedErr   uint64 `json:"missed_errors"`
	Compressed  uint64 `json:"compressed"`
	NoHandler   uint64 `json:"nohandler"`
	OtherHostDr uint64 `json:"otherhost_dropped"`
}

// TXStats are the transmit counters of LinkStats64.
type TXStats struct {
	Bytes         uint64 `json:"bytes"`
	Packets       uint64 `json:"packets"`
	Errors        uint64 `json:"errors"`
	Dropped       uint64 `json:"dropped"`
	CarrierErrors uint64 `json:"carrier_errors"`
	Collisions    uint64 `json:"collisions"`
	AbortedErr    uint64 `json:"aborted_errors"`
	FIFOErr       uint64 `json:"fifo_errors"`
	HeartbeatErr  uint64 `json:"heartbeat_errors"`
	WindowErr     uint64 `json:"window_errors"`
	Compressed    uint64 `json:"compressed"`
}

// Kind returns the link's kind ("veth", "bridge"), or "" when the kernel
// reports none (physical devices, loopback).
func (l *Link) Kind() string {
	if l == nil || l.Info == nil {
		return ""
	}
	return l.Info.Kind
}

// IsUp reports IFF_UP (administratively up).
func (l *Link) IsUp() bool { return l != nil && l.Flags&FlagUp != 0 }

// HasCarrier reports IFF_LOWER_UP: the device is up and has carrier.
func (l *Link) HasCarrier() bool { return l != nil && l.Flags&FlagUp != 0 && l.Flags&FlagLowerUp != 0 }

// LinkFlags are the interface flags (IFF_*). They marshal to JSON as the
// list of names ip -j prints: ["BROADCAST","MULTICAST","UP","LOWER_UP"].
type LinkFlags uint32

// Interface flags (include/uapi/linux/if.h).
const (
	FlagUp         LinkFlags = 1 << 0
	FlagBroadcast  LinkFlags = 1 << 1
	FlagDebug      LinkFlags = 1 << 2
	FlagLoopback   LinkFlags = 1 << 3
	FlagPointToPt  LinkFlags = 1 << 4
	FlagNoTrailers LinkFlags = 1 << 5
	FlagRunning    LinkFlags = 1 << 6
	FlagNoARP      LinkFlags = 1 << 7
	FlagPromisc    LinkFlags = 1 << 8
	FlagAllMulti   LinkFlags = 1 << 9
	FlagMaster     LinkFlags = 1 << 10
	FlagSlave      LinkFlags = 1 << 11
	FlagMulticast  LinkFlags = 1 << 12
	FlagPortSel    LinkFlags = 1 << 13
	FlagAutoMedia  LinkFlags = 1 << 14
	FlagDynamic    LinkFlags = 1 << 15
	FlagLowerUp    LinkFlags = 1 << 16
	FlagDormant    LinkFlags = 1 << 17
	FlagEcho       LinkFlags = 1 << 18

	// FlagMasterDown is no kernel flag: nlsh sets it when the link's
	// parent (Parent, in this namespace) is down, where ip prints
	// "M-DOWN". It is never sent to the kernel.
	FlagMasterDown LinkFlags = 1 << 31
)

// flagNames is in the order ip prints flags.
var flagNames = []struct {
	f    LinkFlags
	name string
}{
	{FlagLoopback, "LOOPBACK"}, {FlagBroadcast, "BROADCAST"}, {FlagPointToPt, "POINTOPOINT"},
	{FlagMulticast, "MULTICAST"}, {FlagNoARP, "NOARP"}, {FlagAllMulti, "ALLMULTI"},
	{FlagPromisc, "PROMISC"}, {FlagNoTrailers, "NOTRAILERS"}, {FlagDebug, "DEBUG"},
	{FlagDynamic, "DYNAMIC"}, {FlagAutoMedia, "AUTOMEDIA"}, {FlagPortSel, "PORTSEL"},
	{FlagSlave, "SLAVE"}, {FlagMaster, "MASTER"}, {FlagUp, "UP"}, {FlagLowerUp, "LOWER_UP"},
	{FlagDormant, "DORMANT"}, {FlagEcho, "ECHO"},
}

// Names lists the flags as ip prints them: "NO-CARRIER" first when the
// link is up without IFF_RUNNING, then the set flags; IFF_RUNNING itself
// is not printed, unnamed bits appear in hex, and "M-DOWN"
// (FlagMasterDown) comes last.
func (f LinkFlags) Names() []string {
	names := make([]string, 0, 4)
	if f&FlagUp != 0 && f&FlagRunning == 0 {
		names = append(names, "NO-CARRIER")
	}
	mdown := f&FlagMasterDown != 0
	f &^= FlagRunning | FlagMasterDown
	for _, n := range flagNames {
		if f&n.f != 0 {
			names = append(names, n.name)
			f &^= n.f
		}
	}
	if f != 0 {
		names = append(names, strconv.FormatUint(uint64(f), 16))
	}
	if mdown {
		names = append(names, "M-DOWN")
	}
	return names
}

// String joins Names with commas, like ip's "<BROADCAST,MULTICAST,UP>".
func (f LinkFlags) String() string { return strings.Join(f.Names(), ",") }

// MarshalJSON writes the flag names.
func (f LinkFlags) MarshalJSON() ([]byte, error) { return json.Marshal(f.Names()) }

// OperState is IFLA_OPERSTATE (RFC 2863), printed as ip prints it.
type OperState uint8

// Operational states.
const (
	OperUnknown OperState = iota
	OperNotPresent
	OperDown
	OperLowerLayerDown
	OperTesting
	OperDormant
	OperUp
)

var operNames = [...]string{"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"}

func (s OperState) String() string {
	if int(s) < len(operNames) {
		return operNames[s]
	}
	return strconv.Itoa(int(s))
}

// MarshalJSON writes the state's name.
func (s OperState) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// LinkMode is IFLA_LINKMODE, printed as ip prints it: "DEFAULT" or
// "DORMANT" (else the number).
type LinkMode uint8

var linkModeNames = [...]string{"DEFAULT", "DORMANT"}

func (m LinkMode) String() string {
	if int(m) < len(linkModeNames) {
		return linkModeNames[m]
	}
	return strconv.Itoa(int(m))
}

// MarshalJSON writes the mode's name.
func (m LinkMode) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// LinkType is the device type (ifinfomsg.ifi_type, ARPHRD_*), printed as
// ip prints it ("ether", "loopback", "none").
type LinkType uint16

// linkTypeNames names the ARPHRD_* types as ip prints them.
var linkTypeNames = [...]struct {
	t    LinkType
	name string
}{
	{1, "ether"}, {24, "ieee1394"}, {32, "infiniband"}, {256, "slip"}, {512, "ppp"},
	{768, "ipip"}, {769, "tunnel6"}, {772, "loopback"}, {776, "sit"}, {778, "gre"},
	{801, "ieee802.11"}, {803, "ieee802.11/radiotap"}, {823, "ip6gre"}, {824, "netlink"},
	{280, "can"}, {65534, "none"}, {65535, "void"},
}

func (t LinkType) String() string {
	for _, e := range linkTypeNames {
		if e.t == t {
			return e.name
		}
	}
	return "[" + strconv.Itoa(int(t)) + "]"
}

// MarshalJSON writes the type's name.
func (t LinkType) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// HWAddr is a link-layer address, printed as aa:bb:cc:dd:ee:ff.
type HWAddr []byte

func (a HWAddr) String() string { return net.HardwareAddr(a).String() }

// MarshalJSON writes the address as a string.
func (a HWAddr) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

// ParseHWAddr reads a MAC address ("02:00:00:00:00:01").
func ParseHWAddr(s string) (HWAddr, error) {
	hw, err := net.ParseMAC(s)
	if err != nil {
		return nil, argErr("address", s, "not a link-layer address")
	}
	return HWAddr(hw), nil
}
