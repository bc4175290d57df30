package rtnl

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/netns"
)

// openNetNS opens a descriptor of t's network namespace. It enters t on a
// discarded thread (netns.Target.Do, which for a pidfd uses setns on the
// pidfd itself, so a reused pid cannot redirect it) and opens that
// thread's own namespace file there.
func openNetNS(t netns.Target) (int, func(), error) {
	fd := -1
	err := t.Do(func() error {
		var err error
		fd, err = unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return -1, nil, fmt.Errorf("open namespace %s: %w", t, err)
	}
	return fd, func() { unix.Close(fd) }, nil
}
