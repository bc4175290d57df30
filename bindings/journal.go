package bindings

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
)

// Step is one journalled change: what was done and how to undo it.
type Step struct {
	// Desc says what the step did, such as "add link veth0 (in name:blue)".
	Desc string
	// Undo reverts the step.
	Undo func(ctx context.Context) error
}

// Journal is a list of inverse operations that bindings push as they change
// state, so a failed script can be undone in reverse order. Bindings should
// check Enabled before doing extra work (such as reading the old value) to
// build an inverse.
type Journal struct {
	enabled bool
	steps   []Step
}

// NewJournal returns an empty journal, recording when enabled.
func NewJournal(enabled bool) *Journal { return &Journal{enabled: enabled} }

// Enabled reports whether pushes are recorded.
func (j *Journal) Enabled() bool { return j != nil && j.enabled }

// SetEnabled turns recording on or off.
func (j *Journal) SetEnabled(on bool) { j.enabled = on }

// Push records an undo step; it does nothing when the journal is disabled.
func (j *Journal) Push(desc string, undo func(ctx context.Context) error) {
	if !j.Enabled() || undo == nil {
		return
	}
	j.steps = append(j.steps, Step{Desc: desc, Undo: undo})
}

// Len is the number of recorded steps.
func (j *Journal) Len() int { return len(j.steps) }

// Steps returns the recorded steps, oldest first.
func (j *Journal) Steps() []Step { return append([]Step(nil), j.steps...) }

// Commit forgets the recorded steps: what was done stays done.
func (j *Journal) Commit() { j.steps = nil }

// Rollback undoes the recorded steps newest first and forgets them. Every
// step is tried even when one fails; the failures come back as a
// *RollbackError.
func (j *Journal) Rollback(ctx context.Context) error {
	steps := j.steps
	j.steps = nil
	var failed []StepError
	for i := len(steps) - 1; i >= 0; i-- {
		if err := steps[i].Undo(ctx); err != nil {
			failed = append(failed, StepError{Desc: steps[i].Desc, Err: err})
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return &RollbackError{Steps: len(steps), Failed: failed}
}

// StepError is an undo step that failed.
type StepError struct {
	Desc string
	Err  error
}

// RollbackError reports the undo steps that failed during a rollback.
type RollbackError struct {
	Steps  int // steps attempted
	Failed []StepError
}

func (e *RollbackError) Error() string {
	parts := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		parts[i] = fmt.Sprintf("undo %s: %v", f.Desc, f.Err)
	}
	return fmt.Sprintf("rollback: %d of %d steps failed: %s", len(e.Failed), e.Steps, strings.Join(parts, "; "))
}

// Unwrap returns the step errors.
func (e *RollbackError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}

// Unanswered reports whether a state-changing request that failed with
// err may have been applied all the same: err is not the kernel's answer
// (a *codec.Error) but a failure on the way — a send or receive error, a
// reply cut short, a deadline while waiting. The kernel may have acted
// and only its answer was lost, so bindings journal the undo of such a
// request as if it had succeeded, with an undo step that accepts finding
// the change not made (see the families' "already gone" answers).
// Errors raised before anything was sent are the caller's to exclude.
func Unanswered(err error) bool {
	if err == nil {
		return false
	}
	var ke *codec.Error
	return !errors.As(err, &ke)
}

// MayHaveApplied reports whether a state-changing request that ended with
// err may have changed state: it succeeded, or its answer was lost
// (Unanswered). Bindings journal the inverse exactly then.
func MayHaveApplied(err error) bool { return err == nil || Unanswered(err) }
