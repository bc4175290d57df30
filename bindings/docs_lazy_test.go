package bindings

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// A module's doc is built on its first read, once, and never by Preload:
// a run that reads no doc pays nothing for it.
func TestDocsBuiltOnFirstRead(t *testing.T) {
	builds := 0
	mod := Module{
		Name: "m",
		Open: func(L *lua.LState, _ *Env) lua.LValue { return lua.LNil },
		Doc: func() *ModuleDoc {
			builds++
			return &ModuleDoc{Name: "m", Funcs: []FuncDoc{{Name: "m.f", Summary: "f"}}}
		},
	}
	L := lua.NewState()
	defer L.Close()
	env := NewEnv()
	NewRegistry(mod).Preload(L, env)
	if builds != 0 {
		t.Fatalf("Preload built the doc %d times; want it left for first use", builds)
	}
	if f, ok := env.Docs.Func("m.f"); !ok || f.Summary != "f" {
		t.Fatalf("Func(m.f) = %v, %v", f, ok)
	}
	if ms := env.Docs.Modules(); len(ms) != 1 || ms[0].Name != "m" {
		t.Fatalf("Modules() = %v", ms)
	}
	if _, ok := env.Docs.Module("other"); ok {
		t.Fatal("Module(other) found a module never registered")
	}
	if builds != 1 {
		t.Fatalf("doc built %d times after three reads; want once", builds)
	}
}
