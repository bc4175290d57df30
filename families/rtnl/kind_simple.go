package rtnl

import "sync"

// Kinds without options of their own.
var (
	// dummy: a device that drops everything sent to it.
	dummyKind = sync.OnceValue(func() *linkKind {
		return newKind("dummy", 0)
	})
	// ifb: the intermediate functional block, for ingress shaping.
	ifbKind = sync.OnceValue(func() *linkKind {
		return newKind("ifb", 0)
	})
)
