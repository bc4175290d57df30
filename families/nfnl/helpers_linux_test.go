package nfnl_test

import (
	"bufio"
	"context"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"github.com/nlsh/nlsh/internal/testutil"
)

// corpusRule is one line of testdata/corpus.txt.
type corpusRule struct {
	family, table, chain, text string
}

func readCorpus(t testing.TB) []corpusRule {
	f, err := os.Open("testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusRule
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		loc, text, _ := strings.Cut(line, "\t")
		l := strings.Fields(loc)
		out = append(out, corpusRule{l[0], l[1], l[2], text})
	}
	return out
}

// skeleton is the tables and chains the corpus rules go into.
func skeleton() ([]*nfnl.Table, []*nfnl.Chain) {
	return []*nfnl.Table{{Family: "inet", Name: "filter"}, {Family: "ip", Name: "nat"}, {Family: "ip6", Name: "f"}, {Family: "netdev", Name: "nd"}, {Family: "bridge", Name: "br"}},
		[]*nfnl.Chain{
			{Family: "inet", Table: "filter", Name: "input", Type: "filter", Hook: "input", Priority: "filter", Policy: "accept"},
			{Family: "inet", Table: "filter", Name: "other"},
			{Family: "inet", Table: "filter", Name: "raw", Type: "filter", Hook: "prerouting", Priority: "raw", Policy: "accept"},
			{Family: "inet", Table: "filter", Name: "post", Type: "nat", Hook: "postrouting", Priority: "srcnat", Policy: "accept"},
			{Family: "ip", Table: "nat", Name: "post", Type: "nat", Hook: "postrouting", Priority: "srcnat", Policy: "accept"},
			{Family: "ip", Table: "nat", Name: "pre", Type: "nat", Hook: "prerouting", Priority: "dstnat", Policy: "accept"},
			{Family: "ip6", Table: "f", Name: "in", Type: "filter", Hook: "input", Priority: "filter", Policy: "accept"},
			{Family: "ip6", Table: "f", Name: "post", Type: "nat", Hook: "postrouting", Priority: "srcnat", Policy: "accept"},
			{Family: "netdev", Table: "nd", Name: "ing", Type: "filter", Hook: "ingress", Dev: "lo", Priority: "filter", Policy: "accept"},
			{Family: "bridge", Table: "br", Name: "brf", Type: "filter", Hook: "forward", Priority: "filter", Policy: "accept"},
		}
}

// corpusObjects are the named objects corpus rules refer to
// (testdata/corpus_sets.nft for nft -f).
func corpusObjects() []*nfnl.Object {
	return []*nfnl.Object{
		{Family: "inet", Table: "filter", Name: "cnt1", Type: "counter"},
		{Family: "inet", Table: "filter", Name: "q1", Type: "quota", Quota: &expr.Quota{Bytes: 1000}},
	}
}

// corpusSets are the named sets corpus rules add to and look up
// (testdata/corpus_sets.nft for nft -f): what "add @s { ... }" needs, dynamic, some
// with timeouts; and the maps rules look up.
func corpusSets() []*nfnl.Set {
	dyn := func(name, typ string, flags uint32, timeout uint64) *nfnl.Set {
		return &nfnl.Set{Family: "inet", Table: "filter", Name: name, Type: typ, Flags: nfnl.SetEval | flags, Timeout: timeout}
	}
	return []*nfnl.Set{
		dyn("blacklist", "ipv4_addr", 0, 0),
		dyn("seen", "ipv4_addr", nfnl.SetTimeout, 0),
		dyn("pairs", "ipv4_addr . inet_service", 0, 0),
		dyn("flood", "ipv4_addr", 0, 0),
		dyn("counted", "ipv4_addr", 0, 0),
		dyn("gone", "ipv4_addr", 0, 0),
		dyn("conns", "ipv4_addr", 0, 0),
		dyn("s6", "ipv6_addr", 0, 60),
		{Family: "inet", Table: "filter", Name: "service-ips", Type: "ipv4_addr . inet_proto . inet_service", Map: "verdict"},
		{Family: "inet", Table: "filter", Name: "snat4", Type: "ipv4_addr", Map: "ipv4_addr"},
		{Family: "inet", Table: "filter", Name: "snat-map", Type: "ipv4_addr . inet_service", Map: "ipv4_addr . inet_service",
			Elements: []nfnl.Element{{Key: "10.0.0.1 . 80", Value: "10.0.0.2 . 8080"}, {Key: "10.0.0.3 . 443", Value: "10.0.0.4 . 8443"}}},
		{Family: "ip", Table: "nat", Name: "dnat-map", Type: "ipv4_addr . inet_service", Map: "ipv4_addr . inet_service"},
		{Family: "ip", Table: "nat", Name: "dnatp", Type: "inet_service", Map: "ipv4_addr . inet_service"},
		{Family: "inet", Table: "filter", Name: "cm", Type: "inet_service", Map: "counter", Elements: []nfnl.Element{{Key: "22", Value: `"cnt1"`}}},
		{Family: "inet", Table: "filter", Name: "cm2", Type: "ipv4_addr . inet_service", Map: "quota"},
	}
}

func setup(t testing.TB, reg *expr.Registry) (*testutil.NS, *nfnl.Client) {
	t.Helper()
	testutil.RequireCommand(t, "nft", "nftables")
	ns := testutil.NewNetNS(t)
	ns.IP("link", "set", "lo", "up")
	c, err := nfnl.Dial(&nfnl.Options{Socket: &socket.Config{NetNS: ns.Target}, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return ns, c
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func nft(t testing.TB, ns *testutil.NS, args ...string) string {
	t.Helper()
	out, err := ns.Exec("nft", args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func nftFile(t testing.TB, ns *testutil.NS, text string) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "*.nft")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(text)
	f.Close()
	nft(t, ns, "-f", f.Name())
}

// chainRules extracts the rule lines of each chain from nft's text.
func chainRules(text string) map[string][]string {
	out := map[string][]string{}
	var table, chain string
	for _, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(l, "table "):
			f := strings.Fields(l)
			table, chain = f[1]+" "+f[2], ""
		case strings.HasPrefix(l, "chain "):
			chain = table + " " + strings.Fields(l)[1]
		case l == "}" || l == "" || strings.HasPrefix(l, "type "):
			if l == "}" {
				chain = ""
			}
		case chain != "":
			out[chain] = append(out[chain], l)
		}
	}
	return out
}

func socketIn(ns *testutil.NS) *socket.Config { return &socket.Config{NetNS: ns.Target} }

type goldenExpr struct {
	name string
	data []byte
}

// readGoldenExprs returns the golden expressions of each rule of
// testdata/golden/rules.txt, in order.
func readGoldenExprs(t testing.TB) [][]goldenExpr {
	b, err := os.ReadFile("testdata/golden/exprs.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out [][]goldenExpr
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "# nft "):
			out = append(out, nil)
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			name, h, _ := strings.Cut(line, " ")
			data, err := hex.DecodeString(h)
			if err != nil {
				t.Fatal(err)
			}
			out[len(out)-1] = append(out[len(out)-1], goldenExpr{name, data})
		}
	}
	return out
}

// testdataNft returns the nft script testdata/name: skeleton.nft (the
// tables and chains the corpus rules go into), corpus_sets.nft (the
// objects, sets and maps they name).
func testdataNft(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
