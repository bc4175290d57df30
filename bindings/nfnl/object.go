package nfnl

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

type (
	exprQuota    = expr.Quota
	exprLimit    = expr.Limit
	exprCounter  = expr.Counter
	exprSynproxy = expr.Synproxy
)

// objectExpr reads the state table of a stateful object (field name,
// shaped like the expression of the same kind without its type), or nil.
func objectExpr(a *bindings.Args, name, kind string) expr.Expr {
	v := a.Value(name, bindings.Optional)
	if v == lua.LNil {
		return nil
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		a.Fail(name, "want a table, got %s", bindings.Describe(v))
	}
	cp := a.L.NewTable()
	t.ForEach(func(k, v lua.LValue) { cp.RawSet(k, v) })
	cp.RawSetString("type", lua.LString(kind))
	x, err := exprFromLua(cp, expr.NewRegistry())
	if err != nil {
		a.Fail(name, "%v", err)
	}
	return x
}
