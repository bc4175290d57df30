//go:build nlshprof

package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// startProfile starts the profiles asked for by the environment and
// returns the function that ends them: a CPU profile into the file named
// by NLSH_CPUPROFILE, and a profile of every allocation (the "allocs"
// profile, sampled at every 512 bytes) into the file named by
// NLSH_MEMPROFILE, both for `go tool pprof`, and an execution trace (which
// goroutine ran, waited or was woken when, for `go tool trace`) into the
// file named by NLSH_TRACE. Without the variables it does
// nothing. Only in a binary built with -tags nlshprof (profile_off.go):
// runtime/pprof and its compression add some 70 µs of package set-up and
// page faults to every start.
func startProfile() (stop func()) {
	stopCPU := startCPUProfile(os.Getenv("NLSH_CPUPROFILE"))
	stopMem := startMemProfile(os.Getenv("NLSH_MEMPROFILE"))
	stopTrace := startTrace(os.Getenv("NLSH_TRACE"))
	return func() {
		stopTrace()
		stopCPU()
		stopMem()
	}
}

func startTrace(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "nlsh: NLSH_TRACE: %v\n", err)
		return func() {}
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintf(os.Stderr, "nlsh: NLSH_TRACE: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		trace.Stop()
		if err := f.Close(); err != nil {
			fmt.Fprintf(os.Stderr, "nlsh: NLSH_TRACE: %v\n", err)
		}
	}
}

func startCPUProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "nlsh: NLSH_CPUPROFILE: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "nlsh: NLSH_CPUPROFILE: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

func startMemProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	runtime.MemProfileRate = 512
	return func() {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "nlsh: NLSH_MEMPROFILE: %v\n", err)
		}
	}
}
