package rtnl

import (
	"errors"
	"net/netip"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

type (
	netipPrefix = netip.Prefix
	netipAddr   = netip.Addr
)

func netipParseAddr(s string) (netip.Addr, error) { return netip.ParseAddr(s) }

// failArg raises an argument error for field name from a family's
// parse error, keeping its reason.
func failArg(args *bindings.Args, name string, err error) {
	var ae *rtnl.ArgError
	if errors.As(err, &ae) {
		args.Fail(name, "%s", ae.Reason)
	}
	args.Fail(name, "%v", err)
}
