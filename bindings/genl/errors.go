package genl

import (
	"errors"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// raise raises err for function fn. A kernel error the socket could only
// name by message type ("netlink message type 21": generic netlink ids
// are dynamic) is named by the Lua function instead, so it reads
// `ethtool.pause: operation not supported (EOPNOTSUPP)`.
func raise(L *lua.LState, fn string, err error) {
	var ke *codec.Error
	if errors.As(err, &ke) && (ke.Op == "" || strings.HasPrefix(ke.Op, "netlink message type")) {
		e := *ke
		e.Op = fn
		var fe *genl.FamilyError
		if errors.As(err, &fe) && e.Object == "" {
			e.Object = "family " + fe.Name
		}
		err = &e
	}
	bindings.Raise(L, fn, err)
}
