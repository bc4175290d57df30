package kernel

import (
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// TestThrowawayThreadNeverMain runs many functions on throwaway threads,
// side by side so that some of their goroutines land on the main thread
// (which the test binary's main goroutine leaves free while it waits), and
// checks that none of the functions ran there.
func TestThrowawayThreadNeverMain(t *testing.T) {
	var onMain, runs atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := onThrowawayThread(func() error {
				runs.Add(1)
				if unix.Gettid() == unix.Getpid() {
					onMain.Add(1)
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if runs.Load() != 200 || onMain.Load() != 0 {
		t.Errorf("%d functions ran, %d of them on the main thread; want 200, 0", runs.Load(), onMain.Load())
	}
}

// TestLinkKindProbeKeepsMainThread probes link kinds many times side by
// side and checks that the main thread (whose namespace /proc/self shows)
// and this one are still in the namespace they started in.
func TestLinkKindProbeKeepsMainThread(t *testing.T) {
	Require(t, Root())
	main := func() string {
		s, err := os.Readlink("/proc/self/ns/net")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := main()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Has(LinkKind("veth")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if after := main(); after != before {
		t.Fatalf("the main thread's namespace was %s before the probes, %s after", before, after)
	}
	self, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	if self != before {
		t.Fatalf("this thread is in %s, not %s", self, before)
	}
}
