package codec

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// ErrnoName returns the symbolic name of a Linux errno, such as "EEXIST".
// Where Linux has two names for one number, it gives the one netlink
// users meet: EOPNOTSUPP rather than ENOTSUP.
func ErrnoName(e syscall.Errno) string {
	if e == unix.EOPNOTSUPP {
		return "EOPNOTSUPP"
	}
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return "errno " + itoa(int(e))
}
