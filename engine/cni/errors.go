package cni

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/containernetworking/cni/pkg/types"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/engine"
	"github.com/nlsh/nlsh/runtime"
)

// Plugin-specific CNI error codes (the spec reserves 0-99).
const (
	// CodeScript is a script that raised an error (a Lua error or a
	// kernel error from a module).
	CodeScript uint = 100
	// CodeSandbox is a script that called something the sandbox forbids,
	// or a script file nlsh refuses to run (writable by others).
	CodeSandbox uint = 101
	// CodeResult is a script whose returned result table is malformed.
	CodeResult uint = 102
	// CodeStatus is the STATUS failure code: the plugin is not available
	// (spec 1.1.0, code 50).
	CodeStatus uint = 50
)

// raised is the error a script gave to cni.error, kept to pick the code.
type raised struct{ err *types.Error }

// toError turns a failed run into the CNI error JSON's fields. The
// message is the original failure; a failed rollback goes in the details.
func toError(command string, err error, r *raised) *types.Error {
	var te *types.Error
	if errors.As(err, &te) {
		return te
	}
	msg := "nlsh: " + oneLine(err.Error())
	details := ""
	var se *runtime.ScriptError
	var re *engine.RollbackError
	switch {
	case errors.As(err, &se):
		msg = "nlsh: " + se.Msg
		if se.Rollback != nil {
			details = oneLine(se.Rollback.Error())
		}
	case errors.As(err, &re):
		msg = "nlsh: " + oneLine(re.Err.Error())
		details = oneLine(re.Rollback.Error())
	}
	code := CodeScript
	var be *bindings.Error
	var rerr *resultError
	switch {
	case r.err != nil && strings.Contains(msg, r.err.Msg):
		out := *r.err
		if details != "" {
			out.Details = strings.TrimPrefix(out.Details+"; "+details, "; ")
		}
		return &out
	case errors.Is(err, context.DeadlineExceeded):
		code = types.ErrTryAgainLater
	case errors.Is(err, runtime.ErrSandbox) || strings.Contains(msg, runtime.ErrSandbox.Error()):
		code = CodeSandbox
	case errors.As(err, &rerr):
		code = CodeResult
	case command == "STATUS":
		code = CodeStatus
	case errors.As(err, &be) && be.ErrnoName() != "":
		if details == "" {
			details = be.ErrnoName()
		}
	}
	return types.NewError(code, msg, details)
}

// resultError is a malformed result table.
type resultError struct{ err error }

func (e *resultError) Error() string { return fmt.Sprintf("the script's result: %v", e.err) }
func (e *resultError) Unwrap() error { return e.err }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
