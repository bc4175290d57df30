package nl80211

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// iftypeNames names enum nl80211_iftype values.
var iftypeNames = sync.OnceValue(func() map[uint64]string {
	return map[uint64]string{
		IftypeUnspecified: "unspecified", IftypeAdhoc: "adhoc", IftypeStation: "station",
		IftypeAP: "ap", IftypeAPVLAN: "ap_vlan", IftypeWDS: "wds", IftypeMonitor: "monitor",
		IftypeMeshPoint: "mesh point", IftypeP2PClient: "p2p-client", IftypeP2PGO: "p2p-go",
		IftypeP2PDevice: "p2p-device", IftypeOCB: "ocb", IftypeNAN: "nan",
	}
})

// iftypeAliases are the words iw(8) uses for some types.
var iftypeAliases = sync.OnceValue(func() map[string]uint32 {
	return map[string]uint32{
		"managed": IftypeStation, "ibss": IftypeAdhoc, "mesh": IftypeMeshPoint,
		"mp": IftypeMeshPoint, "__ap": IftypeAP,
	}
})

// IftypeName names an interface type ("station", "monitor"); unknown
// values print as "iftype(N)".
func IftypeName(t uint32) string {
	if n, ok := iftypeNames()[uint64(t)]; ok {
		return n
	}
	return "iftype(" + strconv.FormatUint(uint64(t), 10) + ")"
}

// ParseIftype returns the interface type called name: one of IftypeName's
// names, iw's aliases ("managed", "ibss", "mesh"), or a number.
func ParseIftype(name string) (uint32, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for v, s := range iftypeNames() {
		if s == n {
			return uint32(v), nil
		}
	}
	if v, ok := iftypeAliases()[n]; ok {
		return v, nil
	}
	if v, err := strconv.ParseUint(n, 0, 32); err == nil {
		return uint32(v), nil
	}
	return 0, fmt.Errorf("nl80211: unknown interface type %q", name)
}

// bandNames names enum nl80211_band values, the types of the nests in
// NL80211_ATTR_WIPHY_BANDS.
var bandNames = sync.OnceValue(func() map[uint64]string {
	return map[uint64]string{0: "2ghz", 1: "5ghz", 2: "60ghz", 3: "6ghz", 4: "s1ghz", 5: "lc"}
})

// chanWidthNames names enum nl80211_chan_width values, in MHz.
var chanWidthNames = sync.OnceValue(func() map[uint64]string {
	return map[uint64]string{
		0: "20_noht", 1: "20", 2: "40", 3: "80", 4: "80p80", 5: "160", 6: "5", 7: "10",
		8: "1", 9: "2", 10: "4", 11: "8", 12: "16", 13: "320",
	}
})

// authTypeNames names enum nl80211_auth_type values.
var authTypeNames = sync.OnceValue(func() map[uint64]string {
	return map[uint64]string{
		0: "open_system", 1: "shared_key", 2: "ft", 3: "network_eap", 4: "sae",
		5: "fils_sk", 6: "fils_sk_pfs", 7: "fils_pk", 8: "automatic",
	}
})

// hiddenSSIDNames names enum nl80211_hidden_ssid values.
var hiddenSSIDNames = sync.OnceValue(func() map[uint64]string {
	return map[uint64]string{0: "not_in_use", 1: "zero_len", 2: "zero_contents"}
})

// bssStatusNames names enum nl80211_bss_status values.
var bssStatusNames = sync.OnceValue(func() map[uint64]string {
	return map[uint64]string{0: "authenticated", 1: "associated", 2: "ibss_joined"}
})

func named(m map[uint64]string, v uint64) string {
	if n, ok := m[v]; ok {
		return n
	}
	return strconv.FormatUint(v, 10)
}

// Channel returns the IEEE 802.11 channel number of a centre frequency in
// MHz (2.4, 5, 6 and 60 GHz bands), or 0 when it is none of them.
func Channel(mhz uint32) int {
	switch {
	case mhz == 2484:
		return 14
	case mhz == 5935:
		return 2
	case mhz >= 2412 && mhz < 2484:
		return int(mhz-2407) / 5
	case mhz >= 4910 && mhz <= 4980:
		return int(mhz-4000) / 5
	case mhz > 5950 && mhz <= 7115:
		return int(mhz-5950) / 5
	case mhz >= 5000 && mhz <= 5950:
		return int(mhz-5000) / 5
	case mhz >= 58320 && mhz <= 70200:
		return int(mhz-56160) / 2160
	}
	return 0
}
