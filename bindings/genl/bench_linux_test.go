package genl_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// benchScript resolves the ethtool family and reads one setting, the
// information `ethtool -l v0` prints.
const benchScript = `genl.family("ethtool"); return ethtool.channels{dev = "v0"}.rx_count`

// BenchmarkFamilyAndEthtoolGet: resolving a family and one ethtool get,
// side by side: from Lua in a fresh in-process runtime (dial, resolve,
// get), in a warm runtime (cached connection and family), through the
// nlsh binary (`nlsh -e`, a process per get), and the ethtool command
// for the same information (`ethtool -l`, a process per get).
func BenchmarkFamilyAndEthtoolGet(b *testing.B) {
	testutil.RequireCommand(b, "ethtool", "ethtool")
	ns := testutil.NewNetNS(b)
	ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v1")
	ctx := context.Background()
	opts := runtime.Options{Netns: ns.Target, AutoGlobals: true}
	b.Run("lua-fresh-runtime", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rt, err := runtime.New(opts)
			if err != nil {
				b.Fatal(err)
			}
			res, err := rt.RunString(ctx, "bench.lua", benchScript)
			rt.Close()
			if err != nil || len(res) != 1 || fmt.Sprint(res[0]) != "1" {
				b.Fatal(res, err)
			}
		}
	})
	b.Run("lua-warm-runtime", func(b *testing.B) {
		rt, err := runtime.New(opts)
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close()
		fn, err := rt.Compile("bench.lua", benchScript)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			res, err := rt.Call(ctx, fn)
			if err != nil || res[0] != lua.LNumber(1) {
				b.Fatal(res, err)
			}
		}
	})
	bin := filepath.Join(b.TempDir(), "nlsh")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/nlsh/nlsh/cmd/nlsh").CombinedOutput(); err != nil {
		b.Fatalf("build nlsh: %v\n%s", err, out)
	}
	b.Run("nlsh-e", func(b *testing.B) {
		for b.Loop() {
			if out, err := exec.Command(bin, "--netns", "name:"+ns.Name, "-e", benchScript).Output(); err != nil || string(out) != "1\n" {
				b.Fatalf("%q %v", out, err)
			}
		}
	})
	b.Run("ethtool-l", func(b *testing.B) {
		for b.Loop() {
			if _, err := exec.Command("ip", "netns", "exec", ns.Name, "ethtool", "-l", "v0").Output(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
