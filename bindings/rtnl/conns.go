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
type conns struct {
	env     *bindings.Env
	main    map[string]*rtnl.Client
	idle    map[string][]*rtnl.Client // spare stream clients by namespace
	streams []*stream                 // live rtnl.route.each iterators
	trace   socket.TraceFunc
}

// connsOf returns env's cache, making it on first use.
func connsOf(env *bindings.Env) *conns {
	if c, ok := env.Value(connsKey).(*conns); ok {
		return c
	}
	c := &conns{env: env, main: map[string]*rtnl.Client{}, idle: map[string][]*rtnl.Client{}}
	// One line per message, as the rtnetlink schemas print it:
	//	send RTM_NEWADDR flags=REQUEST|ACK|CREATE|EXCL seq=1 pid=0 {family=inet ...} local=10.0.0.2 ...
	p := rtnl.Protocol()
	c.trace = env.TraceFunc(func(_ socket.Direction, m codec.Message) string { return p.Format(m, false) })
	env.SetValue(connsKey, c)
	env.OnClose(c.close)
	return c
}

// changesState reports whether an rtnetlink request changes state: every
// type but RTM_GET* (whose low two bits are 2).
func changesState(m codec.Message) bool { return m.Header.Type&3 != 2 }

func (c *conns) config(t netns.Target) *socket.Config {
	return c.env.SocketConfig(t, c.trace, changesState)
}

// client returns the cached client for namespace t, dialling it once.
func (c *conns) client(t netns.Target) (*rtnl.Client, error) {
	key := t.String()
	if cl, ok := c.main[key]; ok {
		return cl, nil
	}
	cl, err := rtnl.Dial(c.config(t))
	if err != nil {
		return nil, err
	}
	c.main[key] = cl
	return cl, nil
}

// streamClient returns a client only a streaming dump uses: a spare one,
// or a new one.
func (c *conns) streamClient(t netns.Target) (*rtnl.Client, error) {
	key := t.String()
	if l := c.idle[key]; len(l) > 0 {
		cl := l[len(l)-1]
		c.idle[key] = l[:len(l)-1]
		return cl, nil
	}
	return rtnl.Dial(c.config(t))
}

// release returns a stream client whose dump ended.
func (c *conns) release(t netns.Target, cl *rtnl.Client) {
	key := t.String()
	if len(c.idle[key]) < maxIdleStreams {
		c.idle[key] = append(c.idle[key], cl)
		return
	}
	cl.Close()
}

func (c *conns) close() {
	for len(c.streams) > 0 {
		c.streams[0].stop() // removes itself from c.streams
	}
	for _, cl := range c.main {
		cl.Close()
	}
	for _, l := range c.idle {
		for _, cl := range l {
			cl.Close()
		}
	}
	c.main, c.idle = map[string]*rtnl.Client{}, map[string][]*rtnl.Client{}
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
