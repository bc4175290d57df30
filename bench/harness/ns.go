package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// nsPrefix starts the name of every namespace the harness makes, so that a
// leftover is recognisable; the host namespace is never changed.
const nsPrefix = "nlsh-bench-"

// namespaces tracks the namespaces made by this process so that they are
// deleted on every exit path.
var namespaces = struct {
	sync.Mutex
	live map[string]bool
}{live: map[string]bool{}}

// ipBatch runs `ip [-n NS] -batch -` with the given lines.
func ipBatch(ns string, lines []string) error {
	args := []string{"-batch", "-"}
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	cmd := exec.Command("ip", args...)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, firstLine(errb.String()))
	}
	return nil
}

// addNS creates named namespaces (all with nsPrefix) in one ip process.
func addNS(names ...string) error {
	lines := make([]string, len(names))
	namespaces.Lock()
	for i, n := range names {
		if !strings.HasPrefix(n, nsPrefix) {
			namespaces.Unlock()
			return fmt.Errorf("refusing namespace %q without prefix %q", n, nsPrefix)
		}
		lines[i] = "netns add " + n
		namespaces.live[n] = true
	}
	namespaces.Unlock()
	return ipBatch("", lines)
}

// delNS deletes namespaces made by addNS.
func delNS(names ...string) {
	var lines []string
	namespaces.Lock()
	for _, n := range names {
		if namespaces.live[n] {
			lines = append(lines, "netns del "+n)
			delete(namespaces.live, n)
		}
	}
	namespaces.Unlock()
	if len(lines) == 0 {
		return
	}
	if err := ipBatch("", lines); err != nil {
		// One by one, so that one missing name does not keep the others.
		for _, l := range lines {
			_ = ipBatch("", []string{l})
		}
	}
}

// delAllNS deletes every namespace still alive; used on exit and on signals.
func delAllNS() {
	namespaces.Lock()
	var names []string
	for n := range namespaces.live {
		names = append(names, n)
	}
	namespaces.Unlock()
	delNS(names...)
}

// benchLink gives a namespace the link bench0 (one end of a veth pair whose
// other end is bench1), both up.
func benchLink(ns string) error {
	return ipBatch(ns, []string{
		"link add bench0 type veth peer name bench1",
		"link set bench1 up",
		"link set bench0 up",
	})
}

// freshNS makes a namespace with bench0 and returns its name.
func freshNS(tag string) (string, error) {
	name := fmt.Sprintf("%s%s-%d", nsPrefix, tag, os.Getpid())
	if err := addNS(name); err != nil {
		return "", err
	}
	if err := benchLink(name); err != nil {
		delNS(name)
		return "", err
	}
	return name, nil
}

// startIn starts cmd with the calling process's namespaces except the
// network one, which is ns (a name under /run/netns; "" keeps the
// harness's own). The fork happens on a thread moved into ns that is never
// used again: its goroutine stays locked and exits, so Go ends the thread.
// It returns the moment just before the fork.
func startIn(ns string, cmd *exec.Cmd) (time.Time, error) {
	if ns == "" {
		t0 := time.Now()
		return t0, cmd.Start()
	}
	type result struct {
		t0  time.Time
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: this thread dies with the goroutine
		fd, err := unix.Open("/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			ch <- result{err: err}
			return
		}
		err = unix.Setns(fd, unix.CLONE_NEWNET)
		unix.Close(fd)
		if err != nil {
			ch <- result{err: fmt.Errorf("setns %s: %w", ns, err)}
			return
		}
		t0 := time.Now()
		ch <- result{t0, cmd.Start()}
	}()
	r := <-ch
	return r.t0, r.err
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}
