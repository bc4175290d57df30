package bindings

import (
	"fmt"
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// Module is one Lua module as the runtime registers it. Plugging a module
// in is one line: append its Module value to the runtime's module list.
type Module struct {
	// Name is what scripts require ("rtnl", "netns", "cidr").
	Name string
	// Open builds the module's value (usually a table of functions). It
	// runs once per runtime, on the first require, never at start-up.
	Open func(L *lua.LState, env *Env) lua.LValue
	// Doc builds the module's description for help() and the LuaLS
	// annotation file; it runs on first use, never at start-up.
	Doc func() *ModuleDoc
	// Complete holds completion hooks by kind (CompleteIfname, ...).
	Complete map[string]CompleteFunc
}

// Registry is a set of modules by name, built by the program (main or
// runtime.New), never package state.
type Registry struct {
	mods map[string]Module
}

// NewRegistry returns a registry holding mods; a later module of the same
// name replaces an earlier one.
func NewRegistry(mods ...Module) *Registry {
	r := &Registry{mods: make(map[string]Module, len(mods))}
	for _, m := range mods {
		r.Add(m)
	}
	return r
}

// Add registers m.
func (r *Registry) Add(m Module) { r.mods[m.Name] = m }

// Get returns the module named name.
func (r *Registry) Get(name string) (Module, bool) {
	m, ok := r.mods[name]
	return m, ok
}

// Names lists the registered module names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.mods))
	for n := range r.mods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Preload makes every module requirable from L, built lazily on first
// require, and registers their docs and completion hooks in env.
func (r *Registry) Preload(L *lua.LState, env *Env) {
	for _, name := range r.Names() {
		m := r.mods[name]
		if m.Doc != nil {
			env.Docs.AddLazy(m.Name, m.Doc)
		}
		for kind, f := range m.Complete {
			env.Completers.Register(kind, f)
		}
		if m.Open == nil {
			continue
		}
		L.PreloadModule(m.Name, func(L *lua.LState) int {
			v := m.Open(L, env)
			if v == nil {
				L.RaiseError("module %s: loader returned nothing", m.Name)
			}
			L.Push(v)
			return 1
		})
	}
}

// SetFuncs is a helper for loaders: a new table with fns set in it.
func SetFuncs(L *lua.LState, fns map[string]lua.LGFunction) *lua.LTable {
	t := L.NewTable()
	L.SetFuncs(t, fns)
	return t
}

// Qualified returns "mod.fn", the name argument errors use.
func Qualified(mod, fn string) string { return fmt.Sprintf("%s.%s", mod, fn) }
