package runtime

import (
	"errors"
	"strings"
)

// ScriptError is the error a Run call returns when the script fails: a
// Lua error, an nlsh error value raised by a module (the kernel's
// *codec.Error reachable with errors.As / errors.Is), a syntax error, or
// the deadline (errors.Is(err, context.DeadlineExceeded)).
type ScriptError struct {
	// Where is "file:line" of the failing script line, when known.
	Where string
	// Msg is the one-line message, including Where.
	Msg string
	// Traceback is the Lua stack at the failure, when one was taken.
	Traceback string
	// Err is the underlying error: a *bindings.Error (which unwraps to
	// the kernel's error), a context error, a syntax error, or nil for a
	// plain Lua error.
	Err error
	// Rollback is the error of the automatic rollback, when Atomic undid
	// the run and some step failed.
	Rollback error
}

func (e *ScriptError) Error() string {
	msg := e.Msg
	if e.Rollback != nil {
		msg += " (" + oneLine(e.Rollback.Error()) + ")"
	}
	return msg
}

// Unwrap returns the underlying error and the rollback error.
func (e *ScriptError) Unwrap() []error {
	var errs []error
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	if e.Rollback != nil {
		errs = append(errs, e.Rollback)
	}
	return errs
}

// ErrSandbox is returned (wrapped) when a sandboxed script calls something
// the sandbox forbids.
var ErrSandbox = errors.New("not allowed in the sandbox")

// oneLine collapses whitespace runs (newlines included) to single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
