//go:build !linux

package rtnl

import (
	"errors"

	"github.com/nlsh/nlsh/core/netns"
)

// openNetNS is not supported off Linux.
func openNetNS(t netns.Target) (int, func(), error) {
	return -1, nil, errors.New("network namespaces are only supported on Linux")
}
