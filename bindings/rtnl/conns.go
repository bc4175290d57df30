package rtnl

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/rtnl"
)

// connsKey is where the per-runtime connection cache lives in the Env.
const connsKey = "rtnl.conns"

// maxIdleStreams bounds the spare connections kept for rtnl.route.each.
const maxIdleStreams = 2

// conns caches one rtnetlink client per namespace for a runtime, plus
// spare clients for streaming dumps (a dump holds its connection until it
// ends), all closed when the runtime closes.
//
// A target that names its namespace through a file (a name, a path, a
// pid) may name another one later: a namespace deleted and made again
// under the same name, a pid reused. Each look-up compares the inode the
// name leads to now (one stat) with the one it led to when the client was
// dialled, and dials again when they differ, so calls never go to a
// namespace the name no longer names.
type conns struct {
	env     *bindings.Env
	main    map[string]cached
	idle    map[string][]cached // spare stream clients by namespace
	streams []*stream           // live rtnl.route.each iterators
	trace   socket.TraceFunc
	// tables are the routing table names, read from the iproute2 files
	// on first use and kept for the runtime's life (see routeTables).
	tables *rtnl.Tables
}

// cached is a client and the inode of the namespace its target named when
// it was dialled (0 for targets that cannot change: host, fd, pidfd).
type cached struct {
	cl  *rtnl.Client
	ino uint64
}

// inode is what t names now, for comparing with a cached client's; ok is
// false when t cannot be resolved (the dial will say why).
func inode(t netns.Target) (ino uint64, ok bool) {
	switch t.Kind() {
	case netns.KindNamed, netns.KindPath, netns.KindPID:
		id, err := t.ID()
		return id, err == nil
	}
	return 0, true
}

// connsOf returns env's cache, making it on first use.
func connsOf(env *bindings.Env) *conns {
	if c, ok := env.Value(connsKey).(*conns); ok {
		return c
	}
	c := &conns{env: env, main: map[string]cached{}, idle: map[string][]cached{}}
	// One line per message, as the rtnetlink schemas print it:
	//	send RTM_NEWADDR flags=REQUEST|ACK|CREATE|EXCL seq=1 pid=0 {family=inet ...} local=10.0.0.2 ...
	// The protocol's schemas are built by the first line, not before.
	c.trace = env.TraceFunc(func(_ socket.Direction, m codec.Message) string { return rtnl.Protocol().Format(m, false) })
	env.SetValue(connsKey, c)
	env.OnClose(c.close)
	return c
}

// changesState reports whether an rtnetlink request changes state: every
// type but RTM_GET* (whose low two bits are 2).
func changesState(m codec.Message) bool { return m.Header.Type&3 != 2 }

// routeTables returns the routing table names of the iproute2 files,
// reading them on the first call only: route and rule calls name tables
// through it (rtnl.WithTables), where each call read the files again
// (about 20 syscalls a route add). A script that edits rt_tables while
// it runs does not see its changes: not a case supported. Files that
// cannot be read leave the built-in names, as the family does.
func (c *conns) routeTables() *rtnl.Tables {
	if c.tables == nil {
		t, err := rtnl.LoadTables()
		if err != nil {
			t = rtnl.BuiltinTables()
		}
		c.tables = t
	}
	return c.tables
}

// withTables is the call option naming routing tables from env's cached
// table names.
func withTables(env *bindings.Env) rtnl.CallOption {
	return rtnl.WithTables(connsOf(env).routeTables())
}

func (c *conns) config(t netns.Target) *socket.Config {
	return c.env.SocketConfig(t, c.trace, changesState)
}

// client returns the cached client for namespace t, dialling it once (and
// again when t has come to name another namespace).
func (c *conns) client(t netns.Target) (*rtnl.Client, error) {
	c.env.Settle() // a batch's leading run in flight is sent first
	key := t.String()
	ino, ok := inode(t)
	if e, found := c.main[key]; found {
		if ok && e.ino == ino {
			return e.cl, nil
		}
		e.cl.Close() // bound to a namespace t no longer names
		delete(c.main, key)
	}
	cl, err := rtnl.Dial(c.config(t))
	if err != nil {
		return nil, err
	}
	c.main[key] = cached{cl, ino}
	return cl, nil
}

// streamClient returns a client only a streaming dump uses: a spare one,
// or a new one.
func (c *conns) streamClient(t netns.Target) (*rtnl.Client, error) {
	c.env.Settle()
	key := t.String()
	ino, ok := inode(t)
	for l := c.idle[key]; len(l) > 0; l = c.idle[key] {
		e := l[len(l)-1]
		c.idle[key] = l[:len(l)-1]
		if ok && e.ino == ino {
			return e.cl, nil
		}
		e.cl.Close()
	}
	return rtnl.Dial(c.config(t))
}

// release returns a stream client whose dump ended.
func (c *conns) release(t netns.Target, cl *rtnl.Client) {
	key := t.String()
	ino, ok := inode(t)
	if ok && len(c.idle[key]) < maxIdleStreams {
		c.idle[key] = append(c.idle[key], cached{cl, ino})
		return
	}
	cl.Close()
}

// close closes every connection. A stream still open (a loop that broke
// out of a dump) is not read to its end first, as a stream the runtime
// goes on using is: its connection is closed before its reader is
// stopped, so the dump lets go at once (socket.Dump reads no rest on a
// closed Conn) instead of reading, say, 100,000 routes it drops.
func (c *conns) close() {
	for len(c.streams) > 0 {
		s := c.streams[0]
		s.cl.Close()
		s.finish(false) // removes itself from c.streams
	}
	for _, e := range c.main {
		e.cl.Close()
	}
	for _, l := range c.idle {
		for _, e := range l {
			e.cl.Close()
		}
	}
	c.main, c.idle = map[string]cached{}, map[string][]cached{}
}

// client returns the client for the namespace a's calls go to now,
// raising when it cannot be opened.
func (a *api) client(L *lua.LState, fn string) *rtnl.Client {
	cl, err := connsOf(a.env).client(a.target())
	if err != nil {
		bindings.Raise(L, fn, err)
	}
	return cl
}

// clientFor returns the client of namespace t for undo steps (no LState).
func clientFor(env *bindings.Env, t netns.Target) (*rtnl.Client, error) {
	return connsOf(env).client(t)
}
