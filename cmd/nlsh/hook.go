package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/engine"
	"github.com/nlsh/nlsh/engine/oci"
)

const hookUsage = "usage: nlsh hook [--allow-path DIR]... [--allow-exec] [--timeout D] FILE.lua [HOOK] [ARGS...]"

// engineFlags are the options of the engine modes (hook, and CNI through
// its config).
type engineFlags struct {
	allowPaths []string
	allowExec  bool
	timeout    time.Duration
}

func newEngineFlagSet(name string, ef *engineFlags, f *flags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Func("allow-path", "let the script open files under `DIR` (repeatable)", func(s string) error {
		if !strings.HasPrefix(s, "/") {
			return fmt.Errorf("--allow-path %q: want an absolute directory", s)
		}
		ef.allowPaths = append(ef.allowPaths, s)
		return nil
	})
	fs.BoolVar(&ef.allowExec, "allow-exec", false, "keep os.execute and io.popen (trusted scripts only)")
	fs.DurationVar(&ef.timeout, "timeout", f.timeout, "stop the script after `D` and roll back (default "+engine.DefaultTimeout.String()+")")
	return fs
}

// hookCmd is `nlsh hook FILE.lua [HOOK] [ARGS...]`: an OCI runtime hook.
func hookCmd(ctx context.Context, f *flags, args []string, std stdio) int {
	var ef engineFlags
	fs := newEngineFlagSet("nlsh hook", &ef, f)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(std.out, hookUsage)
			fs.SetOutput(std.out)
			fs.PrintDefaults()
			return exitOK
		}
		fmt.Fprintf(std.err, "nlsh hook: %v\n%s\n", err, hookUsage)
		return exitUsage
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fmt.Fprintf(std.err, "nlsh hook: no script\n%s\n", hookUsage)
		return exitUsage
	}
	opts, err := f.engineOptions(ef, std)
	if err != nil {
		fmt.Fprintf(std.err, "nlsh hook: %v\n", err)
		return exitUsage
	}
	opts.Script, opts.Args = rest[0], rest[1:]
	st, err := oci.ReadState(std.in)
	if err != nil {
		fmt.Fprintf(std.err, "nlsh hook: %v\n", err)
		return exitError
	}
	if err := oci.Run(ctx, opts, st, ""); err != nil {
		return reportError(f, std, err)
	}
	return exitOK
}

// engineOptions turns the global and engine flags into engine options.
func (f *flags) engineOptions(ef engineFlags, std stdio) (engine.Options, error) {
	o := engine.Options{
		Timeout:    ef.timeout,
		AllowPaths: ef.allowPaths,
		AllowExec:  ef.allowExec,
		DryRun:     f.dryRun,
		Stdout:     std.out,
		Stderr:     std.err,
	}
	if f.trace {
		o.Trace = std.err
	}
	if f.netns != "" {
		t, err := netns.Parse(f.netns)
		if err != nil {
			return o, fmt.Errorf("--netns: %w", err)
		}
		o.Netns = t
	}
	return o, nil
}
