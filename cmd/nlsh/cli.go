package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/chzyer/readline"
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/runtime"
)

// version is set at link time (-ldflags "-X main.version=v1.2.3").
var version = ""

// Exit statuses.
const (
	exitOK     = 0
	exitError  = 1
	exitUsage  = 2
	usageFirst = "usage: nlsh [flags] [FILE.lua [ARGS...] | -e CODE | SUBCOMMAND ...]"
)

// flags are the command-line options shared by every mode.
type flags struct {
	eval      string
	evalSet   bool
	netns     string
	json      bool
	trace     bool
	dryRun    bool
	timeout   time.Duration
	atomic    bool
	traceback bool
	version   bool
	luaMeta   bool
}

// subcommand is a mode such as `nlsh hook FILE.lua` or `nlsh cni`.
type subcommand struct {
	summary string
	run     func(ctx context.Context, f *flags, args []string, std stdio) int
}

// subcommands is the table of modes after the flags: hook.go, cni.go.
func subcommands() map[string]subcommand {
	return map[string]subcommand{
		"hook": {summary: "OCI runtime hook mode: nlsh hook FILE.lua [HOOK] (state JSON on stdin)", run: hookCmd},
		"cni":  {summary: "CNI plugin mode: nlsh cni (CNI_COMMAND etc. in the environment)", run: cniCmd},
	}
}

func newFlagSet(f *flags, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("nlsh", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Func("e", "run `CODE` and print the values it returns", func(s string) error {
		f.eval, f.evalSet = s, true
		return nil
	})
	fs.StringVar(&f.netns, "netns", "", "default network namespace `TARGET`: pid:N, pidfd:N, name:NAME or a path")
	fs.BoolVar(&f.json, "json", false, "print returned values as JSON (a returned iterator function, such as rtnl.route.each{}, as the list of its values, streamed)")
	fs.BoolVar(&f.trace, "trace", false, "print every netlink message sent and received, decoded, on stderr")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the messages that would change state; send none of them")
	fs.DurationVar(&f.timeout, "timeout", 0, "stop the script after `D` (such as 5s)")
	fs.BoolVar(&f.atomic, "atomic", false, "undo every change the script made when it fails")
	fs.BoolVar(&f.traceback, "traceback", false, "print the Lua traceback of an error")
	fs.BoolVar(&f.version, "version", false, "print the version and exit")
	fs.BoolVar(&f.luaMeta, "lua-meta", false, "print the LuaLS annotation file (---@meta) of the modules and exit")
	return fs
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, usageFirst)
	fmt.Fprintln(w, "\nWith no FILE and a terminal, nlsh starts a REPL; with no FILE and a pipe, it runs standard input.")
	fmt.Fprintln(w, "\nFlags (also written --flag):")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprintln(w, "\nSubcommands:")
	subs := subcommands()
	for _, name := range []string{"hook", "cni"} {
		fmt.Fprintf(w, "  %-6s %s\n", name, subs[name].summary)
	}
	fmt.Fprintln(w, "\nExit status: 0 success, 1 script or kernel error, 2 bad usage.")
}

// Main runs nlsh with args (without the program name) and returns the exit
// status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	std := stdio{in: stdin, out: stdout, err: stderr}
	var f flags
	fs := newFlagSet(&f, stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return exitOK
		}
		fmt.Fprintf(stderr, "nlsh: %v\n%s (nlsh --help for more)\n", err, usageFirst)
		return exitUsage
	}
	if f.version {
		fmt.Fprintf(stdout, "nlsh %s\n", versionString())
		return exitOK
	}
	if f.luaMeta {
		rt, err := runtime.New(runtime.Options{})
		if err != nil {
			fmt.Fprintf(stderr, "nlsh: %v\n", err)
			return exitError
		}
		defer rt.Close()
		if err := rt.Env().Docs.WriteLuaLS(stdout); err != nil {
			fmt.Fprintf(stderr, "nlsh: %v\n", err)
			return exitError
		}
		return exitOK
	}
	rest := fs.Args()
	subName := ""
	if len(rest) > 0 && !f.evalSet {
		subName = rest[0]
	}
	sub, isSub := subcommands()[subName]
	if !isSub {
		subName = ""
	}
	ctx, guard, stop := interruptContext(context.Background(), catchInterrupt(&f, subName, std))
	defer stop()
	if isSub {
		return sub.run(ctx, &f, rest[1:], std)
	}
	opts, err := f.options(std)
	if err != nil {
		fmt.Fprintf(stderr, "nlsh: %v\n", err)
		return exitUsage
	}
	opts.Guard = guard
	switch {
	case f.evalSet:
		opts.AutoGlobals = true
		return runChunk(ctx, &f, opts, std, func(rt *runtime.Runtime) ([]lua.LValue, error) {
			rt.SetGlobal("arg", append([]string{}, rest...))
			return rt.EvalString(ctx, "(command line)", f.eval)
		})
	case len(rest) > 0:
		return runChunk(ctx, &f, opts, std, func(rt *runtime.Runtime) ([]lua.LValue, error) {
			return rt.EvalFile(ctx, rest[0], rest[1:])
		})
	}
	if file, ok := stdin.(*os.File); ok && readline.IsTerminal(int(file.Fd())) {
		opts.AutoGlobals = true
		opts.LazyStdlib = false // completion lists what _G holds
		return repl(ctx, &f, opts, std)
	}
	code, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "nlsh: reading standard input: %v\n", err)
		return exitError
	}
	return runChunk(ctx, &f, opts, std, func(rt *runtime.Runtime) ([]lua.LValue, error) {
		return rt.EvalString(ctx, "stdin", string(code))
	})
}

// options turns the flags into runtime options.
func (f *flags) options(std stdio) (runtime.Options, error) {
	opts := runtime.Options{
		AutoGlobals: true, // modules are globals, loaded on first use
		LazyStdlib:  true, // io, os, coroutine, debug too (not in the REPL)
		Stdout:      std.out,
		Stderr:      std.err,
		DryRun:      f.dryRun,
		Timeout:     f.timeout,
		Atomic:      f.atomic,
	}
	if f.trace {
		opts.Trace = std.err
	}
	if f.netns != "" {
		t, err := netns.Parse(f.netns)
		if err != nil {
			return opts, fmt.Errorf("--netns: %w", err)
		}
		opts.Netns = t
	}
	return opts, nil
}

// runChunk makes a runtime, runs one chunk and prints its results.
func runChunk(ctx context.Context, f *flags, opts runtime.Options, std stdio, run func(*runtime.Runtime) ([]lua.LValue, error)) int {
	rt, err := runtime.New(opts)
	if err != nil {
		fmt.Fprintf(std.err, "nlsh: %v\n", err)
		return exitError
	}
	defer rt.Close()
	vals, err := run(rt)
	if err != nil {
		return reportError(f, std, err)
	}
	if f.evalSet || f.json {
		if err := printValues(ctx, rt, f.json, std.out, vals); err != nil {
			return reportError(f, std, err)
		}
	}
	return exitOK
}

// printValues prints returned values: pretty, one per line, or JSON.
func printValues(ctx context.Context, rt *runtime.Runtime, asJSON bool, w io.Writer, vals []lua.LValue) error {
	if len(vals) == 0 {
		return nil
	}
	if asJSON {
		if err := rt.PrintJSON(ctx, w, vals); err != nil {
			return fmt.Errorf("--json: %w", err)
		}
		return nil
	}
	for _, v := range vals {
		s, err := rt.Pretty(ctx, v)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, s)
	}
	return nil
}

// reportError prints err as one line (plus the traceback when asked) and
// returns the exit status.
func reportError(f *flags, std stdio, err error) int {
	var exit *runtime.ExitError
	if errors.As(err, &exit) {
		return exit.Code
	}
	fmt.Fprintf(std.err, "nlsh: %s\n", strings.Join(strings.Fields(err.Error()), " "))
	var se *runtime.ScriptError
	if f.traceback && errors.As(err, &se) && se.Traceback != "" {
		fmt.Fprintln(std.err, se.Traceback)
	}
	return exitError
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
