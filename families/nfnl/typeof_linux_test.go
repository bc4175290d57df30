package nfnl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
)

// TestTypeofNamesLikeNft: every name of typeofPayloadFields,
// typeofMetaKeys and typeofCtKeys (with the directions nft takes) is
// what nft lists for a set made with typeof of it:
// nft makes a set of each, and nlsh lists the ruleset as nft does.
func TestTypeofNamesLikeNft(t *testing.T) {
	testutil.RequireCommand(t, "nft", "nftables")
	var names []string
	for _, n := range typeofPayloadFields {
		names = append(names, n)
	}
	for _, n := range typeofMetaKeys {
		if n != "meta secmark" { // nft lists a typeof secmark set, but needs SELinux to make one
			names = append(names, n)
		}
	}
	for _, n := range typeofCtKeys {
		switch n {
		case "proto-src", "proto-dst", "ip saddr", "ip daddr", "ip6 saddr", "ip6 daddr":
			names = append(names, "ct original "+n, "ct reply "+n)
		case "zone":
			names = append(names, "ct zone", "ct original zone", "ct reply zone")
		default:
			names = append(names, "ct "+n)
		}
	}
	sort.Strings(names)
	var src strings.Builder
	src.WriteString("table inet t {\n")
	for i, n := range names {
		fmt.Fprintf(&src, "\tset s%d {\n\t\ttypeof %s\n\t}\n", i, n)
	}
	src.WriteString("}\n")
	ns := testutil.NewNetNS(t)
	f := filepath.Join(t.TempDir(), "typeof.nft")
	if err := os.WriteFile(f, []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := ns.Exec("nft", "-f", f); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	want, err := ns.Exec("nft", "list", "ruleset")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(want, "typeof "); n != len(names) {
		t.Fatalf("nft lists %d typeof sets, want %d", n, len(names))
	}
	c, err := Dial(&Options{Socket: &socket.Config{NetNS: ns.Target}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs, err := c.Ruleset(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := rs.Text(); got != want {
		t.Fatalf("nlsh lists\n%s\nwant\n%s", got, want)
	}
}
