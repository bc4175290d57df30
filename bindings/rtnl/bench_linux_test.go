package rtnl_test

import (
	"context"
	"fmt"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/rtnl"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// BenchmarkLinkList: one rtnl.link.list() from Lua against the same
// ListLinks call from Go, side by side, in a namespace with 20 links.
func BenchmarkLinkList(b *testing.B) {
	ns := testutil.NewNetNS(b)
	for i := 0; i < 10; i++ {
		ns.IP("link", "add", fmt.Sprintf("v%da", i), "type", "veth", "peer", "name", fmt.Sprintf("v%db", i))
	}
	ctx := context.Background()
	b.Run("go", func(b *testing.B) {
		cl, err := rtnl.Dial(&socket.Config{NetNS: ns.Target})
		if err != nil {
			b.Fatal(err)
		}
		defer cl.Close()
		b.ReportAllocs()
		for b.Loop() {
			ls, err := cl.ListLinks(ctx, rtnl.LinkFilter{NoStats: true})
			if err != nil || len(ls) != 21 {
				b.Fatal(len(ls), err)
			}
		}
	})
	b.Run("lua", func(b *testing.B) {
		rt, err := runtime.New(runtime.Options{Netns: ns.Target})
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close()
		fn, err := rt.Compile("bench", `local rtnl = require "rtnl"; return #rtnl.link.list()`)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rt.Call(ctx, fn); err != nil { // first require and dial
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			res, err := rt.Call(ctx, fn)
			if err != nil || res[0] != lua.LNumber(21) {
				b.Fatal(res, err)
			}
		}
	})
}
