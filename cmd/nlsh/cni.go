package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nlsh/nlsh/engine/cni"
)

// cniCmd is `nlsh cni`: a CNI plugin. The command and its arguments come
// from the CNI_* environment, the network configuration from standard
// input; the result or the CNI error goes to standard output as JSON.
func cniCmd(ctx context.Context, f *flags, args []string, std stdio) int {
	if len(args) > 0 {
		fmt.Fprintf(std.err, "nlsh cni: takes no arguments (the CNI_* environment and the configuration on standard input say what to do), got %q\n", args)
		return exitUsage
	}
	p := &cni.Plugin{Stdout: std.out, Stderr: std.err, Context: ctx}
	if f.trace {
		p.Trace = std.err
	}
	if e := p.Main(); e != nil {
		b, err := json.MarshalIndent(e, "", "    ")
		if err != nil {
			fmt.Fprintf(std.err, "nlsh cni: %v\n", e)
			return exitError
		}
		fmt.Fprintf(std.out, "%s\n", b)
		return exitError
	}
	return exitOK
}

// cniInvoked reports whether a container runtime started nlsh as a CNI
// plugin: by the network's "type" with no arguments and CNI_COMMAND set.
// Then nlsh behaves as `nlsh cni` instead of reading a script on stdin.
func cniInvoked(args []string, getenv func(string) string) bool {
	return len(args) == 0 && getenv("CNI_COMMAND") != ""
}
