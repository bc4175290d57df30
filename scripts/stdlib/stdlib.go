// Package stdlib holds nlsh's helpers written in Lua, embedded in the
// binary: pp (the pretty printer REPL results and `nlsh -e` use) and ensure
// (declarative, idempotent link/address/route setup over the rtnl module).
// The runtime preloads them as modules; nothing is compiled until a script
// requires one.
package stdlib

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.lua
var files embed.FS

// Source returns the Lua source of module name ("pp", "ensure").
func Source(name string) (string, bool) {
	if strings.HasSuffix(name, "_test") {
		return "", false
	}
	b, err := files.ReadFile(name + ".lua")
	if err != nil {
		return "", false
	}
	return string(b), true
}

// Names lists the embedded modules, sorted (test files excluded).
func Names() []string {
	ents, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range ents {
		n := strings.TrimSuffix(e.Name(), ".lua")
		if n != e.Name() && !strings.HasSuffix(n, "_test") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// ChunkName is the chunk name a module's code runs under, such as
// "stdlib/pp.lua"; errors skip frames with this prefix to name the user's
// line.
func ChunkName(name string) string { return "stdlib/" + name + ".lua" }
