package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
)

// Pretty renders v with the stdlib pretty printer (pp.format): sorted
// keys, compact lists, nested tables indented.
func (rt *Runtime) Pretty(ctx context.Context, v lua.LValue) (string, error) {
	if s, ok := prettyScalar(v); ok {
		return s, nil
	}
	res, err := rt.Call(ctx, rt.L.NewFunction(func(L *lua.LState) int {
		L.Push(L.GetGlobal("require"))
		L.Push(lua.LString("pp"))
		L.Call(1, 1)
		pp := L.Get(-1)
		L.Push(L.GetField(pp, "format"))
		L.Push(v)
		L.Call(1, 1)
		return 1
	}))
	if err != nil {
		return "", err
	}
	if len(res) == 0 {
		return "", fmt.Errorf("pp.format returned nothing")
	}
	return lua.LVAsString(res[0]), nil
}

// JSON renders values as JSON: one value as itself, several as an array.
// Tables convert as bindings.FromLua describes; keys come out sorted.
func JSON(vals []lua.LValue) ([]byte, error) {
	if len(vals) == 1 {
		return json.MarshalIndent(bindings.FromLua(vals[0]), "", "  ")
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = bindings.FromLua(v)
	}
	return json.MarshalIndent(out, "", "  ")
}

// prettyScalar formats nil, booleans and numbers exactly as pp.format
// does, without loading pp (nlsh -e 'return 1' stays cheap).
func prettyScalar(v lua.LValue) (string, bool) {
	switch v := v.(type) {
	case *lua.LNilType:
		return "nil", true
	case lua.LBool:
		return strconv.FormatBool(bool(v)), true
	case lua.LNumber:
		f := float64(v)
		if f == math.Floor(f) && f > -(1<<53) && f < 1<<53 {
			return strconv.FormatInt(int64(f), 10), true
		}
		return v.String(), true
	}
	return "", false
}
