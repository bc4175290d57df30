package nfnl_test

import (
	"net"
	"testing"
	"time"

	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"github.com/nlsh/nlsh/internal/testutil"
)

// TestNetdevRuleMatchesTraffic sends UDP datagrams over lo past a netdev
// ingress chain whose rules nlsh compiled from text: the rule that
// matches an IPv4 header field counts them (its dependency is the
// packet's ethertype; "meta nfproto ipv4" would never hold in a netdev
// table), the one for the other address counts none.
func TestNetdevRuleMatchesTraffic(t *testing.T) {
	ns, c := setup(t, nil)
	loadCounting(t, c, &nfnl.Chain{Family: "netdev", Table: "t", Name: "in", Type: "filter", Hook: "ingress", Dev: "lo", Priority: "filter", Policy: "accept"},
		"ip daddr 127.0.0.1 udp dport 9999 counter packets 0 bytes 0",
		"ip daddr 127.0.0.2 udp dport 9999 counter packets 0 bytes 0")
	const sent = 3
	sendDatagrams(t, ns, ns, "127.0.0.1:9999", sent) // received: past the ingress hook
	wantCounted(t, c, nfnl.Filter{Family: "netdev", Table: "t"}, sent, 0)
}

// TestBridgeRuleMatchesTraffic sends datagrams from one namespace to
// another across a bridge in a third, past a bridge forward chain of
// rules nlsh compiled: the rule for the sender's address counts them
// (its dependency is the frame's ethertype, "meta protocol ip"), the one
// for another address counts none.
func TestBridgeRuleMatchesTraffic(t *testing.T) {
	br, c := setup(t, nil)
	a, b := testutil.NewNetNS(t), testutil.NewNetNS(t)
	br.IP("link", "add", "br0", "type", "bridge")
	br.IP("link", "add", "va", "type", "veth", "peer", "name", "eth0", "netns", a.Name)
	br.IP("link", "add", "vb", "type", "veth", "peer", "name", "eth0", "netns", b.Name)
	for _, dev := range []string{"va", "vb"} {
		br.IP("link", "set", dev, "master", "br0")
		br.IP("link", "set", dev, "up")
	}
	br.IP("link", "set", "br0", "up")
	a.IP("addr", "add", "10.9.0.1/24", "dev", "eth0")
	a.IP("link", "set", "eth0", "up")
	b.IP("addr", "add", "10.9.0.2/24", "dev", "eth0")
	b.IP("link", "set", "eth0", "up")
	loadCounting(t, c, &nfnl.Chain{Family: "bridge", Table: "t", Name: "fw", Type: "filter", Hook: "forward", Priority: "filter", Policy: "accept"},
		"ip saddr 10.9.0.1 udp dport 9999 counter packets 0 bytes 0",
		"ip saddr 10.9.0.3 udp dport 9999 counter packets 0 bytes 0")
	const sent = 3
	sendDatagrams(t, a, b, "10.9.0.2:9999", sent) // received: forwarded by the bridge, past its forward hook
	wantCounted(t, c, nfnl.Filter{Family: "bridge", Table: "t"}, sent, 0)
}

// loadCounting makes chain ch, in a table of its own, with rules (text),
// in one transaction.
func loadCounting(t *testing.T, c *nfnl.Client, ch *nfnl.Chain, rules ...string) {
	t.Helper()
	tx := c.Begin()
	tx.AddTable(&nfnl.Table{Family: ch.Family, Name: ch.Table})
	tx.AddChain(ch)
	for _, r := range rules {
		tx.AddRule(&nfnl.Rule{Family: ch.Family, Table: ch.Table, Chain: ch.Name, Text: r})
	}
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

// sendDatagrams sends n UDP datagrams from namespace from to addr, where
// namespace to listens (so that no port unreachable comes back), and
// waits until all n have arrived.
func sendDatagrams(t *testing.T, from, to *testutil.NS, addr string, n int) {
	t.Helper()
	var l net.PacketConn
	to.Do(func() error {
		var err error
		l, err = net.ListenPacket("udp4", addr)
		return err
	})
	defer l.Close()
	from.Do(func() error {
		conn, err := net.Dial("udp4", addr)
		if err != nil {
			return err
		}
		defer conn.Close()
		for range n {
			if _, err := conn.Write([]byte("nlsh")); err != nil {
				return err
			}
		}
		return nil
	})
	l.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 16)
	for range n {
		if _, _, err := l.ReadFrom(buf); err != nil {
			t.Fatalf("datagrams to %s: %v", addr, err)
		}
	}
}

// wantCounted checks that the rules f lists counted want packets, in
// order.
func wantCounted(t *testing.T, c *nfnl.Client, f nfnl.Filter, want ...uint64) {
	t.Helper()
	rules, err := c.Rules(ctx(t), f)
	if err != nil || len(rules) != len(want) {
		t.Fatalf("listed %d rules (%v), want %d", len(rules), err, len(want))
	}
	for i, w := range want {
		var got uint64 = 1 << 63
		for _, x := range rules[i].Exprs {
			if cn, ok := x.(*expr.Counter); ok {
				got = cn.Packets
			}
		}
		if got != w {
			t.Errorf("rule %q counted %d packets, want %d", rules[i].Text, got, w)
		}
	}
}
