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
	tx := c.Begin()
	tx.AddTable(&nfnl.Table{Family: "netdev", Name: "t"})
	tx.AddChain(&nfnl.Chain{Family: "netdev", Table: "t", Name: "in", Type: "filter", Hook: "ingress", Dev: "lo", Priority: "filter", Policy: "accept"})
	tx.AddRule(&nfnl.Rule{Family: "netdev", Table: "t", Chain: "in", Text: "ip daddr 127.0.0.1 udp dport 9999 counter packets 0 bytes 0"})
	tx.AddRule(&nfnl.Rule{Family: "netdev", Table: "t", Chain: "in", Text: "ip daddr 127.0.0.2 udp dport 9999 counter packets 0 bytes 0"})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	const sent = 3
	ns.Do(func() error {
		l, err := net.ListenPacket("udp4", "127.0.0.1:9999") // so that no port unreachable comes back
		if err != nil {
			return err
		}
		defer l.Close()
		conn, err := net.Dial("udp4", "127.0.0.1:9999")
		if err != nil {
			return err
		}
		defer conn.Close()
		for range sent {
			if _, err := conn.Write([]byte("nlsh")); err != nil {
				return err
			}
		}
		// received: past the ingress hook
		l.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 16)
		for range sent {
			if _, _, err := l.ReadFrom(buf); err != nil {
				return err
			}
		}
		return nil
	})
	rules, err := c.Rules(ctx(t), nfnl.Filter{Family: "netdev", Table: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 {
		t.Fatalf("listed %d rules", len(rules))
	}
	for i, want := range []uint64{sent, 0} {
		var got uint64 = 1 << 63
		for _, x := range rules[i].Exprs {
			if cn, ok := x.(*expr.Counter); ok {
				got = cn.Packets
			}
		}
		if got != want {
			t.Errorf("rule %q counted %d packets, want %d", rules[i].Text, got, want)
		}
	}
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

	tx := c.Begin()
	tx.AddTable(&nfnl.Table{Family: "bridge", Name: "t"})
	tx.AddChain(&nfnl.Chain{Family: "bridge", Table: "t", Name: "fw", Type: "filter", Hook: "forward", Priority: "filter", Policy: "accept"})
	tx.AddRule(&nfnl.Rule{Family: "bridge", Table: "t", Chain: "fw", Text: "ip saddr 10.9.0.1 udp dport 9999 counter packets 0 bytes 0"})
	tx.AddRule(&nfnl.Rule{Family: "bridge", Table: "t", Chain: "fw", Text: "ip saddr 10.9.0.3 udp dport 9999 counter packets 0 bytes 0"})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	var l net.PacketConn
	b.Do(func() error {
		var err error
		l, err = net.ListenPacket("udp4", "10.9.0.2:9999")
		return err
	})
	defer l.Close()
	const sent = 3
	a.Do(func() error {
		conn, err := net.Dial("udp4", "10.9.0.2:9999")
		if err != nil {
			return err
		}
		defer conn.Close()
		for range sent {
			if _, err := conn.Write([]byte("nlsh")); err != nil {
				return err
			}
		}
		return nil
	})
	// received: forwarded by the bridge, past its forward hook
	l.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 16)
	for range sent {
		if _, _, err := l.ReadFrom(buf); err != nil {
			t.Fatalf("across the bridge: %v", err)
		}
	}
	rules, err := c.Rules(ctx(t), nfnl.Filter{Family: "bridge", Table: "t"})
	if err != nil || len(rules) != 2 {
		t.Fatalf("listed %d rules (%v)", len(rules), err)
	}
	for i, want := range []uint64{sent, 0} {
		var got uint64 = 1 << 63
		for _, x := range rules[i].Exprs {
			if cn, ok := x.(*expr.Counter); ok {
				got = cn.Packets
			}
		}
		if got != want {
			t.Errorf("rule %q counted %d packets, want %d", rules[i].Text, got, want)
		}
	}
}
