package rtnl

import (
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/core/netns"
)

// netnsAttr turns a namespace target into the attribute that names it in
// a link request: IFLA_NET_NS_PID for a pid (as ip does), IFLA_NET_NS_FD
// for an fd the caller holds, and for a name, a path or a pidfd an fd
// opened now (openNetNS; release closes it once the request is answered).
func netnsAttr(field string, t netns.Target, keep func(release func())) (uint16, uint32, error) {
	switch t.Kind() {
	case netns.KindHost:
		return 0, 0, argErr(field, "host", "the host namespace cannot be a target here; name it by pid 1 or by path")
	case netns.KindPID:
		return iflaNetNSPID, uint32(t.PID()), nil
	case netns.KindFD:
		fd, err := strconv.Atoi(strings.TrimPrefix(t.String(), "fd:"))
		if err != nil || fd < 0 {
			return 0, 0, argErr(field, t.String(), "bad descriptor")
		}
		return iflaNetNSFD, uint32(fd), nil
	}
	fd, release, err := openNetNS(t)
	if err != nil {
		return 0, 0, argErr(field, t.String(), err.Error())
	}
	keep(release)
	return iflaNetNSFD, uint32(fd), nil
}
