package codec

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// ErrnoName returns the symbolic name of a Linux errno, such as "EEXIST".
func ErrnoName(e syscall.Errno) string {
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return "errno " + itoa(int(e))
}
