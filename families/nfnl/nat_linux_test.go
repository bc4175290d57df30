package nfnl_test

import (
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/internal/testutil"
)

// TestNATPath: namespaces A and B joined through router R. B has no route
// back to A's network, so A's ping reaches B and gets an answer only
// because nlsh's masquerade rule in R rewrites the source to R's address;
// conntrack in R shows the translation.
func TestNATPath(t *testing.T) {
	testutil.RequireCommand(t, "ping", "iputils-ping")
	testutil.RequireCommand(t, "conntrack", "conntrack")
	a, r, b := testutil.NewNetNS(t), testutil.NewNetNS(t), testutil.NewNetNS(t)
	r.IP("link", "add", "r0", "type", "veth", "peer", "name", "a0", "netns", a.Name)
	r.IP("link", "add", "r1", "type", "veth", "peer", "name", "b0", "netns", b.Name)
	a.IP("addr", "add", "10.1.0.2/24", "dev", "a0")
	r.IP("addr", "add", "10.1.0.1/24", "dev", "r0")
	r.IP("addr", "add", "10.2.0.1/24", "dev", "r1")
	b.IP("addr", "add", "10.2.0.2/24", "dev", "b0")
	for _, x := range []struct {
		ns   *testutil.NS
		devs []string
	}{{a, []string{"lo", "a0"}}, {r, []string{"lo", "r0", "r1"}}, {b, []string{"lo", "b0"}}} {
		for _, d := range x.devs {
			x.ns.IP("link", "set", d, "up")
		}
	}
	a.IP("route", "add", "default", "via", "10.1.0.1")
	if _, err := r.Exec("sysctl", "-w", "net.ipv4.ip_forward=1"); err != nil {
		t.Fatal(err)
	}
	ping := func(tries int) error {
		var err error
		for i := 0; i < tries; i++ { // an echo may be spent on ARP
			if _, err = a.Exec("ping", "-c1", "-W2", "10.2.0.2"); err == nil {
				return nil
			}
		}
		return err
	}
	if ping(1) == nil {
		t.Fatal("ping reached B without NAT: the test would prove nothing")
	}

	c, err := nfnl.Dial(&nfnl.Options{Socket: &socket.Config{NetNS: r.Target}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tx := c.Begin()
	tx.AddTable(&nfnl.Table{Family: "ip", Name: "nat"})
	tx.AddChain(&nfnl.Chain{Family: "ip", Table: "nat", Name: "post", Type: "nat", Hook: "postrouting", Priority: "srcnat", Policy: "accept"})
	tx.AddRule(&nfnl.Rule{Family: "ip", Table: "nat", Chain: "post", Text: `ip saddr 10.1.0.0/24 oifname "r1" counter packets 0 bytes 0 masquerade`})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Exec("conntrack", "-F"); err != nil {
		t.Fatal(err)
	}
	if err := ping(3); err != nil {
		t.Fatalf("ping through the masquerading router: %v", err)
	}
	out, err := r.Exec("conntrack", "-L", "-p", "icmp")
	if err != nil {
		t.Fatal(err)
	}
	// original direction from A, reply direction addressed to R's side
	if !strings.Contains(out, "src=10.1.0.2 dst=10.2.0.2") || !strings.Contains(out, "src=10.2.0.2 dst=10.2.0.1") {
		t.Errorf("conntrack shows no masquerade translation:\n%s", out)
	}
	rules, err := c.Rules(ctx(t), nfnl.Filter{Family: "ip", Table: "nat"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || strings.Contains(rules[0].Text, "packets 0 ") {
		t.Errorf("masquerade rule counted nothing: %+v", rules)
	}
}
