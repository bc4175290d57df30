package socket

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/nlsh/nlsh/core/codec"
)

// errNoBufs is the errno a receive returns when the kernel dropped
// messages for lack of receive buffer space.
const errNoBufs = syscall.ENOBUFS

// ErrEventsLost reports that the kernel dropped messages because the
// socket's receive buffer was full (ENOBUFS): a monitor's view is stale
// and must be resynchronised (see Conn.Discard). It matches both itself
// and unix.ENOBUFS under errors.Is.
var ErrEventsLost error = eventsLost{}

type eventsLost struct{}

func (eventsLost) Error() string { return "events lost, resync" }
func (eventsLost) Unwrap() error { return errNoBufs }

// ErrDumpInterrupted reports a dump that stayed inconsistent
// (NLM_F_DUMP_INTR: the kernel's data changed while it was dumped) after
// all the retries Config.DumpRetries allows.
var ErrDumpInterrupted = errors.New("dump interrupted by concurrent changes (NLM_F_DUMP_INTR), retries exhausted")

// ErrNotSupported is returned by Dial where netlink does not exist.
var ErrNotSupported = errors.New("netlink sockets are only supported on Linux")

// WithObject attaches a description of what a request was about (such as
// "10.0.0.2/24 dev eth0") to a kernel error, so it prints as
//
//	RTM_NEWADDR 10.0.0.2/24 dev eth0: file exists (EEXIST): ...
//
// If err holds no *codec.Error, the object is prefixed instead. The
// result still matches the errno under errors.Is. A nil err stays nil.
func WithObject(err error, object string) error {
	if err == nil || object == "" {
		return err
	}
	var ke *codec.Error
	if errors.As(err, &ke) {
		cp := *ke
		cp.Object = object
		if ke == err {
			return &cp
		}
		return &rewrapped{outer: err, inner: &cp}
	}
	return fmt.Errorf("%s: %w", object, err)
}

// rewrapped keeps an outer error's chain but presents a changed
// *codec.Error for errors.As and the message.
type rewrapped struct {
	outer error
	inner *codec.Error
}

func (r *rewrapped) Error() string   { return r.inner.Error() }
func (r *rewrapped) Unwrap() []error { return []error{r.inner, r.outer} }
