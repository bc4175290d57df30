package rtnl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/core/socket/faultinject"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// restartRoutes is how many routes the restart tests dump: several
// datagrams, more than a batch of the stream's reader.
const restartRoutes = 3000

// rtmNewRoute is RTM_NEWROUTE, the type of a route dump's datagrams.
const rtmNewRoute = 24

// restartRuntime is a runtime over a namespace of restartRoutes routes
// whose k-th datagram of route messages comes marked NLM_F_DUMP_INTR (the
// kernel's routes changed during the dump), and the injector.
func restartRuntime(t *testing.T, k int) (*runtime.Runtime, *faultinject.Injector) {
	t.Helper()
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "e0", "type", "veth", "peer", "name", "e1")
	ns.IP("link", "set", "e0", "up")
	setup, err := runtime.New(runtime.Options{Netns: ns.Target, Timeout: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close()
	callIn(t, setup, fmt.Sprintf(`local rtnl = require "rtnl"
		rtnl.batch(function()
			for i = 0, %d do
				rtnl.route.add{dst = string.format("10.40.%%d.%%d/32", math.floor(i / 256), i %% 256), dev = "e0"}
			end
		end)`, restartRoutes-1))
	inj := faultinject.New(faultinject.Fault{Op: faultinject.Receive, K: k, Kind: faultinject.DumpIntr, Type: rtmNewRoute})
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Timeout: 60 * time.Second, WrapTransport: inj.Wrap})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	return rt, inj
}

func callIn(t *testing.T, rt *runtime.Runtime, code string) []lua.LValue {
	t.Helper()
	vals, err := tryCallIn(t, rt, code)
	if err != nil {
		t.Fatal(code, err)
	}
	return vals
}

func tryCallIn(t *testing.T, rt *runtime.Runtime, code string) ([]lua.LValue, error) {
	t.Helper()
	f, err := rt.Compile("t", code)
	if err != nil {
		t.Fatal(err)
	}
	return rt.Call(context.Background(), f)
}

// countLoop counts the loop's routes in n and fails on a dst seen twice.
const countLoop = `n, twice = 0, nil
	local seen = {}
	for r in require("rtnl").route.each{family = "inet"} do
		if seen[r.dst] then twice = r.dst end
		seen[r.dst] = true
		n = n + 1
	end
	return n`

// A route dump the kernel starts over after routes reached the loop ends
// the loop with an error that says so (it used to hand the first
// datagrams' routes to the loop again); the loop saw each route once.
func TestEachRestartAfterRoutesReachedLoop(t *testing.T) {
	rt, inj := restartRuntime(t, 4)
	_, err := tryCallIn(t, rt, countLoop)
	if len(inj.Fired()) != 1 {
		t.Fatalf("the fault fired %d times", len(inj.Fired()))
	}
	if err == nil || !strings.Contains(err.Error(), "rtnl.route.each") || !strings.Contains(err.Error(), "NLM_F_DUMP_INTR") || !strings.Contains(err.Error(), "reached the loop") {
		t.Fatalf("error %v, want rtnl.route.each's restart error", err)
	}
	vals := callIn(t, rt, `return n, twice`)
	if vals[1] != lua.LNil {
		t.Fatalf("the loop saw %v twice", vals[1])
	}
	if n := int(vals[0].(lua.LNumber)); n == 0 || n >= restartRoutes {
		t.Fatalf("the loop saw %d routes before the error, want some of %d", n, restartRoutes)
	}
	// The stream's connection is clean for the next dump.
	if n := callIn(t, rt, countLoop)[0]; n != lua.LNumber(restartRoutes) {
		t.Fatalf("the next dump: %v routes, want %d", n, restartRoutes)
	}
}

// A restart before any route reached the loop is not seen: the loop gets
// every route once.
func TestEachRestartBeforeLoopUnseen(t *testing.T) {
	rt, inj := restartRuntime(t, 1)
	vals := callIn(t, rt, countLoop+`, twice`)
	if len(inj.Fired()) != 1 {
		t.Fatalf("the fault fired %d times", len(inj.Fired()))
	}
	if vals[1] != lua.LNil {
		t.Fatalf("the loop saw %v twice", vals[1])
	}
	if vals[0] != lua.LNumber(restartRoutes) {
		t.Fatalf("the loop saw %v routes, want %d", vals[0], restartRoutes)
	}
}

// --json writing a stream as it comes: a restart before anything was
// written is not seen, one after fails (what was written cannot be taken
// back) with an error matching socket.ErrDumpInterrupted.
func TestEachJSONRestart(t *testing.T) {
	for _, tc := range []struct {
		k    int
		fail bool
	}{{1, false}, {4, true}} {
		t.Run(fmt.Sprint("datagram ", tc.k), func(t *testing.T) {
			rt, inj := restartRuntime(t, tc.k)
			vals := callIn(t, rt, `return require("rtnl").route.each{family = "inet"}`)
			var b bytes.Buffer
			err := rt.PrintJSON(context.Background(), &b, vals)
			if len(inj.Fired()) != 1 {
				t.Fatalf("the fault fired %d times", len(inj.Fired()))
			}
			if tc.fail {
				if !errors.Is(err, socket.ErrDumpInterrupted) || !strings.Contains(err.Error(), "reached the loop") {
					t.Fatalf("PrintJSON: %v, want the restart error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("PrintJSON: %v", err)
			}
			var routes []map[string]any
			if err := json.Unmarshal(b.Bytes(), &routes); err != nil {
				t.Fatal(err)
			}
			seen := map[any]bool{}
			for _, r := range routes {
				if seen[r["dst"]] {
					t.Fatalf("route %v written twice", r["dst"])
				}
				seen[r["dst"]] = true
			}
			if len(routes) != restartRoutes {
				t.Fatalf("%d routes written, want %d", len(routes), restartRoutes)
			}
		})
	}
}
