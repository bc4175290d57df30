package kernel

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// These tests run on the host and in the VM lane. On the host, kinds the
// kernel lacks skip; in the VM lane (Debian's kernel, every module loaded)
// all of them must work.

func TestRelease(t *testing.T) {
	rel := Release()
	if rel == "" {
		t.Fatal("Release() is empty")
	}
	t.Logf("kernel %s, VM lane: %v", rel, InVMLane())
}

func TestProbes(t *testing.T) {
	for _, tc := range []struct {
		f    Feature
		want bool
		root bool // the probe needs root
	}{
		{f: GenlFamily("nlctrl"), want: true},
		{f: GenlFamily("nlsh-nosuch"), want: false},
		{f: GenlFamily("nlsh-no-such-family-name"), want: false}, // > GENL_NAMSIZ
		{f: Module("nlsh_no_such_module"), want: false},
		{f: Module("nlsh-no-such-module"), want: false},
		{f: LinkKind("veth"), want: true, root: true},
		{f: LinkKind("nlshnosuchkind"), want: false, root: true},
	} {
		t.Run(tc.f.String(), func(t *testing.T) {
			if tc.root {
				Require(t, Root())
			}
			got, err := Has(tc.f)
			if err != nil {
				t.Fatalf("Has(%s): %v", tc.f, err)
			}
			if got != tc.want {
				t.Errorf("Has(%s) = %v, want %v", tc.f, got, tc.want)
			}
		})
	}
	if _, err := Has(Module("../etc")); err == nil {
		t.Error(`Has(Module("../etc")): no error`)
	}
}

// TestLinkKindProbeLeavesNothing checks that probing does not add links to
// the caller's namespace.
func TestLinkKindProbeLeavesNothing(t *testing.T) {
	Require(t, Root())
	before := ipJSON(t, "", "link", "show")
	for _, k := range []string{"veth", "bridge", "nlshnosuchkind"} {
		if _, err := Has(LinkKind(k)); err != nil {
			t.Fatal(err)
		}
	}
	after := ipJSON(t, "", "link", "show")
	if len(after) != len(before) {
		t.Errorf("links before the probes: %d, after: %d", len(before), len(after))
	}
}

// TestLinkKinds creates a link of each kind with ip in a throwaway
// namespace and reads it back with `ip -j -d`.
func TestLinkKinds(t *testing.T) {
	for _, tc := range []struct {
		kind   string
		parent bool     // needs a lower device "p0"
		args   []string // after "type KIND"
		check  func(data map[string]any) error
	}{
		{kind: "veth", args: []string{"peer", "name", "t1"}},
		{kind: "dummy"},
		{kind: "bridge", args: []string{"stp_state", "0"}, check: field("stp_state", 0.0)},
		{kind: "vlan", parent: true, args: []string{"id", "10"}, check: field("id", 10.0)},
		{kind: "macvlan", parent: true, args: []string{"mode", "bridge"}, check: field("mode", "bridge")},
		{kind: "ipvlan", parent: true, args: []string{"mode", "l3"}, check: field("mode", "l3")},
		{kind: "bond", args: []string{"mode", "active-backup"}, check: field("mode", "active-backup")},
		{kind: "vrf", args: []string{"table", "10"}, check: field("table", 10.0)},
		{kind: "vxlan", args: []string{"id", "42", "dstport", "4789"}, check: field("id", 42.0)},
		{kind: "gre", args: []string{"remote", "192.0.2.1", "local", "192.0.2.2"}, check: field("remote", "192.0.2.1")},
		{kind: "ipip", args: []string{"remote", "192.0.2.1", "local", "192.0.2.2"}, check: field("remote", "192.0.2.1")},
		{kind: "wireguard"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			Require(t, Root(), LinkKind(tc.kind))
			ns := netns(t)
			add := []string{"link", "add", "name", "t0"}
			if tc.parent {
				// A dummy is the usual lower device; veth is in more kernels.
				ip(t, ns, "link", "add", "name", "p0", "type", "veth", "peer", "name", "p1")
				add = append(add, "link", "p0")
			}
			add = append(add, "type", tc.kind)
			ip(t, ns, append(add, tc.args...)...)
			links := ipJSON(t, ns, "-d", "link", "show", "dev", "t0")
			if len(links) != 1 {
				t.Fatalf("ip -j link show dev t0: %d links", len(links))
			}
			l := links[0]
			info, _ := l["linkinfo"].(map[string]any)
			if l["ifname"] != "t0" || info["info_kind"] != tc.kind {
				t.Fatalf("read back ifname %v, kind %v; want t0, %s", l["ifname"], info["info_kind"], tc.kind)
			}
			if tc.check != nil {
				data, _ := info["info_data"].(map[string]any)
				if err := tc.check(data); err != nil {
					t.Errorf("%s info_data: %v (%v)", tc.kind, err, data)
				}
			}
		})
	}
}

// TestGenlFamiliesVM checks the generic netlink families that only the VM
// lane's kernel has, and the radios mac80211_hwsim makes.
func TestGenlFamiliesVM(t *testing.T) {
	Require(t, GenlFamily("wireguard"), GenlFamily("nl80211"), Module("mac80211_hwsim"))
	phys, err := os.ReadDir("/sys/class/ieee80211")
	if err != nil || len(phys) == 0 {
		t.Fatalf("mac80211_hwsim made no radios: %v", err)
	}
	t.Logf("radios: %d", len(phys))
}

// TestVMTools checks that the tools packed into the VM image run (with
// their shared libraries) and that nft finds the expression, NAT and
// conntrack modules.
func TestVMTools(t *testing.T) {
	if !InVMLane() {
		t.Skip("checks the VM image's tools; " + vmLaneHint)
	}
	ns := netns(t)
	ip(t, ns, "link", "add", "name", "t0", "type", "veth", "peer", "name", "t1")
	out := run(t, "ip", "netns", "exec", ns, "ethtool", "-i", "t0")
	if !strings.Contains(out, "driver: veth") {
		t.Errorf("ethtool -i t0: %q", out)
	}
	rules := `table inet nlsh {
	chain post { type nat hook postrouting priority srcnat; oifname "t0" masquerade; }
	chain pre { type nat hook prerouting priority dstnat; tcp dport 8080 redirect to :80; }
	chain fw {
		type filter hook forward priority filter;
		ct state established,related accept
		meta l4proto tcp tcp dport 22 limit rate 10/second counter log prefix "nlsh " accept
		fib daddr type local reject with tcp reset
		quota over 1 mbytes drop
	}
}
`
	f := t.TempDir() + "/rules.nft"
	if err := os.WriteFile(f, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "ip", "netns", "exec", ns, "nft", "-f", f)
	out = run(t, "ip", "netns", "exec", ns, "nft", "-j", "list", "ruleset")
	for _, w := range []string{"masquerade", "redirect", "limit", "quota", "fib"} {
		if !strings.Contains(out, w) {
			t.Errorf("nft -j list ruleset lacks %q: %s", w, out)
		}
	}
	if _, err := exec.LookPath("wg"); err == nil {
		ip(t, ns, "link", "add", "name", "wg0", "type", "wireguard")
		key := strings.TrimSpace(run(t, "wg", "genkey"))
		kf := t.TempDir() + "/key"
		if err := os.WriteFile(kf, []byte(key+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		run(t, "ip", "netns", "exec", ns, "wg", "set", "wg0", "private-key", kf, "listen-port", "51820")
		out = run(t, "ip", "netns", "exec", ns, "wg", "show", "wg0", "listen-port")
		if strings.TrimSpace(out) != "51820" {
			t.Errorf("wg show wg0 listen-port: %q", out)
		}
	} else {
		t.Log("wg not in the image; WireGuard configuration not checked")
	}
}

func field(name string, want any) func(map[string]any) error {
	return func(data map[string]any) error {
		if got := data[name]; got != want {
			return fmt.Errorf("%s = %v (%T), want %v", name, got, got, want)
		}
		return nil
	}
}

// netns makes a named network namespace for one test and deletes it when
// the test ends.
func netns(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("nlsh-test-%d-%08x", os.Getpid(), rand.Uint32())
	run(t, "ip", "netns", "add", name)
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	return name
}

// ip runs ip in namespace ns ("" for the current one).
func ip(t *testing.T, ns string, args ...string) string {
	t.Helper()
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	return run(t, "ip", args...)
}

func ipJSON(t *testing.T, ns string, args ...string) []map[string]any {
	t.Helper()
	out := ip(t, ns, append([]string{"-j"}, args...)...)
	var v []map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("ip -j %v: %v: %q", args, err, out)
	}
	return v
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
