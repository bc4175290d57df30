package rtnl

import "sync"

// veth: a pair of linked Ethernet devices. The peer is described by a
// LinkSpec (LinkSpec.Peer) carried in VETH_INFO_PEER as its own ifinfomsg
// and attributes, which is how it can be created straight inside another
// namespace. The kernel reports no info data for veth.
var vethKind = sync.OnceValue(func() *linkKind {
	return newKind("veth", 1 /* VETH_INFO_PEER */)
})
