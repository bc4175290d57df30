//go:build !nlshprof

package main

import (
	"fmt"
	"os"
)

// startProfile is profile.go's without runtime/pprof (nor runtime/trace) in the binary: it
// says how to get one when a profile is asked for.
func startProfile() (stop func()) {
	for _, v := range []string{"NLSH_CPUPROFILE", "NLSH_MEMPROFILE", "NLSH_TRACE"} {
		if os.Getenv(v) != "" {
			fmt.Fprintf(os.Stderr, "nlsh: %s: no profiles in this binary; build it with -tags %s\n", v, profileTag)
		}
	}
	return func() {}
}
