// Package runtime is the embeddable nlsh runtime: a Lua state with the nlsh
// modules, a default network namespace, a deadline, an optional sandbox and
// an undo journal. cmd/nlsh is a thin user of it; a container engine
// written in Go uses it to run nlsh scripts in-process:
//
//	rt, err := runtime.New(runtime.Options{Netns: target, Atomic: true})
//	if err != nil { ... }
//	defer rt.Close()
//	vals, err := rt.RunFile(ctx, "/etc/nlsh/setup.lua", nil)
//	var kerr *codec.Error
//	if errors.As(err, &kerr) { ... }      // the kernel's answer
//
// Goroutines: a Runtime owns one gopher-lua LState, which is not safe for
// concurrent use. Use a Runtime from one goroutine at a time (calls do not
// lock); run several Runtimes in parallel goroutines freely — they share
// nothing. Bindings never touch the LState from another goroutine: work
// done on a namespace thread or a monitor goroutine hands its results back
// over a channel.
package runtime
