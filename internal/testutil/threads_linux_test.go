package testutil

import (
	"strings"
	"testing"
)

// TestCheckThreadsSeesAThreadInANamespace holds a thread in a throwaway
// namespace: CheckThreads reports it (after waiting its bounded time, as
// for a thread that will never exit); once the thread is released and
// discarded, CheckThreads passes (it waits for the exiting thread).
func TestCheckThreadsSeesAThreadInANamespace(t *testing.T) {
	ns := NewNetNS(t)
	entered, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- ns.Target.Do(func() error {
			close(entered)
			<-release
			return nil
		})
	}()
	<-entered
	err := CheckThreads()
	close(release)
	if derr := <-done; derr != nil {
		t.Fatal(derr)
	}
	if err == nil || !strings.Contains(err.Error(), "not the process's") {
		t.Fatalf("with a thread held in %s, CheckThreads = %v", ns.Name, err)
	}
	if err := CheckThreads(); err != nil {
		t.Fatalf("after the thread was released: %v", err)
	}
}
