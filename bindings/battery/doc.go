// Package battery holds the generated bad-input battery of the Lua API: a
// test that reads the docs registry of every module the runtime registers
// (rtnl, netns, cidr, nfnl, genl, ethtool, wireguard, nl80211, ensure, pp,
// and whatever is added later), calls every documented function with wrong
// types, nil, missing required and unknown fields, huge, negative and
// non-finite numbers, over-long strings, strings with NUL bytes, deep and
// cyclic tables, and checks each call: a clear error naming the function
// (and the field), never a Go panic, no hang, and no change to the
// throwaway namespace it ran in.
//
// The package has no code of its own; see battery_linux_test.go.
package battery
