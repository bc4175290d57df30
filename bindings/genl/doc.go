// Package genl is the Lua side of generic netlink: the module `genl`
// (controller, raw requests to any family, multicast events, and the
// netdev and tcp_metrics families) and the family modules `ethtool`,
// `wireguard` and `nl80211`.
//
// Every call goes to the namespace the runtime is in now (the innermost
// netns.run, or the default), or to the one of a handle from
// genl.open{netns=}; one generic netlink connection per namespace per
// runtime is dialled on first use and closed with the runtime. Arguments
// are checked strictly (unknown fields, bad keys, endpoints and prefixes
// raise before anything is sent), results are plain tables, and
// state-changing calls push their inverse onto the runtime's journal where
// one exists (see journal.go for what is and is not undoable).
package genl
