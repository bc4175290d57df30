package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// proc is one process a peer runs: whole processes are what is timed.
type proc struct {
	args  []string
	ns    string // start it inside this namespace ("" = the harness's own)
	env   []string
	stdin string
}

// sample is what one peer run measured.
type sample struct {
	wall  time.Duration   // sum over the run's processes, fork to reap
	rss   int64           // largest Maxrss (KiB) of the run's processes
	procs []time.Duration // each process's time, for runs of many processes
	// masked: rss is no more than the harness's own resident size at fork.
	// A child forked with CLONE_VM inherits its parent's peak RSS into its
	// Maxrss at exec, so a smaller peak cannot be seen; it is reported as
	// an upper bound.
	masked bool
	err    error
}

// resetPeakRSS makes the harness's peak RSS its current RSS
// (clear_refs 5) and returns that size in KiB, the least Maxrss a child can
// show.
func resetPeakRSS() int64 {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(v, "%d", &kb)
			return kb
		}
	}
	return 0
}

// runProcs runs the processes one after the other and adds up their times;
// the first failure ends the run.
func runProcs(ps ...proc) sample {
	var s sample
	for _, p := range ps {
		cmd := exec.Command(p.args[0], p.args[1:]...)
		if p.env != nil {
			cmd.Env = append(os.Environ(), p.env...)
		}
		if p.stdin != "" {
			cmd.Stdin = strings.NewReader(p.stdin)
		}
		var errb bytes.Buffer
		cmd.Stderr = &errb
		base := resetPeakRSS()
		t0, err := startIn(p.ns, cmd)
		if err != nil {
			s.err = fmt.Errorf("%s: %v", p.args[0], err)
			return s
		}
		err = cmd.Wait()
		d := time.Since(t0)
		s.wall += d
		s.procs = append(s.procs, d)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > s.rss {
			s.rss = ru.Maxrss
			s.masked = ru.Maxrss <= base+128
		}
		if err != nil {
			msg := firstLine(errb.String())
			if msg == "" {
				msg = err.Error()
			}
			s.err = fmt.Errorf("%s: %s", baseName(p.args), msg)
			return s
		}
	}
	return s
}

func baseName(args []string) string {
	a := args[0]
	if i := strings.LastIndexByte(a, '/'); i >= 0 {
		a = a[i+1:]
	}
	if len(args) > 1 && (a == "python3" || a == "sh") {
		b := args[1]
		if i := strings.LastIndexByte(b, '/'); i >= 0 {
			b = b[i+1:]
		}
		a += " " + b
	}
	return a
}
