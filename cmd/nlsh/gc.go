// Since Go 1.25 the runtime starts, in every program, a goroutine that
// re-reads the cgroup's CPU limit every second to adjust GOMAXPROCS. A run
// of nlsh lasts milliseconds (one per container when an engine runs it),
// and starting that goroutine at start-up woke a thread for it; the
// GOMAXPROCS the runtime picks at start (from the CPU limit then) is kept.
//go:debug updatemaxprocs=0

package main

import (
	"os"
	"runtime/debug"
)

// cliGCPercent is the collector's target for scripts, one-liners and the
// REPL: a heap may grow to four times what is live before a collection.
// A run of nlsh is short and its live heap small (a dump streams), so at
// Go's default of 100 the collector ran every few hundred routes and took
// a third of a 100,000-route dump (W2: 0.18 s at 100, 0.13 s at 300,
// peak RSS 17 -> 25 MiB, under issue 9's 32 MiB). The engine modes keep
// Go's default: their sandbox's memory cap reads the heap, garbage
// included, and must not trip on uncollected garbage.
const cliGCPercent = 300

// tuneGC sets cliGCPercent unless the run is an engine mode or GOGC is set
// (the user's choice wins).
func tuneGC(args []string, engine bool) {
	if engine || os.Getenv("GOGC") != "" {
		return
	}
	for _, a := range args {
		if a == "hook" || a == "cni" {
			return
		}
	}
	debug.SetGCPercent(cliGCPercent)
}
