package rtnl_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

const traceScript = `rtnl.link.add{ifname = "br9", kind = "bridge", mtu = 1400}
rtnl.link.set{ifname = "lo", up = true}
print(#rtnl.link.list())
`

// TestDryRunCLI: --dry-run prints the decoded messages that would change
// state, sends none of them (ip -j before/after), and still answers reads.
func TestDryRunCLI(t *testing.T) {
	c := buildNlsh(t)
	ns := testutil.NewNetNS(t)
	path := script(t, t.TempDir(), "small.lua", traceScript)
	before := state(t, ns)
	r := c.run(t, "", "--netns", "name:"+ns.Name, "--dry-run", path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := `dry-run RTM_NEWLINK flags=REQUEST|ACK|EXCL|CREATE seq=1 pid=0 {family=0 type=0 index=0 flags=0 change=0} ifname="br9" mtu=1400 linkinfo={info_kind="bridge"}
dry-run RTM_NEWLINK flags=REQUEST|ACK seq=2 pid=0 {family=0 type=0 index=0 flags=UP change=UP} ifname="lo"
`
	if r.stderr != want {
		t.Errorf("dry-run output:\n%s\nwant:\n%s", r.stderr, want)
	}
	if r.stdout != "1\n" {
		t.Errorf("the link list in a dry run saw %q links, want the 1 that exists", r.stdout)
	}
	if after := state(t, ns); after != before {
		t.Errorf("--dry-run changed the namespace:\n%s\n%s", before, after)
	}
}

// TestTraceCLI: --trace prints every message sent and received, decoded.
func TestTraceCLI(t *testing.T) {
	c := buildNlsh(t)
	ns := testutil.NewNetNS(t)
	path := script(t, t.TempDir(), "small.lua", traceScript)
	r := c.run(t, "", "--netns", "name:"+ns.Name, "--trace", path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := regexp.MustCompile(`pid=[1-9][0-9]*`).ReplaceAllString(r.stderr, "pid=P")
	for _, w := range []string{
		`send RTM_NEWLINK flags=REQUEST|ACK|EXCL|CREATE seq=1 pid=0 {family=0 type=0 index=0 flags=0 change=0} ifname="br9" mtu=1400 linkinfo={info_kind="bridge"}` + "\n",
		"recv NLMSG_ERROR flags=CAPPED seq=1 pid=P ack for=RTM_NEWLINK seq=1\n",
		`send RTM_NEWLINK flags=REQUEST|ACK seq=2 pid=0 {family=0 type=0 index=0 flags=UP change=UP} ifname="lo"` + "\n",
		"recv NLMSG_ERROR flags=CAPPED seq=2 pid=P ack for=RTM_NEWLINK seq=2\n",
		"send RTM_GETLINK flags=REQUEST|DUMP seq=3 pid=0 {family=0 type=0 index=0 flags=0 change=0} ext_mask=9\n",
		`recv RTM_NEWLINK flags=MULTI seq=3 pid=P {family=0 type=1 index=2 flags=BROADCAST|MULTICAST change=0} ifname="br9"`,
		"recv NLMSG_DONE flags=MULTI seq=3 pid=P error=0\n",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("trace lacks %q; it is:\n%s", w, got)
		}
	}
	if r.stdout != "2\n" {
		t.Errorf("link count %q, want 2", r.stdout)
	}
	var links []struct {
		Ifname string `json:"ifname"`
		MTU    int    `json:"mtu"`
	}
	ns.IPJSON(&links, "link", "show", "br9")
	if len(links) != 1 || links[0].MTU != 1400 {
		t.Errorf("ip -j link show br9: %+v", links)
	}
}
