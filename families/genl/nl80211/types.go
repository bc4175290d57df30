package nl80211

import (
	"encoding/hex"
	"net"
)

// MAC is a link-layer address; it prints and marshals as "02:00:00:00:01:00".
type MAC net.HardwareAddr

// String returns the colon-separated hex form.
func (m MAC) String() string { return net.HardwareAddr(m).String() }

// MarshalText returns the colon-separated hex form.
func (m MAC) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses the colon-separated hex form.
func (m *MAC) UnmarshalText(b []byte) error {
	hw, err := net.ParseMAC(string(b))
	if err != nil {
		return err
	}
	*m = MAC(hw)
	return nil
}

// HexBytes is binary data that marshals as a hex string.
type HexBytes []byte

// MarshalText returns the lower-case hex form.
func (h HexBytes) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

// UnmarshalText parses the hex form.
func (h *HexBytes) UnmarshalText(b []byte) error {
	v, err := hex.DecodeString(string(b))
	*h = v
	return err
}

// Wiphy is a radio (`iw phy`): its index and name, its bands with their
// frequencies and bitrates, and what interface types it supports. A split
// dump spreads one wiphy over many messages; Wiphys merges them.
type Wiphy struct {
	Index            uint32   `json:"wiphy"`
	Name             string   `json:"wiphy_name"`
	Generation       uint32   `json:"generation,omitempty"`
	Bands            []Band   `json:"bands,omitempty"`
	SupportedIftypes []string `json:"supported_iftypes,omitempty"`
	SoftwareIftypes  []string `json:"software_iftypes,omitempty"`
	MaxScanSSIDs     uint8    `json:"max_scan_ssids,omitempty"`
	MaxScanIELen     uint16   `json:"max_scan_ie_len,omitempty"`
	RetryShort       uint8    `json:"retry_short,omitempty"`
	RetryLong        uint8    `json:"retry_long,omitempty"`
	FragThreshold    uint32   `json:"frag_threshold,omitempty"`
	RTSThreshold     uint32   `json:"rts_threshold,omitempty"`
}

// Band is one band of a wiphy ("2ghz", "5ghz", ...).
type Band struct {
	Band        string      `json:"band"`
	Frequencies []Frequency `json:"frequencies,omitempty"`
	// Bitrates in units of 100 kbit/s, as the kernel counts them.
	Bitrates []uint32 `json:"bitrates,omitempty"`
	HTCapa   uint16   `json:"ht_capa,omitempty"`
	VHTCapa  uint32   `json:"vht_capa,omitempty"`
}

// Frequency is one channel of a band.
type Frequency struct {
	MHz      uint32 `json:"freq"`
	Channel  int    `json:"channel"`
	Disabled bool   `json:"disabled,omitempty"`
	NoIR     bool   `json:"no_ir,omitempty"`
	Radar    bool   `json:"radar,omitempty"`
	// MaxTxPower in mBm (100 * dBm).
	MaxTxPower uint32 `json:"max_tx_power,omitempty"`
}

// Interface is a wireless interface (`iw dev`). Frequency and channel are
// set only while the interface is on a channel.
type Interface struct {
	Ifindex    uint32 `json:"ifindex"`
	Ifname     string `json:"ifname,omitempty"`
	Iftype     string `json:"iftype"`
	Wiphy      uint32 `json:"wiphy"`
	Wdev       uint64 `json:"wdev"`
	MAC        MAC    `json:"mac,omitempty"`
	Generation uint32 `json:"generation,omitempty"`
	SSID       string `json:"ssid,omitempty"`
	// Frequency of the operating channel in MHz, and its channel number.
	Frequency    uint32 `json:"frequency,omitempty"`
	Channel      int    `json:"channel,omitempty"`
	ChannelWidth string `json:"channel_width,omitempty"`
	CenterFreq1  uint32 `json:"center_freq1,omitempty"`
	CenterFreq2  uint32 `json:"center_freq2,omitempty"`
	// TxPower in mBm (100 * dBm).
	TxPower  uint32 `json:"txpower,omitempty"`
	FourAddr bool   `json:"4addr,omitempty"`
}

// BSS is one scan result (`iw dev X scan`): a basic service set heard
// on a channel.
type BSS struct {
	Ifindex        uint32 `json:"ifindex,omitempty"`
	Wdev           uint64 `json:"wdev,omitempty"`
	Generation     uint32 `json:"generation,omitempty"`
	BSSID          MAC    `json:"bssid"`
	Frequency      uint32 `json:"frequency"`
	Channel        int    `json:"channel,omitempty"`
	TSF            uint64 `json:"tsf,omitempty"`
	BeaconInterval uint16 `json:"beacon_interval,omitempty"`
	Capability     uint16 `json:"capability,omitempty"`
	// SignalMBm is the signal strength in mBm (100 * dBm); SignalUnspec
	// the driver's 0..100 when it has no dBm.
	SignalMBm    *int32 `json:"signal_mbm,omitempty"`
	SignalUnspec *uint8 `json:"signal_unspec,omitempty"`
	SeenMsAgo    uint32 `json:"seen_ms_ago,omitempty"`
	Status       string `json:"status,omitempty"`
	ChanWidth    string `json:"chan_width,omitempty"`
	// SSID is read from the information elements (element 0).
	SSID string   `json:"ssid"`
	IEs  HexBytes `json:"ies,omitempty"`
	// BeaconIEs are the elements of the last beacon, when they differ.
	BeaconIEs HexBytes `json:"beacon_ies,omitempty"`
}

// Station is a peer an interface talks to (`iw dev X station dump`).
type Station struct {
	Ifindex    uint32 `json:"ifindex"`
	MAC        MAC    `json:"mac"`
	Generation uint32 `json:"generation,omitempty"`
	// InactiveTime in milliseconds, ConnectedTime in seconds.
	InactiveTime  uint32 `json:"inactive_time"`
	ConnectedTime uint32 `json:"connected_time,omitempty"`
	RxBytes       uint64 `json:"rx_bytes"`
	TxBytes       uint64 `json:"tx_bytes"`
	RxPackets     uint32 `json:"rx_packets"`
	TxPackets     uint32 `json:"tx_packets"`
	TxRetries     uint32 `json:"tx_retries,omitempty"`
	TxFailed      uint32 `json:"tx_failed,omitempty"`
	BeaconLoss    uint32 `json:"beacon_loss,omitempty"`
	// Signal and SignalAvg in dBm; nil when not reported.
	Signal    *int8 `json:"signal,omitempty"`
	SignalAvg *int8 `json:"signal_avg,omitempty"`
	// TxBitrate and RxBitrate in units of 100 kbit/s.
	TxBitrate uint32 `json:"tx_bitrate,omitempty"`
	RxBitrate uint32 `json:"rx_bitrate,omitempty"`
}
