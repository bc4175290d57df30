package nl80211

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// EncodeStartAP encodes a START_AP request that starts ap on interface
// ifindex as BSS bssid: ifindex, beacon head and tail (see
// AccessPoint.Beacon; no tail attribute when it is empty), beacon interval, DTIM period, SSID, hidden SSID
// off, open system authentication, then the channel: its frequency, width
// 20 MHz without HT and centre frequency (the control frequency itself).
func EncodeStartAP(ifindex uint32, bssid MAC, ap *AccessPoint) ([]byte, error) {
	head, tail, err := ap.Beacon(bssid)
	if err != nil {
		return nil, err
	}
	v, _ := ap.checked() // Beacon checked it
	e := codec.NewEncoder(nil)
	e.Uint32(attrIfindex, ifindex)
	e.Bytes(attrBeaconHead, head)
	if len(tail) > 0 {
		e.Bytes(attrBeaconTail, tail)
	}
	e.Uint32(attrBeaconInterval, uint32(v.BeaconInterval))
	e.Uint32(attrDTIMPeriod, uint32(v.DTIMPeriod))
	e.Bytes(attrSSID, []byte(v.SSID))
	e.Uint32(attrHiddenSSID, hiddenSSIDNotInUse)
	e.Uint32(attrAuthType, authTypeOpenSystem)
	e.Uint32(attrWiphyFreq, v.Frequency)
	e.Uint32(attrChannelWidth, chanWidth20NoHT)
	e.Uint32(attrCenterFreq1, v.Frequency)
	return e.Encode()
}

// StartAP starts access point ap on interface ifindex
// (NL80211_CMD_START_AP): the interface beacons as BSS with its own
// address as BSSID until StopAP, the interface going down, or the wiphy
// leaving the namespace. The interface must be of type "ap" (see
// SetInterfaceType) and up; StartAP reads it first (for its address) and
// says so when it is not an AP. Only the beacon is sent: without a daemon
// such as hostapd nobody answers probe requests or authenticates
// stations, so stations find the AP by passive scans. The kernel answers
// EALREADY when the interface already beacons, EINVAL for a channel the
// wiphy or the regulatory domain does not allow.
func (c *Client) StartAP(ctx context.Context, ifindex uint32, ap *AccessPoint) error {
	if _, err := ap.checked(); err != nil {
		return err
	}
	dev, err := c.Interface(ctx, ifindex)
	if err != nil {
		return fmt.Errorf("nl80211: start AP on interface %d: %w", ifindex, err)
	}
	if dev.Iftype != "ap" && dev.Iftype != "p2p-go" {
		return fmt.Errorf("nl80211: start AP on %s (interface %d): its type is %s, not ap (SetInterfaceType first, while it is down)",
			dev.Ifname, ifindex, dev.Iftype)
	}
	attrs, err := EncodeStartAP(ifindex, dev.MAC, ap)
	if err != nil {
		return err
	}
	if _, err := c.g.Do(ctx, FamilyName, CmdStartAP, 0, attrs); err != nil {
		return fmt.Errorf("nl80211: start AP %q on %s (interface %d): %w", ap.SSID, dev.Ifname, ifindex, err)
	}
	return nil
}

// StopAP stops the access point on interface ifindex
// (NL80211_CMD_STOP_AP); the kernel answers ENOENT when it does not
// beacon.
func (c *Client) StopAP(ctx context.Context, ifindex uint32) error {
	attrs, err := encodeIfindex(ifindex)
	if err != nil {
		return err
	}
	if _, err := c.g.Do(ctx, FamilyName, CmdStopAP, 0, attrs); err != nil {
		return fmt.Errorf("nl80211: stop AP on interface %d: %w", ifindex, err)
	}
	return nil
}
