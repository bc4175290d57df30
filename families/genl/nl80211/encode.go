package nl80211

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// NewInterface is a request to create a wireless interface on a wiphy
// (`iw phy PHY interface add NAME type TYPE`).
type NewInterface struct {
	Wiphy  uint32 `json:"wiphy"`
	Ifname string `json:"ifname"`
	Iftype string `json:"iftype"`
	// MAC, if set, is the new interface's address.
	MAC MAC `json:"mac,omitempty"`
	// FourAddr turns on 4-address (WDS) frames.
	FourAddr bool `json:"4addr,omitempty"`
}

// EncodeNewInterface encodes the attributes of a NEW_INTERFACE request:
// wiphy, ifname, iftype, then the optional mac and 4addr.
func EncodeNewInterface(r *NewInterface) ([]byte, error) {
	t, err := ParseIftype(r.Iftype)
	if err != nil {
		return nil, err
	}
	if r.Ifname == "" {
		return nil, fmt.Errorf("nl80211: new interface: no ifname")
	}
	e := codec.NewEncoder(nil)
	e.Uint32(attrWiphy, r.Wiphy)
	e.String(attrIfname, r.Ifname)
	e.Uint32(attrIftype, t)
	if len(r.MAC) != 0 {
		e.Bytes(attrMAC, r.MAC)
	}
	if r.FourAddr {
		e.Uint8(attr4Addr, 1)
	}
	return e.Encode()
}

// EncodeSetInterfaceType encodes a SET_INTERFACE request that changes the
// type of interface ifindex.
func EncodeSetInterfaceType(ifindex uint32, iftype string) ([]byte, error) {
	t, err := ParseIftype(iftype)
	if err != nil {
		return nil, err
	}
	e := codec.NewEncoder(nil)
	e.Uint32(attrIfindex, ifindex)
	e.Uint32(attrIftype, t)
	return e.Encode()
}

// encodeIfindex encodes a request naming one interface.
func encodeIfindex(ifindex uint32) ([]byte, error) {
	e := codec.NewEncoder(nil)
	e.Uint32(attrIfindex, ifindex)
	return e.Encode()
}

// ScanRequest says what to scan. The zero value is a passive scan of
// every channel the wiphy allows.
type ScanRequest struct {
	// SSIDs to probe for; "" is the wildcard SSID. Empty means a passive
	// scan.
	SSIDs []string `json:"ssids,omitempty"`
	// Frequencies in MHz to scan; empty means all.
	Frequencies []uint32 `json:"frequencies,omitempty"`
}

// EncodeTriggerScan encodes a TRIGGER_SCAN request for interface ifindex.
func EncodeTriggerScan(ifindex uint32, r *ScanRequest) ([]byte, error) {
	e := codec.NewEncoder(nil)
	e.Uint32(attrIfindex, ifindex)
	if r != nil && len(r.SSIDs) > 0 {
		e.BeginPlain(attrScanSSIDs)
		for i, s := range r.SSIDs {
			e.Bytes(uint16(i+1), []byte(s))
		}
		e.End()
	}
	if r != nil && len(r.Frequencies) > 0 {
		e.BeginPlain(attrScanFrequencies)
		for i, f := range r.Frequencies {
			e.Uint32(uint16(i+1), f)
		}
		e.End()
	}
	return e.Encode()
}
