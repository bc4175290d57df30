//go:build !linux

package codec

import "syscall"

// ErrnoName returns "errno N": symbolic Linux errno names are only known
// when built for Linux.
func ErrnoName(e syscall.Errno) string { return "errno " + itoa(int(e)) }
