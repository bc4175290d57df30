package rtnl

import (
	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/netns"
)

// openNetNS opens a descriptor of t's network namespace
// (netns.Target.OpenFD: a name's file is opened as it is, no thread
// enters anything; a pidfd is asked for its namespace, so a reused pid
// cannot redirect it).
func openNetNS(t netns.Target) (int, func(), error) {
	fd, err := t.OpenFD()
	if err != nil {
		return -1, nil, err
	}
	return fd, func() { unix.Close(fd) }, nil
}
