package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/containernetworking/cni/libcni"
	types100 "github.com/containernetworking/cni/pkg/types/100"

	"github.com/nlsh/nlsh/internal/testutil"
)

// Container engines add many containers at once: concurrent ADDs of the
// bridge script on one network each get an address of their own and
// exactly one lease file each. (The script claims a lease with
// io.open(path, "wx"), which only one creator wins; runtime's
// TestOpenExclusive races sixteen claimants on one file, a window these
// whole processes rarely hit.)
func TestLibcniConcurrentAdds(t *testing.T) {
	requireCNI(t)
	env := newCNIEnv(t)
	data := t.TempDir()
	list := conflist(t, map[string]any{"cniVersion": "1.1.0", "name": "e2epar", "plugins": []any{nlshBridge(t, "nlbr3", data)}})
	ctx := context.Background()
	add := func(i int, ctr *testutil.NS) (string, error) {
		rt := &libcni.RuntimeConf{ContainerID: fmt.Sprintf("e2e-par-%d", i), NetNS: filepath.Join("/run/netns", ctr.Name), IfName: "eth0"}
		var ip string
		err := env.do(t, func() error {
			res, err := env.cni.AddNetworkList(ctx, list, rt)
			if err != nil {
				return err
			}
			r, err := types100.GetResult(res)
			if err != nil {
				return err
			}
			if len(r.IPs) != 1 {
				return fmt.Errorf("result ips %v", r.IPs)
			}
			ip = r.IPs[0].Address.IP.String()
			return nil
		})
		return ip, err
	}
	// The first ADD makes the bridge; then eight at once.
	if _, err := add(0, testutil.NewNetNS(t)); err != nil {
		t.Fatalf("first ADD: %v", err)
	}
	const n = 8
	ctrs := make([]*testutil.NS, n)
	for i := range ctrs {
		ctrs[i] = testutil.NewNetNS(t)
	}
	ips := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ips[i], errs[i] = add(i+1, ctrs[i])
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("ADD %d: %v", i+1, errs[i])
		}
		if j, dup := seen[ips[i]]; dup {
			t.Fatalf("ADDs %d and %d both got %s", j+1, i+1, ips[i])
		}
		seen[ips[i]] = i
		// What the result says is what the container has.
		if out := ctrs[i].IP("-4", "addr", "show", "eth0"); !strings.Contains(out, "inet "+ips[i]+"/24") {
			t.Errorf("ADD %d reported %s; eth0 has %s", i+1, ips[i], out)
		}
	}
	leases, err := filepath.Glob(filepath.Join(data, "e2epar_10.31.0.*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(leases) != n+1 {
		t.Errorf("%d lease files, want %d: %v", len(leases), n+1, leases)
	}
	for _, l := range leases {
		if b, err := os.ReadFile(l); err != nil || !strings.HasPrefix(string(b), "e2e-par-") {
			t.Errorf("lease %s holds %q (%v)", l, b, err)
		}
	}
}
