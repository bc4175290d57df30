package genl_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// TestAtomicRollback: a failing --atomic script that changed features and
// channels of a veth leaves them as they were, as ethtool reads them.
func TestAtomicRollback(t *testing.T) {
	testutil.RequireCommand(t, "ethtool", "ethtool")
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v1")
	before := ethtoolState(t, ns)
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Atomic: true, AutoGlobals: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	_, err = rt.RunString(context.Background(), "atomic.lua", `
ethtool.set_features{dev = "v0", features = {["rx-gro-list"] = true, ["rx-udp-gro-forwarding"] = true}}
ethtool.set_channels{dev = "v0", rx_count = 2}
assert(ethtool.features{dev = "v0"}["rx-gro-list"].on)
error("boom")`)
	var se *runtime.ScriptError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "boom") || se.Rollback != nil {
		t.Fatalf("want the script's error and a clean rollback, got %v (rollback %v)", err, se)
	}
	if after := ethtoolState(t, ns); after != before {
		t.Errorf("not rolled back:\nbefore %s\nafter  %s", before, after)
	}
}

// ethtoolState is what ethtool -k and -l print about the changed settings.
func ethtoolState(t *testing.T, ns *testutil.NS) string {
	var b strings.Builder
	k, err := ns.Exec("ethtool", "-k", "v0")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(k, "\n") {
		if strings.HasPrefix(l, "rx-gro-list:") || strings.HasPrefix(l, "rx-udp-gro-forwarding:") {
			b.WriteString(l + "; ")
		}
	}
	l, err := ns.Exec("ethtool", "-l", "v0")
	if err != nil {
		t.Fatal(err)
	}
	_, cur, _ := strings.Cut(l, "Current hardware settings:")
	b.WriteString(strings.Join(strings.Fields(cur), " "))
	return b.String()
}
