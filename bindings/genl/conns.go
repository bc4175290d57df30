package genl

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/ethtool"
	"github.com/nlsh/nlsh/families/genl/hwsim"
	"github.com/nlsh/nlsh/families/genl/netdev"
	"github.com/nlsh/nlsh/families/genl/nl80211"
	"github.com/nlsh/nlsh/families/genl/tcpmetrics"
	"github.com/nlsh/nlsh/families/genl/wireguard"
)

// connsKey is where the per-runtime connection cache lives in the Env.
const connsKey = "genl.conns"

// familySchema is a family's name and the function returning its schema,
// which builds it on first use.
type familySchema struct {
	name   string
	schema func() *genl.FamilySchema
}

// schemas are the family schemas every connection knows, so raw requests
// and events of these families encode and decode by name. Each is built
// the first time a message of its family needs it.
var schemas = [...]familySchema{
	{ethtool.FamilyName, ethtool.Schema}, {wireguard.FamilyName, wireguard.Schema},
	{nl80211.FamilyName, nl80211.Schema}, {netdev.FamilyName, netdev.Schema},
	{tcpmetrics.FamilyName, tcpmetrics.Schema}, {hwsim.FamilyName, hwsim.Schema},
}

// client is one generic netlink connection with the typed family clients
// over it.
type client struct {
	g   *genl.Client
	eth *ethtool.Client
	wg  *wireguard.Client
	nl  *nl80211.Client
	nd  *netdev.Client
	tm  *tcpmetrics.Client
}

// conns caches one client per namespace for a runtime, closed when the
// runtime closes.
type conns struct {
	env     *bindings.Env
	clients map[string]*client
	names   *familyNames // family ids to names, for traces
	trace   socket.TraceFunc
}

// connsOf returns env's cache, making it on first use.
func connsOf(env *bindings.Env) *conns {
	if c, ok := env.Value(connsKey).(*conns); ok {
		return c
	}
	c := &conns{env: env, clients: map[string]*client{}, names: newFamilyNames()}
	// One line per message:
	//	send ethtool FEATURES_SET flags=0x5 seq=3 header={dev_name="v0"} wanted={...}
	c.trace = env.TraceFunc(func(dir socket.Direction, m codec.Message) string { return formatMessage(c.names, dir, m) })
	env.SetValue(connsKey, c)
	env.OnClose(c.close)
	return c
}

// config is the socket configuration of a connection in namespace t.
func (c *conns) config(t netns.Target) *socket.Config {
	return c.env.SocketConfig(t, c.trace, c.names.changesState)
}

// dial opens a new connection in t (events use one of their own).
func (c *conns) dial(ctx context.Context, t netns.Target) (*genl.Client, error) {
	g, err := genl.Dial(c.config(t))
	if err != nil {
		return nil, err
	}
	for _, f := range schemas {
		g.RegisterFunc(f.name, f.schema)
	}
	if c.trace != nil || c.env.DryRun {
		// Traces and dry runs name families by id: learn them once.
		fams, err := g.Families(ctx)
		if err != nil {
			g.Close()
			return nil, err
		}
		c.names.learn(fams)
	}
	return g, nil
}

// client returns the cached client of namespace t, dialling it once.
func (c *conns) client(ctx context.Context, t netns.Target) (*client, error) {
	c.env.Settle() // another module's work in flight comes first
	key := t.String()
	if cl, ok := c.clients[key]; ok {
		return cl, nil
	}
	g, err := c.dial(ctx, t)
	if err != nil {
		return nil, err
	}
	cl := &client{g: g, eth: ethtool.New(g), wg: wireguard.New(g), nl: nl80211.New(g), nd: netdev.New(g), tm: tcpmetrics.New(g)}
	c.clients[key] = cl
	return cl, nil
}

func (c *conns) close() {
	for _, cl := range c.clients {
		cl.g.Close()
	}
	c.clients = map[string]*client{}
}

// familyNames maps family ids to names and schemas for traces and the
// dry-run test; trace callbacks may run on another goroutine.
type familyNames struct {
	mu    sync.Mutex
	names map[uint16]string
	byFam map[string]func() *genl.FamilySchema
}

func newFamilyNames() *familyNames {
	n := &familyNames{names: map[uint16]string{genl.IDCtrl: genl.CtrlName}, byFam: map[string]func() *genl.FamilySchema{genl.CtrlName: genl.CtrlSchema}}
	for _, f := range schemas {
		n.byFam[f.name] = f.schema
	}
	return n
}

func (n *familyNames) learn(fams []genl.Family) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, f := range fams {
		n.names[f.ID] = f.Name
	}
}

// lookup returns the family name and schema (nil if none) of id.
func (n *familyNames) lookup(id uint16) (string, *genl.FamilySchema) {
	n.mu.Lock()
	defer n.mu.Unlock()
	name, ok := n.names[id]
	if !ok {
		return fmt.Sprintf("genl(%#x)", id), nil
	}
	if f := n.byFam[name]; f != nil {
		return name, f()
	}
	return name, nil
}

// changesState reports whether a request may change state: dumps never
// do; a do request does unless its command's name says it reads (GET).
// Commands of families without a schema are assumed to change state.
func (n *familyNames) changesState(m codec.Message) bool {
	if m.Header.Flags&codec.Dump == codec.Dump {
		return false
	}
	gm, err := genl.ParseMessage(m.Data)
	if err != nil {
		return true
	}
	_, fs := n.lookup(m.Header.Type)
	if fs == nil {
		return true
	}
	return !strings.Contains(fs.CommandName(gm.Command), "GET")
}

func formatMessage(names *familyNames, dir socket.Direction, m codec.Message) string {
	h := m.Header
	head := fmt.Sprintf("flags=%#x seq=%d", h.Flags, h.Seq)
	switch h.Type {
	case 1, 2, 3, 4: // NLMSG_NOOP, ERROR, DONE, OVERRUN
		kinds := map[uint16]string{1: "NLMSG_NOOP", 2: "NLMSG_ERROR", 3: "NLMSG_DONE", 4: "NLMSG_OVERRUN"}
		return kinds[h.Type] + " " + head
	}
	fam, fs := names.lookup(h.Type)
	gm, err := genl.ParseMessage(m.Data)
	if err != nil {
		return fmt.Sprintf("%s %s: %v", fam, head, err)
	}
	cmd, schema := fs.CommandName(gm.Command), fs.RequestAttrs(gm.Command)
	if dir == socket.Received || dir == socket.Skipped {
		cmd, schema = fs.ReplyName(gm.Command), fs.ReplyAttrs(gm.Command)
	}
	t, err := schema.Decode(gm.Attrs)
	if err != nil {
		return fmt.Sprintf("%s %s %s: %v", fam, cmd, head, err)
	}
	return fmt.Sprintf("%s %s %s %s", fam, cmd, head, t)
}
