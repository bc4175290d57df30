package genl

import (
	"context"
	"fmt"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/bindings"
	nsbind "github.com/nlsh/nlsh/bindings/netns"
	"github.com/nlsh/nlsh/core/netns"
)

// moveWiphy moves wiphy idx, seen from client cl, into namespace to.
func moveWiphy(ctx context.Context, cl *client, idx uint32, to netns.Target) error {
	fd, err := to.OpenFD()
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return cl.nl.SetWiphyNetns(ctx, idx, fd)
}

// nlSetNetns is nl80211.set_netns{wiphy=, netns=}: move a radio with its
// interfaces into another namespace (`iw phy PHY set netns`). The kernel
// moves it back to the initial namespace when that namespace goes away.
// Journalled: rollback moves it back here.
func (a *api) nlSetNetns(L *lua.LState) int {
	const fn = "nl80211.set_netns"
	args := bindings.Table(L, 1, fn)
	idx := args.Uint32("wiphy", bindings.Required)
	to, ok := nsbind.Field(args, "netns")
	if !ok {
		args.Fail("netns", "required")
	}
	args.Done()
	ctx := bindings.Context(L)
	if err := moveWiphy(ctx, a.client(L, fn), idx, to); err != nil {
		raise(L, fn, err)
	}
	if a.journalled() {
		here := a.target()
		push(a.env, to, fmt.Sprintf("nl80211 move wiphy %d to %s", idx, to), func(ctx context.Context, cl *client) error {
			return moveWiphy(ctx, cl, idx, here)
		})
	}
	return 0
}
