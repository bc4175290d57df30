// Command nlsh is the Lua-driven netlink shell: it runs scripts
// (`nlsh FILE.lua ARGS...`), one-liners (`nlsh -e CODE`) and, with no
// script on a terminal, a REPL. It is a thin user of package runtime.
//
// Exit status: 0 on success, 1 on a script or kernel error (one line on
// stderr), 2 on bad usage.
package main

//go:generate sh -c "go run . --lua-meta > ../../docs/nlsh.meta.lua"

import (
	"io"
	"os"
)

func main() {
	args := os.Args[1:]
	engine := cniInvoked(args, os.Getenv)
	if engine {
		args = []string{"cni"}
	}
	tuneGC(args, engine)
	stop := startProfile()
	code := Main(args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// profileTag is the build tag of a binary that writes profiles
// (profile.go).
const profileTag = "nlshprof"

// stdio are the streams a command uses.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}
