package rtnl

import (
	"runtime"
	"testing"

	"github.com/nlsh/nlsh/internal/testutil"
)

// Keep the main goroutine on the main thread, so that no test goroutine
// that enters a namespace on a locked, discarded thread (such as
// internal/kernel's probes) can land on the main thread, which the
// runtime cannot discard.
func init() { runtime.LockOSThread() }

// TestMain fails the package's tests when they leak descriptors or leave
// a thread in another network namespace.
func TestMain(m *testing.M) { testutil.Main(m) }
