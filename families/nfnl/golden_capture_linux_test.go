package nfnl_test

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/internal/testutil"
)

// goldenRule is one line of testdata/golden/rules.txt.
type goldenRule struct{ family, table, chain, text string }

func readGoldenRules(t testing.TB) []goldenRule {
	b, err := os.ReadFile("testdata/golden/rules.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenRule
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		loc, text, _ := strings.Cut(line, "\t")
		l := strings.Fields(loc)
		out = append(out, goldenRule{l[0], l[1], l[2], text})
	}
	return out
}

func goldenScript(t testing.TB, rules []goldenRule) string {
	sk, err := os.ReadFile("testdata/golden/skeleton.nft")
	if err != nil {
		t.Fatal(err)
	}
	s := string(sk)
	for _, r := range rules {
		s += fmt.Sprintf("add rule %s %s %s %s\n", r.family, r.table, r.chain, r.text)
	}
	return s
}

var (
	mnlAttr = regexp.MustCompile(`^\|(\d{5})\|([N-])([B-])\|(\d{5})\|`)
	mnlData = regexp.MustCompile(`^\| ([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2}) ([0-9a-f]{2})  \|`)
	mnlType = regexp.MustCompile(`^\| (\d{5}) \|`)
	ansi    = regexp.MustCompile("\x1b\\[[0-9;]*m")
)

// parseMnl rebuilds the payloads (after struct nfgenmsg) of the messages
// of type typ from `nft --debug=mnl` output.
func parseMnl(out string, typ int) [][]byte {
	var msgs [][]byte
	var cur []byte
	state := 0 // 0 outside, 1 in a wanted message header, 2 in its attributes
	sc := bufio.NewScanner(strings.NewReader(ansi.ReplaceAllString(out, "")))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case state == 0:
			if m := mnlType.FindStringSubmatch(line); m != nil {
				if n, _ := strconv.Atoi(m[1]); n == typ {
					state = 1
				}
			}
		case state == 1:
			if strings.Contains(line, "extra header") {
				state, cur = 2, nil
			}
		case state == 2:
			if m := mnlAttr.FindStringSubmatch(line); m != nil {
				l, _ := strconv.Atoi(m[1])
				ty, _ := strconv.Atoi(m[4])
				if m[2] == "N" {
					ty |= int(codec.AttrNested)
				}
				if m[3] == "B" {
					ty |= 0x4000
				}
				cur = binary.LittleEndian.AppendUint16(cur, uint16(l))
				cur = binary.LittleEndian.AppendUint16(cur, uint16(ty))
			} else if m := mnlData.FindStringSubmatch(line); m != nil {
				b, _ := hex.DecodeString(m[1] + m[2] + m[3] + m[4])
				cur = append(cur, b...)
			} else if strings.HasPrefix(line, "----") {
				msgs = append(msgs, cur)
				state = 0
			}
		}
	}
	return msgs
}

// ruleExprs splits a NEWRULE payload into its expressions' names and
// NFTA_EXPR_DATA payloads.
func ruleExprs(t testing.TB, payload []byte) (names []string, datas [][]byte) {
	d := codec.NewDecoder(payload)
	for d.Next() {
		if d.Type() != 4 { // NFTA_RULE_EXPRESSIONS
			continue
		}
		l := d.Nested()
		for l.Next() {
			e := l.Nested()
			var name string
			var data []byte
			for e.Next() {
				switch e.Type() {
				case 1:
					name = e.String()
				case 2:
					data = append([]byte{}, e.Bytes()...)
				}
			}
			names, datas = append(names, name), append(datas, data)
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	return names, datas
}

// TestCaptureGolden regenerates testdata/golden/exprs.txt from nft when
// NLSH_CAPTURE_GOLDEN=1.
func TestCaptureGolden(t *testing.T) {
	if os.Getenv("NLSH_CAPTURE_GOLDEN") != "1" {
		t.Skip("set NLSH_CAPTURE_GOLDEN=1 to capture golden expressions from nft")
	}
	testutil.RequireCommand(t, "nft", "nftables")
	ns := testutil.NewNetNS(t)
	ns.IP("link", "set", "lo", "up")
	rules := readGoldenRules(t)
	f, err := os.CreateTemp(t.TempDir(), "*.nft")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(goldenScript(t, rules))
	f.Close()
	out, err := ns.Exec("nft", "--debug=mnl", "-f", f.Name())
	if err != nil {
		t.Fatal(err)
	}
	msgs := parseMnl(out, 10<<8|6)
	if len(msgs) != len(rules) {
		t.Fatalf("found %d NEWRULE messages, want %d", len(msgs), len(rules))
	}
	var b strings.Builder
	b.WriteString("# Captured by TestCaptureGolden: NFTA_EXPR_DATA of every expression nft sent,\n")
	b.WriteString("# from `nft --debug=mnl -f` (skeleton.nft + the rule). Format: name hex.\n")
	for i, r := range rules {
		fmt.Fprintf(&b, "# nft add rule %s %s %s %s\n", r.family, r.table, r.chain, r.text)
		names, datas := ruleExprs(t, msgs[i])
		for j := range names {
			fmt.Fprintf(&b, "%s %s\n", names[j], hex.EncodeToString(datas[j]))
		}
	}
	if err := os.WriteFile("testdata/golden/exprs.txt", []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
