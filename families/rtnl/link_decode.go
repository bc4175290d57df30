package rtnl

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/nlsh/nlsh/core/codec"
)

// decodeLink decodes an RTM_NEWLINK / RTM_DELLINK payload (ifinfomsg and
// attributes). The Link owns its memory: nothing aliases data.
func decodeLink(data []byte) (*Link, error) {
	return decodeLinkStats(data, true)
}

// decodeLinkStats is decodeLink leaving Stats64 out unless stats: the
// kernel sends IFLA_STATS64 even to a dump that asked to skip stats
// (RTEXT_FILTER_SKIP_STATS only drops the others).
func decodeLinkStats(data []byte, stats bool) (*Link, error) {
	l := new(Link)
	if err := decodeLinkInto(l, data, stats); err != nil {
		return nil, err
	}
	return l, nil
}

func decodeLinkInto(l *Link, data []byte, stats bool) error {
	if len(data) < ifinfomsgLen {
		return fmt.Errorf("ifinfomsg: %d bytes, need %d: %w", len(data), ifinfomsgLen, codec.ErrTruncated)
	}
	l.Type = LinkType(binary.LittleEndian.Uint16(data[2:4]))
	l.Index = int(int32(binary.LittleEndian.Uint32(data[4:8])))
	l.Flags = LinkFlags(binary.LittleEndian.Uint32(data[8:12]))
	var d codec.Decoder
	d.Reset(data[ifinfomsgLen:])
	for d.Next() {
		switch d.Type() {
		case iflaIfname:
			l.Name = d.String()
		case iflaMTU:
			l.MTU = d.Uint32()
		case iflaAddress:
			l.Address = HWAddr(bytes.Clone(d.Bytes()))
		case iflaBroadcast:
			l.Broadcast = HWAddr(bytes.Clone(d.Bytes()))
		case iflaPermAddress:
			l.PermAddr = HWAddr(bytes.Clone(d.Bytes()))
		case iflaLink:
			l.Parent = int(d.Uint32())
		case iflaQdisc:
			l.Qdisc = d.String()
		case iflaMaster:
			l.Master = int(d.Uint32())
		case iflaTxQLen:
			l.TxQLen = d.Uint32()
		case iflaOperState:
			l.OperState = OperState(d.Uint8())
		case iflaLinkMode:
			l.LinkMode = LinkMode(d.Uint8())
		case iflaGSOMaxSize:
			l.GSOMaxSize = d.Uint32()
		case iflaGSOMaxSegs:
			l.GSOMaxSegs = d.Uint32()
		case iflaTSOMaxSize:
			l.TSOMaxSize = d.Uint32()
		case iflaTSOMaxSegs:
			l.TSOMaxSegs = d.Uint32()
		case iflaGROMaxSize:
			l.GROMaxSize = d.Uint32()
		case iflaGSOIPv4Max:
			l.GSOIPv4MaxSize = d.Uint32()
		case iflaGROIPv4Max:
			l.GROIPv4MaxSize = d.Uint32()
		case iflaAFSpec:
			l.Inet6AddrGenMode = inet6AddrGenMode(d.Bytes())
		case iflaIfAlias:
			l.Alias = d.String()
		case iflaGroup:
			l.Group = d.Uint32()
		case iflaPromiscuity:
			l.Promisc = d.Uint32()
		case iflaAllMulti:
			l.AllMulti = d.Uint32()
		case iflaMinMTU:
			l.MinMTU = d.Uint32()
		case iflaMaxMTU:
			l.MaxMTU = d.Uint32()
		case iflaNumTxQueues:
			l.NumTxQ = d.Uint32()
		case iflaNumRxQueues:
			l.NumRxQ = d.Uint32()
		case iflaCarrier:
			l.Carrier = d.Uint8() != 0
		case iflaCarrierChg:
			l.CarrierChg = d.Uint32()
		case iflaLinkNetNSID:
			id := d.Int32()
			l.NetNSID = &id
		case iflaStats64:
			if stats {
				l.Stats64 = decodeStats64(d.Bytes())
			}
		case iflaLinkInfo:
			d.NestedFunc(func(nd *codec.Decoder) error {
				info, err := decodeLinkInfo(nd)
				l.Info = info
				return err
			})
		default:
			if linkSchema().ByType(d.Type()) == nil {
				l.Unknown = append(l.Unknown, RawAttr{Type: d.TypeFlags(), Data: bytes.Clone(d.Bytes())})
			}
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("link %d: %w", l.Index, err)
	}
	return nil
}

// inet6AddrGenModes names IN6_ADDR_GEN_MODE_* as ip prints them.
var inet6AddrGenModes = [...]string{"eui64", "none", "stable_secret", "random"}

// inet6AddrGenMode reads IFLA_INET6_ADDR_GEN_MODE from IFLA_AF_SPEC's
// AF_INET6 nest b: its name, the number for one ip has no name for, ""
// when absent or malformed (the rest of the link still decodes).
func inet6AddrGenMode(b []byte) string {
	const afInet6, addrGenMode = 10, 8 // AF_INET6, IFLA_INET6_ADDR_GEN_MODE
	var d, nd codec.Decoder
	d.Reset(b)
	for d.Next() {
		if d.Type() != afInet6 {
			continue
		}
		nd.Reset(d.Bytes())
		for nd.Next() {
			if nd.Type() == addrGenMode && len(nd.Bytes()) == 1 {
				m := nd.Bytes()[0]
				if int(m) < len(inet6AddrGenModes) {
					return inet6AddrGenModes[m]
				}
				return strconv.Itoa(int(m))
			}
		}
	}
	return ""
}

func decodeLinkInfo(d *codec.Decoder) (*LinkInfo, error) {
	info := new(LinkInfo)
	var data, slave []byte
	for d.Next() {
		switch d.Type() {
		case iflaInfoKind:
			info.Kind = d.String()
		case iflaInfoData:
			data = d.Bytes()
		case iflaInfoSlvKind:
			info.SlaveKind = d.String()
		case iflaInfoSlvData:
			slave = d.Bytes()
		}
	}
	if slave != nil {
		if k := slaveKinds.get(info.SlaveKind); k != nil {
			opts, err := k.decodeData(slave)
			if err != nil {
				return info, fmt.Errorf("linkinfo %s info_slave_data: %w", info.SlaveKind, err)
			}
			info.SlaveData = opts
		} else {
			info.RawSlaveData = bytes.Clone(slave)
		}
	}
	if data != nil {
		if k := kinds.get(info.Kind); k != nil {
			opts, err := k.decodeData(data)
			if err != nil {
				return info, fmt.Errorf("linkinfo %s info_data: %w", info.Kind, err)
			}
			info.Data = opts
		} else {
			info.RawData = bytes.Clone(data)
		}
	}
	return info, nil
}

// decodeStats64 reads struct rtnl_link_stats64; an older kernel's shorter
// struct leaves the missing counters at zero.
func decodeStats64(b []byte) *LinkStats64 {
	u := func(i int) uint64 {
		if (i+1)*8 > len(b) {
			return 0
		}
		return binary.LittleEndian.Uint64(b[i*8:])
	}
	return &LinkStats64{
		RX: RXStats{
			Packets: u(0), Bytes: u(2), Errors: u(4), Dropped: u(6), Multicast: u(8),
			LengthErr: u(10), OverErrors: u(11), CRCErr: u(12), FrameErr: u(13), FIFOErr: u(14),
			MissedErr: u(15), Compressed: u(21), NoHandler: u(23), OtherHostDr: u(24),
		},
		TX: TXStats{
			Packets: u(1), Bytes: u(3), Errors: u(5), Dropped: u(7), Collisions: u(9),
			AbortedErr: u(16), CarrierErrors: u(17), FIFOErr: u(18), HeartbeatErr: u(19),
			WindowErr: u(20), Compressed: u(22),
		},
	}
}
