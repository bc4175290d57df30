// Package genl is generic netlink: the controller (nlctrl) that lists
// families, their operations, multicast groups and attribute policies, and
// a client that resolves families by name (cached per client) and sends
// requests to any family, typed or raw.
//
// Typed families live in sub-packages (ethtool, wireguard, nl80211,
// netdev, tcpmetrics, hwsim); each declares its attributes as data in a
// FamilySchema, which a Client can Register so that raw requests and
// replies of that family are encoded and decoded by name. A family with no
// schema is still usable: attributes are then numbers and bytes
// ("attr_N" fields of a codec.Tree).
//
// The message and attribute code builds on every OS; the connection is
// whatever satisfies Conn (core/socket on Linux, a fake in tests).
package genl
