// Package rtnl is the Lua module `rtnl`: links, addresses, routes,
// neighbours and rules of a network namespace, mirroring ip's words
// (rtnl.link.add, rtnl.addr.list, rtnl.route.replace, ...), plus streaming
// route dumps (rtnl.route.each), batches (rtnl.batch), events
// (rtnl.monitor, rtnl.wait) and handles bound to one namespace
// (rtnl.open{netns = ...}).
//
// Calls go to the runtime's current namespace (the innermost netns.run, or
// the default) unless made through a handle. One connection per namespace
// is kept per runtime and closed when the runtime closes. Every
// state-changing call pushes its inverse to the runtime's journal, so an
// --atomic run that fails is undone; the connections carry the runtime's
// trace writer and dry-run flag.
//
// Everything here runs on the goroutine that owns the LState; nothing is
// safe for concurrent use.
package rtnl
