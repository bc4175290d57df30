package rtnl_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// A script that returns rtnl.route.each{} (or link/addr each) prints
// under --json exactly as the list of the same objects, streamed after
// the script's own call (and its timeout's context) has ended.
func TestEachAsJSON(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "e0", "type", "veth", "peer", "name", "e1")
	ns.IP("link", "set", "e0", "up")
	for i := range 600 { // more than one batch of the stream
		ns.IP("route", "add", fmt.Sprintf("10.9.%d.%d/32", i/256, i%256), "dev", "e0")
	}
	ctx := context.Background()
	rt, err := runtime.New(runtime.Options{Netns: ns.Target, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	// --json pulls a returned iterator's fields without making records;
	// the same objects as records, collected by a loop, print the same.
	forms := []string{`return require("rtnl").%s.%s{}`, `return require("rtnl").%s.list{}`,
		`local t = {} for x in require("rtnl").%s.%s{} do t[#t + 1] = x end return t`}
	for _, kind := range []string{"route", "link", "addr"} {
		var out [3]bytes.Buffer
		for i, form := range forms {
			code := fmt.Sprintf(form, kind, "each")
			if i == 1 {
				code = fmt.Sprintf(form, kind)
			}
			f, err := rt.Compile("t", code)
			if err != nil {
				t.Fatal(err)
			}
			vals, err := rt.Call(ctx, f)
			if err != nil {
				t.Fatal(code, err)
			}
			if err := rt.PrintJSON(ctx, &out[i], vals); err != nil {
				t.Fatal(code, err)
			}
		}
		if out[0].String() != out[2].String() {
			t.Errorf("%s: each as JSON:\n%.400s\neach's records collected:\n%.400s", kind, out[0].String(), out[2].String())
		}
		if kind == "link" {
			continue // each leaves out master/link names (a stream cannot see ahead): only that it prints
		}
		if out[0].String() != out[1].String() {
			t.Errorf("%s: each as JSON:\n%.400s\nlist:\n%.400s", kind, out[0].String(), out[1].String())
		}
	}
}
