package wireguard

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// DefaultMessageLimit bounds the size of one WG_CMD_SET_DEVICE message
// (netlink and genl headers included); EncodeConfig splits above it. It is
// well under the 64 KiB a nested attribute can hold.
const DefaultMessageLimit = 32 << 10

// AppendDevice appends d's attributes the way the kernel writes a
// WG_CMD_GET_DEVICE reply (all in one message). Peers and allowed IPs are
// numbered from 1.
func AppendDevice(b []byte, d *Device) ([]byte, error) {
	e := codec.NewEncoder(b)
	e.Uint32(deviceIfindex, d.Ifindex)
	e.String(deviceIfname, d.Ifname)
	if d.PrivateKey != nil {
		e.Bytes(devicePrivateKey, d.PrivateKey[:])
	}
	if d.PublicKey != nil {
		e.Bytes(devicePublicKey, d.PublicKey[:])
	}
	e.Uint16(deviceListenPort, d.ListenPort)
	e.Uint32(deviceFwmark, d.Fwmark)
	if len(d.Peers) > 0 {
		e.Begin(devicePeers)
		for i := range d.Peers {
			p := &d.Peers[i]
			e.Begin(uint16(i + 1))
			e.Bytes(peerPublicKey, p.PublicKey[:])
			if p.PresharedKey != nil {
				e.Bytes(peerPresharedKey, p.PresharedKey[:])
			}
			if p.Endpoint.IsValid() {
				sa, err := appendSockaddr(nil, p.Endpoint)
				if err != nil {
					return nil, err
				}
				e.Bytes(peerEndpoint, sa)
			}
			e.Uint16(peerKeepalive, p.PersistentKeepalive)
			var ts [16]byte
			if !p.LastHandshake.IsZero() {
				binary.LittleEndian.PutUint64(ts[:], uint64(p.LastHandshake.Unix()))
				binary.LittleEndian.PutUint64(ts[8:], uint64(p.LastHandshake.Nanosecond()))
			}
			e.Bytes(peerLastHandshake, ts[:])
			e.Uint64(peerRxBytes, p.RxBytes)
			e.Uint64(peerTxBytes, p.TxBytes)
			if len(p.AllowedIPs) > 0 {
				e.Begin(peerAllowedIPs)
				for j, pfx := range p.AllowedIPs {
					e.Raw(allowedIP(uint16(j+1), pfx))
				}
				e.End()
			}
			e.Uint32(peerProtocolVersion, p.ProtocolVersion)
			e.End()
		}
		e.End()
	}
	return e.Encode()
}

// allowedIP encodes one allowed-IP entry nest of type typ.
func allowedIP(typ uint16, p netip.Prefix) []byte {
	e := codec.NewEncoder(nil)
	e.Begin(typ)
	fam := uint16(afInet6)
	if p.Addr().Is4() {
		fam = afInet
	}
	e.Uint16(allowedIPFamily, fam)
	e.Addr(allowedIPAddr, p.Addr())
	e.Uint8(allowedIPMask, uint8(p.Bits()))
	e.End()
	b, _ := e.Encode()
	return b
}

// peerHead encodes the attributes of a peer before its allowed IPs.
func peerHead(p *PeerConfig) ([]byte, error) {
	e := codec.NewEncoder(nil)
	e.Bytes(peerPublicKey, p.PublicKey[:])
	var flags uint32
	switch {
	case p.Remove:
		flags = PeerFlagRemove
	default:
		if p.UpdateOnly {
			flags |= PeerFlagUpdateOnly
		}
		if p.ReplaceAllowedIPs {
			flags |= PeerFlagReplaceAllowedIPs
		}
	}
	if flags != 0 {
		e.Uint32(peerFlags, flags)
	}
	if p.Remove {
		return e.Encode()
	}
	if p.PresharedKey != nil {
		e.Bytes(peerPresharedKey, p.PresharedKey[:])
	}
	if p.Endpoint != nil {
		sa, err := appendSockaddr(nil, *p.Endpoint)
		if err != nil {
			return nil, err
		}
		e.Bytes(peerEndpoint, sa)
	}
	if p.PersistentKeepalive != nil {
		e.Uint16(peerKeepalive, *p.PersistentKeepalive)
	}
	return e.Encode()
}

// EncodeConfig encodes cfg as the attributes of one or more
// WG_CMD_SET_DEVICE messages of at most limit bytes each (0 means
// DefaultMessageLimit). The first message carries the device settings and
// the replace-peers flag; later ones name the device and continue the
// peers; a peer whose allowed IPs do not fit is continued in the next
// message under its public key alone, so the kernel appends to it.
func EncodeConfig(cfg *Config, limit int) ([][]byte, error) {
	if cfg.Ifname == "" && cfg.Ifindex == 0 {
		return nil, fmt.Errorf("wireguard: config names no device (ifname or ifindex)")
	}
	if limit <= 0 {
		limit = DefaultMessageLimit
	}
	limit = min(limit, 0xffff) - codec.HeaderLen - genl.HeaderLen
	name := func(e *codec.Encoder) {
		if cfg.Ifindex != 0 {
			e.Uint32(deviceIfindex, cfg.Ifindex)
		} else {
			e.String(deviceIfname, cfg.Ifname)
		}
	}
	var (
		msgs           [][]byte
		e              = codec.NewEncoder(nil)
		inPeers, inIPs bool
		nPeers, nIPs   int
		peerOpen       bool
	)
	name(e)
	if cfg.PrivateKey != nil {
		e.Bytes(devicePrivateKey, cfg.PrivateKey[:])
	}
	if cfg.ListenPort != nil {
		e.Uint16(deviceListenPort, *cfg.ListenPort)
	}
	if cfg.Fwmark != nil {
		e.Uint32(deviceFwmark, *cfg.Fwmark)
	}
	if cfg.ReplacePeers {
		e.Uint32(deviceFlags, FlagReplacePeers)
	}
	base := e.Len()
	flush := func() error {
		if inIPs {
			e.End()
		}
		if peerOpen {
			e.End()
		}
		if inPeers {
			e.End()
		}
		b, err := e.Encode()
		if err != nil {
			return err
		}
		msgs = append(msgs, b)
		e = codec.NewEncoder(nil)
		name(e)
		base = e.Len()
		inPeers, inIPs, peerOpen, nPeers, nIPs = false, false, false, 0, 0
		return nil
	}
	for i := range cfg.Peers {
		p := &cfg.Peers[i]
		head, err := peerHead(p)
		if err != nil {
			return nil, fmt.Errorf("wireguard: peer %s: %w", p.PublicKey, err)
		}
		var ips [][]byte
		if !p.Remove {
			for j, pfx := range p.AllowedIPs {
				if !pfx.IsValid() {
					return nil, fmt.Errorf("wireguard: peer %s: allowed IP %d invalid", p.PublicKey, j+1)
				}
				ips = append(ips, allowedIP(0, pfx.Masked()))
			}
		}
		need := 4 + len(head)
		if len(ips) > 0 {
			need += 4 + len(ips[0])
		}
		if !inPeers {
			need += 4
		}
		if e.Len()+need > limit {
			if e.Len() == base && !inPeers {
				return nil, fmt.Errorf("wireguard: peer %s does not fit a message of %d bytes", p.PublicKey, limit)
			}
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if !inPeers {
			e.Begin(devicePeers)
			inPeers = true
		}
		nPeers++
		e.Begin(uint16(nPeers))
		peerOpen = true
		e.Raw(head)
		for _, ip := range ips {
			if !inIPs {
				e.Begin(peerAllowedIPs)
				inIPs, nIPs = true, 0
			}
			if e.Len()+len(ip) > limit {
				if err := flush(); err != nil {
					return nil, err
				}
				// Continue the same peer: its key alone, then more IPs.
				e.Begin(devicePeers)
				inPeers, nPeers = true, 1
				e.Begin(1)
				peerOpen = true
				e.Bytes(peerPublicKey, p.PublicKey[:])
				e.Begin(peerAllowedIPs)
				inIPs, nIPs = true, 0
			}
			nIPs++
			ip = append([]byte(nil), ip...)
			binary.LittleEndian.PutUint16(ip[2:], uint16(nIPs)|codec.AttrNested)
			e.Raw(ip)
		}
		if inIPs {
			e.End()
			inIPs = false
		}
		e.End()
		peerOpen = false
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return msgs, nil
}
