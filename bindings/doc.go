// Package bindings is the toolkit every nlsh Lua module is built with:
// strict argument tables (Table, Args), conversion of Go values to plain
// Lua tables (ToLua) and back (FromLua), error values that carry the
// kernel's errno and extack (Raise, ErrorValue), protected calls that keep
// Lua's semantics on gopher-lua (Call, the pcall/xpcall replacements), the
// per-runtime environment modules consult (Env: current namespace, journal,
// trace, dry run), and the registries of modules, docs and completion hooks.
//
// A module is a Module value: a name, a loader that builds its table, its
// docs and optionally a completion hook. The runtime registers it with one
// line, and the module is built only when a script requires it.
//
// Nothing here is safe for concurrent use: an LState and the Env hanging off
// it belong to the goroutine that runs the runtime.
package bindings
