package bindings

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/core/codec"
)

// errorMeta names the metatable of error values in the Lua registry.
const errorMeta = "nlsh.error"

// Error is nlsh's Lua error value: what raised it, the errno and the
// kernel's extack message, and the script line of the call. In Lua it is a
// userdata whose fields read op, errno ("EEXIST"), code (17), msg, object,
// attr and where, and whose tostring reads like
//
//	setup.lua:12: RTM_NEWADDR 10.0.0.2/24 dev eth0: file exists (EEXIST): <extack>
//
// pcall returns it as the error value. The Go error it came from stays
// reachable with errors.As / errors.Is (Unwrap).
type Error struct {
	Op     string        // "RTM_NEWADDR", "netns.add", "rtnl.link.add"
	Object string        // what the call was about, if known
	Errno  syscall.Errno // 0 when the error has no errno
	Msg    string        // the kernel's extack message, if any
	Attr   string        // the attribute the kernel objected to, if known
	Where  string        // "file:line:" of the script call
	Err    error         // the underlying Go error
}

// NewError builds an Error for a failure of op from a Go error, picking
// the errno and extack out of a *codec.Error when there is one.
func NewError(L *lua.LState, op string, err error) *Error {
	e := &Error{Op: op, Err: err, Where: Where(L)}
	var ke *codec.Error
	if errors.As(err, &ke) {
		if ke.Op != "" {
			e.Op = ke.Op
		}
		e.Object, e.Errno, e.Msg, e.Attr = ke.Object, ke.Errno, ke.Msg, ke.AttrPath
		return e
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		e.Errno = errno
	}
	return e
}

// Error formats the value as tostring does in Lua.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Where != "" {
		b.WriteString(e.Where)
		b.WriteByte(' ')
	}
	var ke *codec.Error
	switch {
	case errors.As(e.Err, &ke):
		b.WriteString(ke.Error())
	case e.Err != nil:
		msg := e.Err.Error()
		if e.Op != "" && !strings.HasPrefix(msg, e.Op) {
			b.WriteString(e.Op)
			b.WriteString(": ")
		}
		b.WriteString(msg)
	default:
		b.WriteString(e.Op)
		if e.Msg != "" {
			b.WriteString(": ")
			b.WriteString(e.Msg)
		}
	}
	return b.String()
}

// Unwrap returns the underlying Go error.
func (e *Error) Unwrap() error { return e.Err }

// ErrnoName is the symbolic errno ("EEXIST"), or "" for none.
func (e *Error) ErrnoName() string {
	if e.Errno == 0 {
		return ""
	}
	return codec.ErrnoName(e.Errno)
}

// Raise raises err as a Lua error value for a failure of op. Context
// cancellation is raised as is, so deadlines stay recognisable. It does
// not return.
func Raise(L *lua.LState, op string, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if cerr := Context(L).Err(); cerr != nil {
			L.RaiseError("%s: %v", op, cerr)
		}
	}
	L.Error(ErrorValue(L, NewError(L, op, err)), 0)
}

// ErrorValue wraps e as a Lua userdata with the error metatable.
func ErrorValue(L *lua.LState, e *Error) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = e
	ud.Metatable = errorMetatable(L)
	return ud
}

// AsError returns the *Error inside a Lua error value, if v is one.
func AsError(v lua.LValue) (*Error, bool) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return nil, false
	}
	e, ok := ud.Value.(*Error)
	return e, ok
}

func errorMetatable(L *lua.LState) *lua.LTable {
	if mt, ok := L.G.Registry.RawGetString(errorMeta).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	mt.RawSetString("__name", lua.LString(errorMeta))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		e, _ := AsError(L.Get(1))
		if e == nil {
			L.Push(lua.LString("nlsh.error"))
			return 1
		}
		L.Push(lua.LString(e.Error()))
		return 1
	}))
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		e, _ := AsError(L.Get(1))
		if e == nil {
			return 0
		}
		L.Push(errorField(e, L.CheckString(2)))
		return 1
	}))
	mt.RawSetString("__concat", L.NewFunction(func(L *lua.LState) int {
		s := func(v lua.LValue) string {
			if e, ok := AsError(v); ok {
				return e.Error()
			}
			return L.ToStringMeta(v).String()
		}
		L.Push(lua.LString(s(L.Get(1)) + s(L.Get(2))))
		return 1
	}))
	L.G.Registry.RawSetString(errorMeta, mt)
	return mt
}

func errorField(e *Error, k string) lua.LValue {
	str := func(s string) lua.LValue {
		if s == "" {
			return lua.LNil
		}
		return lua.LString(s)
	}
	switch k {
	case "op":
		return str(e.Op)
	case "errno":
		return str(e.ErrnoName())
	case "code":
		if e.Errno == 0 {
			return lua.LNil
		}
		return lua.LNumber(e.Errno)
	case "msg":
		if e.Msg == "" && e.Err != nil && e.Errno == 0 {
			return lua.LString(e.Err.Error())
		}
		return str(e.Msg)
	case "object":
		return str(e.Object)
	case "attr":
		return str(e.Attr)
	case "where":
		return str(strings.TrimSuffix(e.Where, ":"))
	case "error":
		return lua.LString(e.Error())
	}
	return lua.LNil
}

// ArgError raises an argument error for function fn (such as
// "rtnl.link.add"): `file:line: fn: msg`. It does not return.
func ArgError(L *lua.LState, fn string, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if w := Where(L); w != "" {
		L.Error(lua.LString(w+" "+fn+": "+msg), 0)
	}
	L.Error(lua.LString(fn+": "+msg), 0)
}
