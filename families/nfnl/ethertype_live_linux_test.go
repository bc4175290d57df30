package nfnl_test

import (
	"net"
	"testing"
	"time"

	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/families/nfnl/expr"
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
