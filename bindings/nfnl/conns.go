package nfnl

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/nfnl"
)

// connsKey is where the per-runtime client cache lives in the Env.
const connsKey = "nfnl.conns"

// conns caches one nfnetlink client per namespace for a runtime, closed
// when the runtime closes.
type conns struct {
	env   *bindings.Env
	main  map[string]*nfnl.Client
	trace socket.TraceFunc
}

// connsOf returns env's cache, making it on first use.
func connsOf(env *bindings.Env) *conns {
	if c, ok := env.Value(connsKey).(*conns); ok {
		return c
	}
	c := &conns{env: env, main: map[string]*nfnl.Client{}}
	// One line per message, as nf_tables' schemas print it.
	// The protocol's schemas are built by the first line, not before.
	c.trace = env.TraceFunc(func(_ socket.Direction, m codec.Message) string { return nfnl.Protocol().Format(m, false) })
	env.SetValue(connsKey, c)
	env.OnClose(c.close)
	return c
}

// changesState reports whether an nfnetlink message changes state: the
// batch delimiters and every nf_tables message but the GET ones.
func changesState(m codec.Message) bool {
	if m.Header.Type>>8 != 10 { // NFNL_SUBSYS_NFTABLES
		return m.Header.Type == 0x10 || m.Header.Type == 0x11 // BATCH_BEGIN, BATCH_END
	}
	switch m.Header.Type & 0xff {
	case 1, 4, 7, 10, 13, 16, 19, 21, 23, 25: // the GET* requests
		return false
	}
	return true
}

func (c *conns) config(t netns.Target) *socket.Config {
	return c.env.SocketConfig(t, c.trace, changesState)
}

// client returns the cached client for namespace t, dialling it once.
func (c *conns) client(t netns.Target) (*nfnl.Client, error) {
	c.env.Settle() // another module's work in flight comes first
	key := t.String()
	if cl, ok := c.main[key]; ok {
		return cl, nil
	}
	cl, err := nfnl.Dial(&nfnl.Options{Socket: c.config(t)})
	if err != nil {
		return nil, err
	}
	c.main[key] = cl
	return cl, nil
}

func (c *conns) close() {
	for _, cl := range c.main {
		cl.Close()
	}
	c.main = map[string]*nfnl.Client{}
}

// client returns the client for the namespace a's calls go to now,
// raising when it cannot be opened.
func (a *api) client(L *lua.LState, fn string) *nfnl.Client {
	cl, err := connsOf(a.env).client(a.target())
	if err != nil {
		bindings.Raise(L, fn, err)
	}
	return cl
}
