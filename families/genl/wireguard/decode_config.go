package wireguard

import (
	"fmt"
	"net/netip"

	"github.com/nlsh/nlsh/core/codec"
)

// DecodeConfig decodes the attributes of a WG_CMD_SET_DEVICE request (for
// dry runs, traces and tests): the inverse of one message of EncodeConfig.
func DecodeConfig(attrs []byte) (*Config, error) {
	cfg := &Config{}
	d := codec.NewDecoder(attrs)
	for d.Next() {
		switch d.Type() {
		case deviceIfindex:
			cfg.Ifindex = d.Uint32()
		case deviceIfname:
			cfg.Ifname = d.String()
		case devicePrivateKey:
			cfg.PrivateKey = decodeKey(d)
		case deviceListenPort:
			v := d.Uint16()
			cfg.ListenPort = &v
		case deviceFwmark:
			v := d.Uint32()
			cfg.Fwmark = &v
		case deviceFlags:
			cfg.ReplacePeers = d.Uint32()&FlagReplacePeers != 0
		case devicePeers:
			d.NestedFunc(func(pd *codec.Decoder) error {
				for pd.Next() {
					var p PeerConfig
					var err error
					pd.NestedFunc(func(fd *codec.Decoder) error {
						err = decodePeerConfig(fd, &p)
						return err
					})
					if err != nil {
						return err
					}
					cfg.Peers = append(cfg.Peers, p)
				}
				return nil
			})
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("wireguard set-device: %w", err)
	}
	return cfg, nil
}

func decodePeerConfig(d *codec.Decoder, p *PeerConfig) error {
	for d.Next() {
		switch d.Type() {
		case peerPublicKey:
			if k := decodeKey(d); k != nil {
				p.PublicKey = *k
			}
		case peerFlags:
			f := d.Uint32()
			p.Remove = f&PeerFlagRemove != 0
			p.UpdateOnly = f&PeerFlagUpdateOnly != 0
			p.ReplaceAllowedIPs = f&PeerFlagReplaceAllowedIPs != 0
		case peerPresharedKey:
			p.PresharedKey = decodeKey(d)
		case peerEndpoint:
			ep, err := parseSockaddr(d.Bytes())
			if err != nil {
				return err
			}
			p.Endpoint = &ep
		case peerKeepalive:
			v := d.Uint16()
			p.PersistentKeepalive = &v
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
