package ethtool

import (
	"bytes"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/netns"
)

// ReadDriverInfo reads the driver information of the device called ifname
// in namespace ns (`ethtool -i`), through the ETHTOOL_GDRVINFO ioctl on a
// datagram socket made inside that namespace.
func ReadDriverInfo(ns netns.Target, ifname string) (*DriverInfo, error) {
	var info *DriverInfo
	err := ns.Do(func() error {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socket: %w", err)
		}
		defer unix.Close(fd)
		d, err := unix.IoctlGetEthtoolDrvinfo(fd, ifname)
		if err != nil {
			return err
		}
		str := func(b []byte) string {
			if i := bytes.IndexByte(b, 0); i >= 0 {
				b = b[:i]
			}
			return string(b)
		}
		info = &DriverInfo{
			Ifname: ifname, Driver: str(d.Driver[:]), Version: str(d.Version[:]),
			FirmwareVersion: str(d.Fw_version[:]), ExpansionROMVersion: str(d.Erom_version[:]),
			BusInfo:              str(d.Bus_info[:]),
			SupportsStatistics:   d.N_stats > 0,
			SupportsTest:         d.Testinfo_len > 0,
			SupportsEEPROMAccess: d.Eedump_len > 0,
			SupportsRegisterDump: d.Regdump_len > 0,
			SupportsPrivFlags:    d.N_priv_flags > 0,
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ethtool: %s driver info: %w", ifname, err)
	}
	return info, nil
}
