package rtnl

import (
	"encoding/binary"
	"maps"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
)

// linkEnv resolves what a link request refers to: device names to indexes
// (in the client's namespace) and namespaces to IFLA_NET_NS_PID /
// IFLA_NET_NS_FD values.
type linkEnv interface {
	index(field string, r LinkRef) (int, error)
	netns(field string, t netns.Target) (typ uint16, val uint32, err error)
}

// appendIfinfomsg appends struct ifinfomsg.
func appendIfinfomsg(b []byte, index int, flags, change LinkFlags) []byte {
	b = append(b, ifaUnspecFamily, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(index)))
	b = binary.LittleEndian.AppendUint32(b, uint32(flags))
	return binary.LittleEndian.AppendUint32(b, uint32(change))
}

// encodeNewLink builds the RTM_NEWLINK payload creating s. It expects a
// validated spec.
func encodeNewLink(s *LinkSpec, env linkEnv) ([]byte, error) {
	var flags, change LinkFlags
	if s.Up {
		flags, change = FlagUp, FlagUp
	}
	e := codec.NewEncoder(appendIfinfomsg(make([]byte, 0, 256), 0, flags, change))
	if err := encodeCommon(e, s, "", env); err != nil {
		return nil, err
	}
	e.Begin(iflaLinkInfo)
	e.String(iflaInfoKind, s.Kind)
	k := kinds.get(s.Kind)
	hasData := len(s.Data) > 0 || len(s.RawData) > 0 || (s.Peer != nil && k != nil && k.peerType != 0)
	if hasData {
		e.Begin(iflaInfoData)
		if k != nil && len(s.Data) > 0 {
			opts, err := resolveDevOptions(k, s.Data, env)
			if err != nil {
				return nil, err
			}
			if err := k.encodeData(e, opts); err != nil {
				return nil, err
			}
		}
		if len(s.RawData) > 0 {
			e.Raw(s.RawData)
		}
		if s.Peer != nil && k != nil && k.peerType != 0 {
			// The peer is brought up after creation (AddLink): the
			// kernel cannot open it before the pair is linked.
			p := s.Peer
			e.Begin(k.peerType)
			e.Raw(appendIfinfomsg(nil, 0, 0, 0))
			if err := encodeCommon(e, p, "peer.", env); err != nil {
				return nil, err
			}
			e.End()
		}
		e.End()
	}
	e.End()
	for _, u := range s.Unknown {
		e.Bytes(u.Type, u.Data)
	}
	return e.Encode()
}

// encodeCommon writes the attributes a link and a veth peer share.
func encodeCommon(e *codec.Encoder, s *LinkSpec, prefix string, env linkEnv) error {
	e.String(iflaIfname, s.Name)
	if s.MTU > 0 {
		e.Uint32(iflaMTU, uint32(s.MTU))
	}
	if s.Address != "" {
		hw, err := parseMAC(prefix+"address", s.Address)
		if err != nil {
			return err
		}
		e.Bytes(iflaAddress, hw)
	}
	if s.TxQLen > 0 {
		e.Uint32(iflaTxQLen, uint32(s.TxQLen))
	}
	if s.Alias != "" {
		e.String(iflaIfAlias, s.Alias)
	}
	if s.Group != 0 {
		e.Uint32(iflaGroup, s.Group)
	}
	if !s.Parent.IsZero() {
		i, err := env.index(prefix+"link", s.Parent)
		if err != nil {
			return err
		}
		e.Uint32(iflaLink, uint32(i))
	}
	if !s.Master.IsZero() {
		i, err := env.index(prefix+"master", s.Master)
		if err != nil {
			return err
		}
		e.Uint32(iflaMaster, uint32(i))
	}
	if s.NetNS != nil {
		typ, v, err := env.netns(prefix+"netns", *s.NetNS)
		if err != nil {
			return err
		}
		if typ != 0 {
			e.Uint32(typ, v)
		}
	}
	return nil
}

// resolveDevOptions replaces device names given for ifindex options
// ("link" of vxlan) with their indexes.
func resolveDevOptions(k *linkKind, opts Options, env linkEnv) (Options, error) {
	var out Options
	for name, v := range opts {
		o := k.option(name)
		s, isName := v.(string)
		if o == nil || !o.Dev || !isName {
			continue
		}
		i, err := env.index(k.field+"."+name, ByName(s))
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = maps.Clone(opts)
		}
		out[name] = uint32(i)
	}
	if out == nil {
		return opts, nil
	}
	return out, nil
}

// encodeSetLink builds the RTM_NEWLINK payload (without NLM_F_CREATE)
// applying ch to the link at index (or, when index is 0, called name).
func encodeSetLink(index int, name string, ch *LinkChange, env linkEnv) ([]byte, error) {
	var flags, change LinkFlags
	if ch.Up != nil {
		change = FlagUp
		if *ch.Up {
			flags = FlagUp
		}
	}
	e := codec.NewEncoder(appendIfinfomsg(make([]byte, 0, 128), index, flags, change))
	switch {
	case ch.Name != nil:
		e.String(iflaIfname, *ch.Name)
	case index == 0:
		e.String(iflaIfname, name)
	}
	if ch.MTU != nil {
		e.Uint32(iflaMTU, uint32(*ch.MTU))
	}
	if ch.Address != "" {
		hw, err := parseMAC("address", ch.Address)
		if err != nil {
			return nil, err
		}
		e.Bytes(iflaAddress, hw)
	}
	if ch.TxQLen != nil {
		e.Uint32(iflaTxQLen, uint32(*ch.TxQLen))
	}
	if ch.Alias != nil {
		e.String(iflaIfAlias, *ch.Alias)
	}
	if ch.Group != nil {
		e.Uint32(iflaGroup, *ch.Group)
	}
	switch {
	case ch.NoMaster:
		e.Uint32(iflaMaster, 0)
	case ch.Master != nil:
		i, err := env.index("master", *ch.Master)
		if err != nil {
			return nil, err
		}
		e.Uint32(iflaMaster, uint32(i))
	}
	if ch.NetNS != nil {
		typ, v, err := env.netns("netns", *ch.NetNS)
		if err != nil {
			return nil, err
		}
		if typ != 0 {
			e.Uint32(typ, v)
		}
	}
	if len(ch.Data) > 0 || len(ch.Port) > 0 {
		e.Begin(iflaLinkInfo)
		if len(ch.Data) > 0 {
			if err := encodeOptions(e, kinds.get(ch.Kind), iflaInfoKind, iflaInfoData, ch.Data, env); err != nil {
				return nil, err
			}
		}
		if len(ch.Port) > 0 {
			if err := encodeOptions(e, slaveKinds.get(ch.PortKind), iflaInfoSlvKind, iflaInfoSlvData, ch.Port, env); err != nil {
				return nil, err
			}
		}
		e.End()
	}
	for _, u := range ch.Unknown {
		e.Bytes(u.Type, u.Data)
	}
	return e.Encode()
}

// encodeOptions writes the kind's name as kindType and opts, checked
// against its table, nested in dataType (IFLA_INFO_KIND + IFLA_INFO_DATA,
// or IFLA_INFO_SLAVE_KIND + IFLA_INFO_SLAVE_DATA).
func encodeOptions(e *codec.Encoder, k *linkKind, kindType, dataType uint16, opts Options, env linkEnv) error {
	opts, err := resolveDevOptions(k, opts, env)
	if err != nil {
		return err
	}
	e.String(kindType, k.name)
	e.Begin(dataType)
	if err := k.encodeData(e, opts); err != nil {
		return err
	}
	e.End()
	return nil
}

// encodeGetLink builds an RTM_GETLINK payload for one link or, with a
// zero ref, a dump.
func encodeGetLink(r LinkRef, stats bool) []byte {
	e := codec.NewEncoder(appendIfinfomsg(make([]byte, 0, 48), r.Index, 0, 0))
	if r.Index == 0 && r.Name != "" {
		e.String(iflaIfname, r.Name)
	}
	mask := rtextFilterVF
	if !stats {
		mask |= rtextSkipStats
	}
	e.Uint32(iflaExtMask, mask)
	b, _ := e.Encode()
	return b
}

// encodeDelLink builds an RTM_DELLINK payload.
func encodeDelLink(r LinkRef) []byte {
	e := codec.NewEncoder(appendIfinfomsg(make([]byte, 0, 40), r.Index, 0, 0))
	if r.Index == 0 {
		e.String(iflaIfname, r.Name)
	}
	b, _ := e.Encode()
	return b
}
