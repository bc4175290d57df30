package cni

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"
	types100 "github.com/containernetworking/cni/pkg/types/100"
	"github.com/containernetworking/cni/pkg/version"
	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/engine"
	"github.com/nlsh/nlsh/runtime"
)

// Versions are the CNI spec versions nlsh speaks.
var Versions = version.PluginSupports("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0")

// About is printed on standard error when nlsh cni runs without
// CNI_COMMAND.
const About = "nlsh CNI plugin: runs the Lua script the network configuration names (\"script\")"

// Plugin runs scripts for CNI commands.
type Plugin struct {
	// Stdout receives the result JSON; Stderr the script's output and
	// diagnostics (print goes there: standard output is the result).
	Stdout, Stderr io.Writer
	// Modules are the Lua modules; nil means runtime.StandardModules().
	Modules []bindings.Module
	// Trace, when set, receives every netlink message, decoded.
	Trace io.Writer
	// Context bounds every command (the script's own timeout applies too).
	Context context.Context
}

// Funcs are the skel callbacks.
func (p *Plugin) Funcs() skel.CNIFuncs {
	cmd := func(name string) func(*skel.CmdArgs) error {
		return func(a *skel.CmdArgs) error { return p.Run(p.ctx(), name, a) }
	}
	return skel.CNIFuncs{Add: cmd("ADD"), Del: cmd("DEL"), Check: cmd("CHECK"), GC: cmd("GC"), Status: cmd("STATUS")}
}

// Main dispatches on CNI_COMMAND (read from the environment, the config
// from standard input) and returns the error to print as CNI error JSON.
func (p *Plugin) Main() *types.Error {
	return skel.PluginMainFuncsWithError(p.Funcs(), Versions, About)
}

func (p *Plugin) ctx() context.Context {
	if p.Context != nil {
		return p.Context
	}
	return context.Background()
}

// Run runs one CNI command: it parses the configuration, opens the
// namespace, runs the script and, for ADD, prints the result. The error is
// a *types.Error with the code to report.
func (p *Plugin) Run(ctx context.Context, command string, a *skel.CmdArgs) error {
	conf, err := ParseConf(a.StdinData)
	if err != nil {
		return err
	}
	inv := &invocation{command: command, args: a, conf: conf}
	if conf.PrevResult != nil {
		if inv.prev, err = types100.NewResultFromResult(conf.PrevResult); err != nil {
			return types.NewError(types.ErrDecodingFailure, "nlsh: prevResult", err.Error())
		}
	}
	if err := inv.openNetns(); err != nil {
		return err
	}
	defer inv.closeNetns()
	var result *types100.Result
	finish := func(rt *runtime.Runtime, vals []lua.LValue) error {
		if command != "ADD" {
			return nil
		}
		result, err = inv.result(vals)
		return err
	}
	opts := engine.Options{
		Script: conf.Script, Timeout: conf.timeout,
		AllowPaths: conf.AllowPaths, AllowExec: conf.AllowExec,
		Trace: p.Trace, Modules: p.Modules,
		Stdout: p.Stderr, Stderr: p.Stderr, StdoutIsResult: true,
	}
	if inv.hasNS {
		opts.AllowNetns = []netns.Target{inv.netns}
	}
	err = engine.Run(ctx, opts, func(rt *runtime.Runtime) error {
		rt.LState().SetGlobal("cni", inv.table(rt.LState()))
		return nil
	}, finish)
	if err != nil {
		return toError(command, err, &inv.raised)
	}
	if result == nil {
		return nil
	}
	out, err := result.GetAsVersion(conf.CNIVersion)
	if err != nil {
		return types.NewError(types.ErrIncompatibleCNIVersion, "nlsh: convert the result to "+conf.CNIVersion, err.Error())
	}
	w := p.Stdout
	if w == nil {
		w = os.Stdout
	}
	if err := out.PrintTo(w); err != nil {
		return types.NewError(types.ErrIOFailure, "nlsh: write the result", err.Error())
	}
	return nil
}

// result turns the script's return values into the ADD result.
func (inv *invocation) result(vals []lua.LValue) (*types100.Result, error) {
	if len(vals) == 0 || vals[0] == lua.LNil {
		if inv.prev != nil {
			return inv.prev, nil
		}
		return &types100.Result{CNIVersion: inv.conf.CNIVersion}, nil
	}
	r, err := ParseResult(vals[0], inv.conf.CNIVersion)
	if err != nil {
		return nil, &resultError{err: err}
	}
	return r, nil
}

// errNoNetns is a namespace that ADD or CHECK needs and cannot open.
var errNoNetns = errors.New("CNI_NETNS")

func netnsError(a *skel.CmdArgs, err error) error {
	return types.NewError(types.ErrInvalidNetNS, fmt.Sprintf("nlsh: %v %q: %v", errNoNetns, a.Netns, err), "")
}
