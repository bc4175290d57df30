package ruletext

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// TestObjrefSynproxyLikeNft: the statements that name an object of the
// table and the synproxy statement compile to the expressions nft 1.0.6
// sends for them (from nft --debug=mnl, the objects made first; "meta
// secmark set" too, though the test kernel has no SELinux to make a
// secmark object: nft sends the rule all the same and the kernel refuses
// it) and print as nft 1.0.6 lists them; what is printed compiles back
// to the same expressions. nft sends an object's name without its NUL,
// which the kernel adds when it lists the rule, as nlsh sends it: the
// names are compared as decoded.
func TestObjrefSynproxyLikeNft(t *testing.T) {
	c, p := NewCompiler(loResolver{}), NewPrinter(loResolver{})
	reg := expr.NewRegistry()
	for _, tc := range []struct {
		text, printed string
		wire          string // the NFTA_EXPR_DATA nft sent for the last expression, hex
	}{
		{`ct helper set "h"`, `ct helper set "h"`, "08000100000000030500020068000000"},
		{`ct helper set h`, `ct helper set "h"`, "08000100000000030500020068000000"},
		{`ct timeout set "to1"`, `ct timeout set "to1"`, "080001000000000707000200746f3100"},
		{`ct expectation set "e1"`, `ct expectation set "e1"`, "08000100000000090600020065310000"},
		{`synproxy name "sp1"`, `synproxy name "sp1"`, "080001000000000a0700020073703100"},
		{`meta secmark set "s1"`, `meta secmark set "s1"`, "08000100000000080600020073310000"},
		{`counter name "c2"`, `counter name "c2"`, ""},
		{`limit name lim`, `limit name "lim"`, ""},
		{"synproxy mss 1460 wscale 7 timestamp sack-perm", "synproxy mss 1460 wscale 7 timestamp sack-perm", "0600010005b400000500020007000000080003000000000f"},
		{"tcp dport 22 synproxy mss 1460 wscale 7 timestamp sack-perm", "tcp dport 22 synproxy mss 1460 wscale 7 timestamp sack-perm", "0600010005b400000500020007000000080003000000000f"},
		{"synproxy sack-perm timestamp wscale 7 mss 1460", "synproxy mss 1460 wscale 7 timestamp sack-perm", "0600010005b400000500020007000000080003000000000f"},
		{"synproxy", "synproxy", "060001000000000005000200000000000800030000000000"},
		{"synproxy sack-perm", "synproxy sack-perm", "060001000000000005000200000000000800030000000004"},
		{"synproxy timestamp", "synproxy timestamp", "060001000000000005000200000000000800030000000008"},
		{"synproxy timestamp timestamp", "synproxy timestamp", "060001000000000005000200000000000800030000000008"},
		{"synproxy mss 0 wscale 0", "synproxy mss 0 wscale 0", ""},
		{"synproxy mss 65535 wscale 255", "synproxy mss 65535 wscale 255", ""},
		{`synproxy counter name "c1"`, `synproxy counter name "c1"`, ""},
	} {
		r, err := c.Compile("inet", tc.text)
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		last := r.Exprs[len(r.Exprs)-1]
		if tc.wire != "" {
			w, _ := hex.DecodeString(tc.wire)
			nft, err := reg.DecodeOne(last.Kind(), w)
			if err != nil {
				t.Fatalf("%q: nft's %s: %v", tc.text, tc.wire, err)
			}
			a, _ := json.Marshal(nft)
			b, _ := json.Marshal(last)
			if !bytes.Equal(a, b) || nft.Kind() != last.Kind() {
				t.Errorf("%q: compiles to %s %s, nft sends %s %s", tc.text, last.Kind(), b, nft.Kind(), a)
			}
			if _, ok := last.(*expr.Synproxy); ok {
				if got, _ := expr.Marshal(last); !bytes.Equal(got, w) {
					t.Errorf("%q: sends %x, nft sends %s", tc.text, got, tc.wire)
				}
			}
		}
		got, err := p.Print("inet", r.Exprs, "", nil)
		if err != nil || got != tc.printed {
			t.Errorf("%q printed as %q (%v), want %q", tc.text, got, err, tc.printed)
			continue
		}
		back, err := c.Compile("inet", got)
		if err != nil {
			t.Errorf("%q: %v", got, err)
			continue
		}
		a, _ := json.Marshal(r.Exprs)
		b, _ := json.Marshal(back.Exprs)
		if !bytes.Equal(a, b) {
			t.Errorf("%q reads back as %s, not %s", got, b, a)
		}
	}
}

// TestObjrefSynproxyBadInput: what nft would load as another rule than
// it reads, or what the kernel has no object for, is an error naming
// what is wrong, never a panic.
func TestObjrefSynproxyBadInput(t *testing.T) {
	c := NewCompiler(loResolver{})
	for _, tc := range []struct{ text, want string }{
		{"ct helper set", "ct helper set: want the object's name"},
		{"ct timeout set", "ct timeout set: want the object's name"},
		{"ct expectation set", "ct expectation set: want the object's name"},
		{"meta secmark set", "meta secmark set: want the object's name"},
		{"synproxy name", "synproxy name: want the object's name"},
		{`ct helper set ""`, "want the object's name"},
		{"ct helper set { }", "want the object's name"},
		{`ct helper set "` + strings.Repeat("a", 256) + `"`, "object name of 256 bytes, at most 255"},
		{`ct helper set "a` + "\x00" + `b"`, "holds a NUL"},
		{`ct helper set @helpers`, "a header field or meta key and a map of names"},
		{`meta secmark set ct secmark`, "a header field or meta key and a map of names"},
		{`ct helper set udp dport map { 69 : "" }`, "want the object's name"},
		{`ct helper set udp dport map { 69 "tftp-69" }`, "want key : value"},
		{`counter name tcp dport map { , 22 : "c" }`, "',' before the first element"},
		{`counter name tcp dport map { 22 : "c" 23 : "d" }`, "want a comma before it"},
		{`counter name tcp dport vmap @m`, `expected "map", got "vmap"`},
		{`ct helper "ftp"`, "nlsh reads only ct helper set NAME"},
		{`ct timeout "to1"`, "nlsh reads only ct timeout set NAME"},
		{"synproxy mss 70000", "synproxy mss: want a number from 0 to 65535, got \"70000\""},
		{"synproxy mss -1", "synproxy mss: want a number from 0 to 65535"},
		{"synproxy mss", "synproxy mss: want a number from 0 to 65535, got \"\""},
		{"synproxy wscale 256", "synproxy wscale: want a number from 0 to 255, got \"256\""},
		{"synproxy wscale x", "synproxy wscale: want a number from 0 to 255"},
		{"synproxy mss 1460 mss 1400", "synproxy: mss given twice (nft keeps the last)"},
		{"synproxy wscale 1 timestamp wscale 2", "synproxy: wscale given twice"},
		{"synproxy ecn", `unknown statement "ecn", nor an option of the synproxy (mss N, wscale N, timestamp, sack-perm) before it`},
		{"synproxy mss 1460 wscale 7 sack", `unknown statement "sack", nor an option of the synproxy`},
		{`synproxy name "sp1" mss 1460`, `unknown statement "mss"`},
	} {
		_, err := c.Compile("inet", tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one saying %q", tc.text, err, tc.want)
		}
	}
}

// TestSynproxyOneOfMssWscale: nft reads "synproxy mss 1460" (and sends
// the MSS flag alone) but lists it "synproxy mss 1460 wscale 0", which
// it reads back with the window scale flagged too: another rule. nlsh
// compiles what nft sends and prints no text for it.
func TestSynproxyOneOfMssWscale(t *testing.T) {
	c, p := NewCompiler(loResolver{}), NewPrinter(loResolver{})
	for _, tc := range []struct{ text, wire string }{
		{"synproxy mss 1460", "0600010005b4000005000200000000000800030000000001"},
		{"synproxy wscale 7", "060001000000000005000200070000000800030000000002"},
	} {
		r, err := c.Compile("inet", tc.text)
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		if b, err := expr.Marshal(r.Exprs[0]); err != nil || hex.EncodeToString(b) != tc.wire {
			t.Errorf("%q: sends %x (%v), nft sends %s", tc.text, b, err, tc.wire)
		}
		if got, err := p.Print("inet", r.Exprs, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%q printed as %q (%v), want ErrNotPrintable", tc.text, got, err)
		}
	}
}

// TestPrintRefusesObjrefsItCannotSay: objrefs and synproxies nft would
// list as another rule, or has no words for, stay expressions.
func TestPrintRefusesObjrefsItCannotSay(t *testing.T) {
	p := NewPrinter(loResolver{})
	for _, tc := range []struct {
		name string
		x    expr.Expr
	}{
		{"an objref of a map", &expr.Objref{SourceRegister: expr.Reg1, SetName: "helpers"}},
		{"an objref of a map, named", &expr.Objref{Type: expr.ObjCtHelper, Name: "h", SourceRegister: expr.Reg1, SetName: "helpers"}},
		{"a connlimit object", &expr.Objref{Type: expr.ObjConnlimit, Name: "c"}},
		{"a tunnel object", &expr.Objref{Type: expr.ObjTunnel, Name: "t"}},
		{"object type 11", &expr.Objref{Type: 11, Name: "x"}},
		{"no name", &expr.Objref{Type: expr.ObjCtHelper}},
		{"a name with a quote", &expr.Objref{Type: expr.ObjCtHelper, Name: `a"b`}},
		{"a name too long", &expr.Objref{Type: expr.ObjCtTimeout, Name: strings.Repeat("n", 256)}},
		{"synproxy ecn", &expr.Synproxy{Flags: expr.SynproxyECN}},
		{"synproxy flag 0x20", &expr.Synproxy{Flags: 0x20}},
		{"synproxy mss alone", &expr.Synproxy{MSS: 1460, Flags: expr.SynproxyMSS}},
		{"synproxy wscale alone", &expr.Synproxy{Wscale: 7, Flags: expr.SynproxyWscale | expr.SynproxyTimestamp}},
		{"synproxy mss not flagged", &expr.Synproxy{MSS: 1460, Flags: expr.SynproxyTimestamp}},
		{"synproxy wscale not flagged", &expr.Synproxy{Wscale: 1}},
	} {
		if got, err := p.Print("inet", []expr.Expr{tc.x}, "", nil); !errors.Is(err, ErrNotPrintable) {
			t.Errorf("%s: printed as %q (%v), want ErrNotPrintable", tc.name, got, err)
		}
	}
}

// objrefSeeds are fuzz seeds of objref.go and synproxy.go: each object
// statement and the synproxy statement's forms.
func objrefSeeds() []string {
	return []string{
		`ct helper set "h"`, `ct timeout set "to1"`, `ct expectation set "e1"`, `meta secmark set "s1"`, `synproxy name "sp1"`,
		`counter name "c1"`, "synproxy mss 1460 wscale 7 timestamp sack-perm", "synproxy", "synproxy sack-perm",
		"synproxy mss 1460", "tcp dport 22 synproxy timestamp counter",
	}
}

// objrefSeedLists are objrefSeeds compiled, as NFTA_RULE_EXPRESSIONS
// payloads.
func objrefSeedLists(t testing.TB) [][]byte {
	c := NewCompiler(loResolver{})
	var out [][]byte
	for _, text := range objrefSeeds() {
		r, err := c.Compile("inet", text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		e := codec.NewEncoder(nil)
		expr.EncodeList(e, r.Exprs)
		b, err := e.Encode()
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		out = append(out, b)
	}
	return out
}
