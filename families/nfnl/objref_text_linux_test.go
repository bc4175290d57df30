package nfnl_test

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"github.com/nlsh/nlsh/internal/testutil"
)

// objrefTextObjects are the objects the rules of objrefTextRules name,
// made with nft -f (nlsh's objects are another engineer's work), in the
// table and base chain the rules go into.
const objrefTextObjects = `table inet t {
	ct helper h {
		type "ftp" protocol tcp
		l3proto inet
	}
	synproxy sp1 {
		mss 1460
		wscale 7
		timestamp sack-perm
	}
	ct expectation e1 {
		protocol tcp
		dport 5432
		timeout 1h
		size 12
		l3proto ip
	}
	ct timeout to1 {
		protocol tcp
		l3proto ip
		policy = { established: 100 }
	}
	chain c {
		type filter hook forward priority filter; policy accept;
	}
}
`

// objrefTextRules are rules of the forms of ruletext's objref.go and
// synproxy.go, as written and as nft 1.0.6 lists them ("" when nlsh
// prints no text for it: nft lists "synproxy mss 1460" as "synproxy mss
// 1460 wscale 0", which it reads back as another rule).
func objrefTextRules() []struct{ written, listed, nftListed string } {
	return []struct{ written, listed, nftListed string }{
		{`ct helper set "h"`, `ct helper set "h"`, ""},
		{`ct helper set h`, `ct helper set "h"`, ""},
		{`tcp dport 21 ct helper set "h" accept`, `tcp dport 21 ct helper set "h" accept`, ""},
		{`ct timeout set "to1"`, `ct timeout set "to1"`, ""},
		{`ct expectation set "e1"`, `ct expectation set "e1"`, ""},
		{`synproxy name "sp1"`, `synproxy name "sp1"`, ""},
		{`tcp dport 22 synproxy mss 1460 wscale 7 timestamp sack-perm`, `tcp dport 22 synproxy mss 1460 wscale 7 timestamp sack-perm`, ""},
		{`synproxy sack-perm timestamp wscale 7 mss 1460`, `synproxy mss 1460 wscale 7 timestamp sack-perm`, ""},
		{`synproxy`, `synproxy`, ""},
		{`synproxy sack-perm`, `synproxy sack-perm`, ""},
		{`synproxy timestamp`, `synproxy timestamp`, ""},
		{`synproxy mss 0 wscale 0 timestamp`, `synproxy mss 0 wscale 0 timestamp`, ""},
		{`synproxy mss 1460`, ``, `synproxy mss 1460 wscale 0`},
		{`synproxy wscale 7 sack-perm`, ``, `synproxy mss 0 wscale 7 sack-perm`},
	}
}

// objrefTextNS makes a namespace with the objects, made by nft; it skips
// the test when the kernel has no such objects (a kernel without
// nft_synproxy or the ftp conntrack helper).
func objrefTextNS(t *testing.T) (*testutil.NS, *nfnl.Client) {
	t.Helper()
	ns, c := setup(t, nil)
	f := filepath.Join(t.TempDir(), "objects.nft")
	if err := os.WriteFile(f, []byte(objrefTextObjects), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := ns.Exec("nft", "-f", f); err != nil {
		t.Skipf("the kernel does not make the objects (ct helper, timeout, expectation, synproxy): %v %s", err, out)
	}
	return ns, c
}

// objrefWire is the wire form of a rule's expressions, kind and
// NFTA_EXPR_DATA, as nlsh lists them from the kernel.
func objrefWire(t *testing.T, xs []expr.Expr) []string {
	t.Helper()
	out := make([]string, len(xs))
	for i, x := range xs {
		b, err := expr.Marshal(x)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = x.Kind() + " " + hex.EncodeToString(b)
	}
	return out
}

// TestObjrefTextNftToNlsh: rules naming ct helpers, timeouts,
// expectations and synproxies, and synproxy statements, loaded by nft
// list through nlsh with nft's text; the same rules loaded by nlsh from
// their text (in another namespace, with the same objects made by nft)
// are the same expressions in the kernel, byte for byte, and nft and
// nlsh list them as nft listed its own.
func TestObjrefTextNftToNlsh(t *testing.T) {
	rules := objrefTextRules()
	ns, c := objrefTextNS(t)
	script := ""
	for _, r := range rules {
		script += "add rule inet t c " + r.written + "\n"
	}
	nftFile(t, ns, script)
	byNft, err := c.Rules(ctx(t), nfnl.Filter{Family: "inet", Table: "t", Chain: "c"})
	if err != nil {
		t.Fatal(err)
	}
	nftText := chainRules(nft(t, ns, "list", "ruleset"))["inet t c"]

	ns2, c2 := objrefTextNS(t)
	tx := c2.Begin()
	for _, r := range rules {
		tx.AddRule(&nfnl.Rule{Family: "inet", Table: "t", Chain: "c", Text: r.written})
	}
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	byNlsh, err := c2.Rules(ctx(t), nfnl.Filter{Family: "inet", Table: "t", Chain: "c"})
	if err != nil {
		t.Fatal(err)
	}
	nftText2 := chainRules(nft(t, ns2, "list", "ruleset"))["inet t c"]
	if len(byNft) != len(rules) || len(byNlsh) != len(rules) ||
		len(nftText) != len(rules) || len(nftText2) != len(rules) {
		t.Fatalf("%d rules; nlsh lists %d of nft's and %d of its own, nft %d of its own and %d of nlsh's",
			len(rules), len(byNft), len(byNlsh), len(nftText), len(nftText2))
	}
	for i, r := range rules {
		t.Run(fmt.Sprintf("%02d %s", i, r.written), func(t *testing.T) {
			nftListed := r.listed
			if r.nftListed != "" {
				nftListed = r.nftListed
			}
			if nftText[i] != nftListed {
				t.Errorf("nft lists its rule as %q, want %q", nftText[i], nftListed)
			}
			if nftText2[i] != nftListed {
				t.Errorf("nft lists nlsh's rule as %q, want %q", nftText2[i], nftListed)
			}
			if byNft[i].Text != r.listed {
				t.Errorf("nlsh lists nft's rule as %q, want %q", byNft[i].Text, r.listed)
			}
			if byNlsh[i].Text != r.listed {
				t.Errorf("nlsh lists its own rule as %q, want %q", byNlsh[i].Text, r.listed)
			}
			a, b := objrefWire(t, byNft[i].Exprs), objrefWire(t, byNlsh[i].Exprs)
			if strings.Join(a, "\n") != strings.Join(b, "\n") {
				t.Errorf("the kernel holds nft's rule as\n%s\nnlsh's as\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
			for _, x := range byNft[i].Exprs {
				if _, raw := x.(*expr.Raw); raw {
					t.Errorf("nlsh lists %s as raw bytes", x.Kind())
				}
			}
		})
	}
}
