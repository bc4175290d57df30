package rtnl

// Kinds without options of their own.
var (
	// dummy: a device that drops everything sent to it.
	dummyKind = newKind("dummy", 0)
	// ifb: the intermediate functional block, for ingress shaping.
	ifbKind = newKind("ifb", 0)
)
