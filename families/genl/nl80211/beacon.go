package nl80211

import (
	"encoding/binary"
	"fmt"
)

// AccessPoint describes an open (unencrypted) access point to start on an
// interface of type "ap" (`iw dev X ap start SSID FREQ BEACON_INT DTIM
// head ... tail ...`, with the head and tail built from these fields). It
// beacons on one 20 MHz channel without HT, and its SSID is not hidden.
type AccessPoint struct {
	// SSID is the network name, 1 to 32 bytes.
	SSID string `json:"ssid"`
	// Frequency of the channel in MHz: a 2.4 GHz (2412-2484) or 5 GHz
	// (4910-5925) channel the wiphy allows.
	Frequency uint32 `json:"frequency"`
	// BeaconInterval in time units (TU, 1024 µs), 10 to 10000; 0 means
	// 100.
	BeaconInterval uint16 `json:"beacon_interval,omitempty"`
	// DTIMPeriod is the number of beacons between DTIMs, 1 to 255; 0
	// means 2.
	DTIMPeriod uint8 `json:"dtim_period,omitempty"`
}

// checked returns a copy of ap with its defaults filled in, or an error
// naming the first field the kernel or the beacon builder would refuse.
func (ap *AccessPoint) checked() (AccessPoint, error) {
	if ap == nil {
		return AccessPoint{}, fmt.Errorf("nl80211: access point: no settings")
	}
	v := *ap
	if n := len(v.SSID); n == 0 || n > MaxSSIDLen {
		return v, fmt.Errorf("nl80211: access point: ssid %q is %d bytes, want 1 to %d", v.SSID, n, MaxSSIDLen)
	}
	if v.Frequency == 0 {
		return v, fmt.Errorf("nl80211: access point %q: no frequency", v.SSID)
	}
	if !band24GHz(v.Frequency) && !band5GHz(v.Frequency) || Channel(v.Frequency) == 0 {
		return v, fmt.Errorf("nl80211: access point %q: frequency %d MHz is not a 2.4 or 5 GHz channel", v.SSID, v.Frequency)
	}
	if v.BeaconInterval == 0 {
		v.BeaconInterval = DefaultBeaconInterval
	}
	if v.BeaconInterval < BeaconIntervalMin || v.BeaconInterval > BeaconIntervalMax {
		return v, fmt.Errorf("nl80211: access point %q: beacon interval %d TU out of range %d to %d",
			v.SSID, v.BeaconInterval, BeaconIntervalMin, BeaconIntervalMax)
	}
	if v.DTIMPeriod == 0 {
		v.DTIMPeriod = DefaultDTIMPeriod
	}
	return v, nil
}

func band24GHz(mhz uint32) bool { return mhz >= 2412 && mhz <= 2484 }
func band5GHz(mhz uint32) bool  { return mhz >= 4910 && mhz <= 5925 }

// Beacon builds the beacon frame ap sends as BSS bssid (the AP
// interface's address), split where the kernel inserts the TIM element:
//
//	head: 802.11 management header: frame control (beacon), duration 0,
//	      DA ff:ff:ff:ff:ff:ff, SA = BSSID = bssid, sequence 0;
//	      fixed fields: timestamp 0 (the driver fills it), beacon
//	      interval, capability (ESS);
//	      elements: SSID, Supported Rates, DS Parameter Set (channel).
//	tail: Extended Supported Rates on 2.4 GHz (the OFDM rates past the
//	      first eight); empty on 5 GHz.
//
// Multi-byte fields are little-endian, as on the air.
func (ap *AccessPoint) Beacon(bssid MAC) (head, tail []byte, err error) {
	v, err := ap.checked()
	if err != nil {
		return nil, nil, err
	}
	if len(bssid) != 6 {
		return nil, nil, fmt.Errorf("nl80211: access point %q: bssid %q is not a 6-byte MAC address", v.SSID, bssid)
	}
	rates := rates5GHz
	if band24GHz(v.Frequency) {
		rates = rates24GHz
	}
	head = make([]byte, beaconFixed, beaconFixed+2+len(v.SSID)+2+8+3)
	binary.LittleEndian.PutUint16(head[0:], fcBeacon)
	// head[2:4] duration: 0.
	copy(head[4:10], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	copy(head[10:16], bssid)
	copy(head[16:22], bssid)
	// head[22:24] sequence control and head[24:32] timestamp: 0.
	binary.LittleEndian.PutUint16(head[32:], v.BeaconInterval)
	binary.LittleEndian.PutUint16(head[34:], capESS)
	head = appendIE(head, eidSSID, []byte(v.SSID))
	head = appendIE(head, eidRates, rates[:min(len(rates), 8)])
	head = appendIE(head, eidDSParams, []byte{byte(Channel(v.Frequency))})
	if len(rates) > 8 {
		tail = appendIE(tail, eidExtRates, rates[8:])
	}
	return head, tail, nil
}

func appendIE(b []byte, id uint8, data []byte) []byte {
	b = append(b, id, byte(len(data)))
	return append(b, data...)
}
