package nfnl_test

import (
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
)

func texts(t *testing.T, c *nfnl.Client) ([]string, []*nfnl.Rule) {
	t.Helper()
	rules, err := c.Rules(ctx(t), nfnl.Filter{Family: "inet", Table: "filter", Chain: "input"})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = r.Text
	}
	return out, rules
}

// TestRuleOperations: append, insert at the start and before/after a
// handle, replace and delete by handle, comments, element add/del, as nft
// sees them.
func TestRuleOperations(t *testing.T) {
	ns, c := setup(t, nil)
	nftFile(t, ns, testdataNft(t, "skeleton.nft"))
	r := func(text string) *nfnl.Rule {
		return &nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Text: text}
	}
	tx := c.Begin()
	tx.AddRule(r("tcp dport 22 accept"))
	tx.AddRule(r("tcp dport 80 accept"))
	tx.InsertRule(r("ct state invalid drop"))
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	got, rules := texts(t, c)
	if strings.Join(got, "|") != "ct state invalid drop|tcp dport 22 accept|tcp dport 80 accept" {
		t.Fatalf("after append and insert: %q", got)
	}
	h22, h80 := rules[1].Handle, rules[2].Handle

	tx = c.Begin()
	ins := r("udp dport 53 accept")
	ins.Position = h80
	tx.InsertRule(ins) // before 80
	app := r("udp dport 67 accept")
	app.Position = h22
	tx.AddRule(app) // after 22
	rep := r("tcp dport 2222 accept")
	rep.Handle, rep.Comment = h22, "moved ssh"
	tx.ReplaceRule(rep)
	tx.DelRule(&nfnl.Rule{Family: "inet", Table: "filter", Chain: "input", Handle: rules[0].Handle})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	got, _ = texts(t, c)
	want := []string{`tcp dport 2222 accept comment "moved ssh"`, "udp dport 67 accept", "udp dport 53 accept", "tcp dport 80 accept"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("after position insert/add, replace, delete:\n got %q\nwant %q", got, want)
	}
	listed := nft(t, ns, "list", "chain", "inet", "filter", "input")
	for _, w := range want {
		if !strings.Contains(listed, "\t\t"+w+"\n") {
			t.Errorf("nft does not list %q:\n%s", w, listed)
		}
	}

	// elements
	s := &nfnl.Set{Family: "inet", Table: "filter", Name: "blk", Type: "ipv4_addr", Flags: nfnl.SetInterval}
	tx = c.Begin()
	tx.AddSet(s)
	tx.AddElements(s, nfnl.Element{Key: "10.0.0.0/8"}, nfnl.Element{Key: "192.168.0.1"})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	tx = c.Begin()
	tx.DelElements(s, nfnl.Element{Key: "192.168.0.1"})
	tx.AddElements(s, nfnl.Element{Key: "172.16.0.0/12"})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	sets, err := c.Sets(ctx(t), nfnl.Filter{Family: "inet", Table: "filter"})
	if err != nil || len(sets) != 1 {
		t.Fatalf("sets: %v %v", sets, err)
	}
	var keys []string
	for _, e := range sets[0].Elements {
		keys = append(keys, e.Key)
	}
	if strings.Join(keys, ",") != "10.0.0.0/8,172.16.0.0/12" {
		t.Errorf("elements %v", keys)
	}
	if out := nft(t, ns, "list", "set", "inet", "filter", "blk"); !strings.Contains(out, "elements = { 10.0.0.0/8, 172.16.0.0/12 }") {
		t.Errorf("nft lists\n%s", out)
	}
}
