package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Main runs the tests of a package and fails the binary when they leak file
// descriptors or leave a thread in another network namespace. Use it as
//
//	func TestMain(m *testing.M) { testutil.Main(m) }
func Main(m *testing.M) {
	// The runtime's poller opens its epoll and eventfd descriptors on first
	// use and keeps them; open them now so they count as baseline.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}
	before := openFDs()
	code := m.Run()
	if code == 0 {
		if err := CheckThreads(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			code = 1
		}
		if err := waitFDs(before); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// CheckThreads reports an error if any thread of the process is in a
// network namespace other than the one the process started in.
//
// A thread that entered a namespace on purpose is discarded: its
// goroutine returns locked and the runtime terminates it. That happens
// just after the goroutine answered (netns.Target.Do has returned by
// then), so a thread can still be exiting when this runs: dying and
// zombie tasks are ignored, and a thread elsewhere is given a bounded
// time (threadExitWait) to go away. One still there after that is a real
// leak: a thread handed back to the runtime (unlocked) in a namespace.
func CheckThreads() error {
	deadline := time.Now().Add(threadExitWait)
	for {
		err := foreignThread()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(5 * time.Millisecond) // polling the condition, with a deadline
	}
}

// threadExitWait bounds how long CheckThreads waits for exiting threads.
const threadExitWait = 2 * time.Second

// foreignThread returns an error naming a live thread that is in another
// network namespace than the process, or nil.
func foreignThread() error {
	want, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		return err
	}
	tasks, err := filepath.Glob("/proc/self/task/*/ns/net")
	if err != nil {
		return err
	}
	for _, p := range tasks {
		got, err := os.Readlink(p)
		if err != nil {
			continue // the thread exited meanwhile
		}
		if got == want {
			continue
		}
		dir := filepath.Dir(filepath.Dir(p))
		if exiting(dir) {
			continue
		}
		return fmt.Errorf("thread %s is in %s, not the process's %s", filepath.Base(dir), got, want)
	}
	return nil
}

// exiting reports whether the task at /proc/self/task/N is dying or a
// zombie (state X or Z in its stat), or already gone.
func exiting(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return true
	}
	// "tid (comm) S ...": the state follows the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 || i+2 >= len(b) {
		return false
	}
	switch b[i+2] {
	case 'X', 'Z', 'x':
		return true
	}
	return false
}

// OpenFDs lists the process's open file descriptors with what they point to.
func OpenFDs() map[string]string { return openFDs() }

func openFDs() map[string]string {
	ents, _ := os.ReadDir("/proc/self/fd")
	m := make(map[string]string, len(ents))
	for _, e := range ents {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err == nil {
			m[e.Name()] = target
		}
	}
	return m
}

// waitFDs waits briefly for finalizers to close descriptors, then reports
// the ones open now that were not open before.
func waitFDs(before map[string]string) error {
	var leaked []string
	for i := 0; i < 50; i++ {
		runtime.GC() // run finalizers of dropped *os.File values
		leaked = leaked[:0]
		for fd, target := range openFDs() {
			if before[fd] != target && target != "/proc/self/fd" && !isProcFD(target) {
				leaked = append(leaked, fd+" -> "+target)
			}
		}
		if len(leaked) == 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("leaked file descriptors: %v", leaked)
}

func isProcFD(target string) bool {
	// ReadDir of /proc/self/fd holds one descriptor on the directory itself.
	return filepath.Base(target) == "fd" && filepath.Dir(target) != "/"
}
