package wireguard

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"

	"github.com/nlsh/nlsh/core/codec"
)

// DecodeDevice decodes the attributes of one WG_CMD_GET_DEVICE reply into
// d. The kernel spreads a device with many peers over several messages;
// decoding each into the same Device merges them (a peer whose allowed IPs
// continue in the next message is continued, not repeated).
func DecodeDevice(attrs []byte, d *Device) error {
	ad := codec.NewDecoder(attrs)
	for ad.Next() {
		switch ad.Type() {
		case deviceIfindex:
			d.Ifindex = ad.Uint32()
		case deviceIfname:
			d.Ifname = ad.String()
		case devicePrivateKey:
			d.PrivateKey = decodeKey(ad)
		case devicePublicKey:
			d.PublicKey = decodeKey(ad)
		case deviceListenPort:
			d.ListenPort = ad.Uint16()
		case deviceFwmark:
			d.Fwmark = ad.Uint32()
		case devicePeers:
			ad.NestedFunc(func(pd *codec.Decoder) error {
				for pd.Next() {
					var p Peer
					var err error
					pd.NestedFunc(func(fd *codec.Decoder) error {
						err = decodePeer(fd, &p)
						return err
					})
					if err != nil {
						return err
					}
					if n := len(d.Peers); n > 0 && d.Peers[n-1].PublicKey == p.PublicKey {
						d.Peers[n-1].AllowedIPs = append(d.Peers[n-1].AllowedIPs, p.AllowedIPs...)
						continue
					}
					d.Peers = append(d.Peers, p)
				}
				return nil
			})
		}
	}
	if err := ad.Err(); err != nil {
		return fmt.Errorf("wireguard device: %w", err)
	}
	return nil
}

func decodeKey(d *codec.Decoder) *Key {
	if d.Len() != KeyLen {
		d.Fail(fmt.Errorf("key attribute %d: %d bytes, want %d", d.Type(), d.Len(), KeyLen))
		return nil
	}
	k := Key(d.Bytes())
	return &k
}

func decodePeer(d *codec.Decoder, p *Peer) error {
	for d.Next() {
		switch d.Type() {
		case peerPublicKey:
			if k := decodeKey(d); k != nil {
				p.PublicKey = *k
			}
		case peerPresharedKey:
			p.PresharedKey = decodeKey(d)
		case peerEndpoint:
			ep, err := parseSockaddr(d.Bytes())
			if err != nil {
				return err
			}
			p.Endpoint = ep
		case peerKeepalive:
			p.PersistentKeepalive = d.Uint16()
		case peerLastHandshake:
			b := d.Bytes()
			if len(b) != 16 {
				return fmt.Errorf("last handshake time: %d bytes, want 16", len(b))
			}
			sec, nsec := int64(binary.LittleEndian.Uint64(b)), int64(binary.LittleEndian.Uint64(b[8:]))
			if sec != 0 || nsec != 0 {
				p.LastHandshake = time.Unix(sec, nsec).UTC()
			}
		case peerRxBytes:
			p.RxBytes = d.Uint64()
		case peerTxBytes:
			p.TxBytes = d.Uint64()
		case peerProtocolVersion:
			p.ProtocolVersion = d.Uint32()
		case peerAllowedIPs:
			d.NestedFunc(func(ld *codec.Decoder) error {
				for ld.Next() {
					var pfx netip.Prefix
					var err error
					ld.NestedFunc(func(ad *codec.Decoder) error {
						pfx, err = decodeAllowedIP(ad)
						return err
					})
					if err != nil {
						return err
					}
					p.AllowedIPs = append(p.AllowedIPs, pfx)
				}
				return nil
			})
		}
	}
	return d.Err()
}

func decodeAllowedIP(d *codec.Decoder) (netip.Prefix, error) {
	var addr netip.Addr
	var bits int
	for d.Next() {
		switch d.Type() {
		case allowedIPAddr:
			addr = d.Addr()
		case allowedIPMask:
			bits = int(d.Uint8())
		}
	}
	if err := d.Err(); err != nil {
		return netip.Prefix{}, err
	}
	p := netip.PrefixFrom(addr, bits)
	if !p.IsValid() {
		return netip.Prefix{}, fmt.Errorf("allowed IP %v/%d is not a prefix", addr, bits)
	}
	return p, nil
}
