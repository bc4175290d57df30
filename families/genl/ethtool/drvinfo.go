package ethtool

// DriverInfo is what `ethtool -i DEV` prints: the driver, its version,
// firmware and bus. The ethtool netlink family has no message for it; it
// comes from the ETHTOOL_GDRVINFO ioctl on a socket of the device's
// namespace (see ReadDriverInfo).
type DriverInfo struct {
	Ifname               string `json:"ifname"`
	Driver               string `json:"driver"`
	Version              string `json:"version"`
	FirmwareVersion      string `json:"firmware_version"`
	ExpansionROMVersion  string `json:"expansion_rom_version"`
	BusInfo              string `json:"bus_info"`
	SupportsStatistics   bool   `json:"supports_statistics"`
	SupportsTest         bool   `json:"supports_test"`
	SupportsEEPROMAccess bool   `json:"supports_eeprom_access"`
	SupportsRegisterDump bool   `json:"supports_register_dump"`
	SupportsPrivFlags    bool   `json:"supports_priv_flags"`
}
