package nl80211

import (
	"bytes"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// DecodeInterface decodes the attributes of one NEW_INTERFACE message (a
// GET_INTERFACE reply).
func DecodeInterface(attrs []byte) (*Interface, error) {
	var v Interface
	d := codec.NewDecoder(attrs)
	for d.Next() {
		switch d.Type() {
		case attrIfindex:
			v.Ifindex = d.Uint32()
		case attrIfname:
			v.Ifname = d.String()
		case attrIftype:
			v.Iftype = IftypeName(d.Uint32())
		case attrWiphy:
			v.Wiphy = d.Uint32()
		case attrWdev:
			v.Wdev = d.Uint64()
		case attrMAC:
			v.MAC = MAC(bytes.Clone(d.Bytes()))
		case attrGeneration:
			v.Generation = d.Uint32()
		case attrSSID:
			v.SSID = string(d.Bytes())
		case attrWiphyFreq:
			v.Frequency = d.Uint32()
			v.Channel = Channel(v.Frequency)
		case attrChannelWidth:
			v.ChannelWidth = named(chanWidthNames(), uint64(d.Uint32()))
		case attrCenterFreq1:
			v.CenterFreq1 = d.Uint32()
		case attrCenterFreq2:
			v.CenterFreq2 = d.Uint32()
		case attrTxPowerLevel:
			v.TxPower = d.Uint32()
		case attr4Addr:
			v.FourAddr = d.Uint8() != 0
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("nl80211 interface: %w", err)
	}
	return &v, nil
}

// DecodeBSS decodes the attributes of one NEW_SCAN_RESULTS message (a
// GET_SCAN reply): the BSS nest and the interface it was heard on. The
// SSID comes from the information elements.
func DecodeBSS(attrs []byte) (*BSS, error) {
	var v BSS
	d := codec.NewDecoder(attrs)
	for d.Next() {
		switch d.Type() {
		case attrIfindex:
			v.Ifindex = d.Uint32()
		case attrWdev:
			v.Wdev = d.Uint64()
		case attrGeneration:
			v.Generation = d.Uint32()
		case attrBSS:
			d.NestedFunc(func(bd *codec.Decoder) error { return decodeBSSNest(bd, &v) })
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("nl80211 scan result: %w", err)
	}
	ies := v.IEs
	if ies == nil {
		ies = v.BeaconIEs
	}
	ssid, err := SSIDFromIEs(ies)
	if err != nil {
		return nil, fmt.Errorf("nl80211 scan result %s: %w", v.BSSID, err)
	}
	v.SSID = ssid
	return &v, nil
}

func decodeBSSNest(d *codec.Decoder, v *BSS) error {
	for d.Next() {
		switch d.Type() {
		case bssBSSID:
			v.BSSID = MAC(bytes.Clone(d.Bytes()))
		case bssFrequency:
			v.Frequency = d.Uint32()
			v.Channel = Channel(v.Frequency)
		case bssTSF:
			v.TSF = d.Uint64()
		case bssBeaconInterval:
			v.BeaconInterval = d.Uint16()
		case bssCapability:
			v.Capability = d.Uint16()
		case bssIEs:
			v.IEs = bytes.Clone(d.Bytes())
		case bssBeaconIEs:
			v.BeaconIEs = bytes.Clone(d.Bytes())
		case bssSignalMBM:
			s := d.Int32()
			v.SignalMBm = &s
		case bssSignalUnspec:
			s := d.Uint8()
			v.SignalUnspec = &s
		case bssStatus:
			v.Status = named(bssStatusNames(), uint64(d.Uint32()))
		case bssSeenMsAgo:
			v.SeenMsAgo = d.Uint32()
		case bssChanWidth:
			v.ChanWidth = named(chanWidthNames(), uint64(d.Uint32()))
		}
	}
	return d.Err()
}

// DecodeStation decodes the attributes of one NEW_STATION message (a
// GET_STATION reply). The 64-bit byte counters win over the 32-bit ones.
func DecodeStation(attrs []byte) (*Station, error) {
	var v Station
	d := codec.NewDecoder(attrs)
	for d.Next() {
		switch d.Type() {
		case attrIfindex:
			v.Ifindex = d.Uint32()
		case attrMAC:
			v.MAC = MAC(bytes.Clone(d.Bytes()))
		case attrGeneration:
			v.Generation = d.Uint32()
		case attrStaInfo:
			d.NestedFunc(func(sd *codec.Decoder) error { return decodeStaInfo(sd, &v) })
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("nl80211 station: %w", err)
	}
	return &v, nil
}

func decodeStaInfo(d *codec.Decoder, v *Station) error {
	var have64rx, have64tx bool
	for d.Next() {
		switch d.Type() {
		case staInactiveTime:
			v.InactiveTime = d.Uint32()
		case staConnectedTime:
			v.ConnectedTime = d.Uint32()
		case staRxBytes:
			if !have64rx {
				v.RxBytes = uint64(d.Uint32())
			}
		case staTxBytes:
			if !have64tx {
				v.TxBytes = uint64(d.Uint32())
			}
		case staRxBytes64:
			v.RxBytes, have64rx = d.Uint64(), true
		case staTxBytes64:
			v.TxBytes, have64tx = d.Uint64(), true
		case staRxPackets:
			v.RxPackets = d.Uint32()
		case staTxPackets:
			v.TxPackets = d.Uint32()
		case staTxRetries:
			v.TxRetries = d.Uint32()
		case staTxFailed:
			v.TxFailed = d.Uint32()
		case staBeaconLoss:
			v.BeaconLoss = d.Uint32()
		case staSignal:
			s := int8(d.Uint8())
			v.Signal = &s
		case staSignalAvg:
			s := int8(d.Uint8())
			v.SignalAvg = &s
		case staTxBitrate:
			d.NestedFunc(func(rd *codec.Decoder) error { v.TxBitrate = decodeRate(rd); return rd.Err() })
		case staRxBitrate:
			d.NestedFunc(func(rd *codec.Decoder) error { v.RxBitrate = decodeRate(rd); return rd.Err() })
		}
	}
	return d.Err()
}

// decodeRate returns a rate info nest's bitrate in 100 kbit/s, preferring
// the 32-bit attribute.
func decodeRate(d *codec.Decoder) uint32 {
	var r16, r32 uint32
	for d.Next() {
		switch d.Type() {
		case rateBitrate:
			r16 = uint32(d.Uint16())
		case rateBitrate32:
			r32 = d.Uint32()
		}
	}
	if r32 != 0 {
		return r32
	}
	return r16
}
