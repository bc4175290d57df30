package rtnl

import (
	"errors"
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/rtnl"
)

// raise raises err for function fn: an argument the family refused before
// sending (unknown device, bad option) as an argument error naming the
// field; anything else as an nlsh error value (op, errno, msg, object).
func raise(L *lua.LState, fn string, err error) {
	var ae *rtnl.ArgError
	if errors.As(err, &ae) {
		if ae.Value == nil {
			bindings.ArgError(L, fn, "field %q: %s", ae.Field, ae.Reason)
		}
		bindings.ArgError(L, fn, "field %q: %s: %s", ae.Field, quote(ae.Value), ae.Reason)
	}
	bindings.Raise(L, fn, err)
}

func quote(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}
