package bindings

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// ModuleDoc describes a module for help() and the LuaLS annotation file.
type ModuleDoc struct {
	Name    string
	Summary string
	Funcs   []FuncDoc
	// Classes are the table shapes the module takes and returns (results
	// such as a link, handles, targets).
	Classes []ClassDoc
}

// FuncDoc describes one function, named by its full path ("rtnl.link.add").
type FuncDoc struct {
	Name    string
	Summary string
	// Params are the positional parameters. A function taking one
	// argument table has one Param whose Fields describe the table.
	Params []ParamDoc
	// Returns are the return values, LuaLS types ("rtnl.Link[]").
	Returns []ReturnDoc
	Example string
}

// ParamDoc is one positional parameter.
type ParamDoc struct {
	Name     string
	Type     string // LuaLS type: "string", "integer", "netns.Target", "fun()"
	Desc     string
	Optional bool
	// Fields describe an argument table; the LuaLS class is named after
	// the function ("rtnl.link.add.args").
	Fields []FieldDoc
}

// ReturnDoc is one return value.
type ReturnDoc struct {
	Type string
	Desc string
}

// FieldDoc is one field of an argument table or a result class.
type FieldDoc struct {
	Name     string
	Type     string
	Desc     string
	Required bool
}

// ClassDoc is a table shape (a result, a handle or a target).
type ClassDoc struct {
	Name   string
	Desc   string
	Fields []FieldDoc
}

// Signature renders f as help() prints it: "netns.run(target, fn, ...)" or
// "rtnl.link.add{ifname=, kind=, ...}".
func (f *FuncDoc) Signature() string {
	if len(f.Params) == 1 && len(f.Params[0].Fields) > 0 {
		names := make([]string, 0, len(f.Params[0].Fields))
		for _, fd := range f.Params[0].Fields {
			names = append(names, fd.Name+"=")
		}
		return f.Name + "{" + strings.Join(names, ", ") + "}" + f.returnsText()
	}
	names := make([]string, 0, len(f.Params))
	for _, p := range f.Params {
		n := p.Name
		if p.Optional {
			n += "?"
		}
		names = append(names, n)
	}
	return f.Name + "(" + strings.Join(names, ", ") + ")" + f.returnsText()
}

func (f *FuncDoc) returnsText() string {
	if len(f.Returns) == 0 {
		return ""
	}
	ts := make([]string, len(f.Returns))
	for i, r := range f.Returns {
		ts[i] = r.Type
	}
	return " -> " + strings.Join(ts, ", ")
}

// Docs is the doc registry: every module registers its ModuleDoc here.
// A module's doc is built on first use (help(), the LuaLS file), not when
// the runtime starts: most runs never read one.
type Docs struct {
	mods map[string]*lazyDoc
}

// lazyDoc is one module's doc, built once on first read.
type lazyDoc struct {
	build func() *ModuleDoc
	doc   *ModuleDoc
}

func (l *lazyDoc) get() *ModuleDoc {
	if l.doc == nil && l.build != nil {
		l.doc, l.build = l.build(), nil
	}
	return l.doc
}

// NewDocs returns an empty registry.
func NewDocs() *Docs { return &Docs{mods: map[string]*lazyDoc{}} }

// Add registers m (replacing a module of the same name).
func (d *Docs) Add(m *ModuleDoc) { d.mods[m.Name] = &lazyDoc{doc: m} }

// AddLazy registers module name's doc, built by build on first use
// (replacing a module of the same name). build must return a doc named
// name.
func (d *Docs) AddLazy(name string, build func() *ModuleDoc) {
	d.mods[name] = &lazyDoc{build: build}
}

// Modules returns the registered modules sorted by name.
func (d *Docs) Modules() []*ModuleDoc {
	names := make([]string, 0, len(d.mods))
	for n := range d.mods {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]*ModuleDoc, 0, len(names))
	for _, n := range names {
		if m := d.mods[n].get(); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// Module returns the doc of module name.
func (d *Docs) Module(name string) (*ModuleDoc, bool) {
	l, ok := d.mods[name]
	if !ok {
		return nil, false
	}
	m := l.get()
	return m, m != nil
}

// Func returns the doc of the function with full name ("netns.run").
func (d *Docs) Func(name string) (*FuncDoc, bool) {
	mod, _, _ := strings.Cut(name, ".")
	m, ok := d.Module(mod)
	if !ok {
		return nil, false
	}
	for i := range m.Funcs {
		if m.Funcs[i].Name == name {
			return &m.Funcs[i], true
		}
	}
	return nil, false
}

// WriteHelp writes the help() text of function f.
func WriteHelp(w io.Writer, f *FuncDoc) {
	fmt.Fprintf(w, "%s\n  %s\n", f.Signature(), f.Summary)
	for _, p := range f.Params {
		if len(p.Fields) > 0 {
			fmt.Fprintf(w, "  fields of %s:\n", p.Name)
			for _, fd := range p.Fields {
				req := ""
				if fd.Required {
					req = " (required)"
				}
				fmt.Fprintf(w, "    %-12s %-14s %s%s\n", fd.Name, fd.Type, fd.Desc, req)
			}
			continue
		}
		opt := ""
		if p.Optional {
			opt = " (optional)"
		}
		fmt.Fprintf(w, "  %-14s %-14s %s%s\n", p.Name, p.Type, p.Desc, opt)
	}
	for _, r := range f.Returns {
		fmt.Fprintf(w, "  returns %s %s\n", r.Type, r.Desc)
	}
	if f.Example != "" {
		fmt.Fprintf(w, "  example:\n")
		for _, l := range strings.Split(strings.TrimRight(f.Example, "\n"), "\n") {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}

// WriteModuleHelp writes the help() text of module m: its functions.
func WriteModuleHelp(w io.Writer, m *ModuleDoc) {
	fmt.Fprintf(w, "%s — %s\n", m.Name, m.Summary)
	for i := range m.Funcs {
		fmt.Fprintf(w, "  %-40s %s\n", m.Funcs[i].Signature(), m.Funcs[i].Summary)
	}
}

// WriteLuaLS writes a LuaLS annotation file (---@meta) describing every
// registered module, function and table shape, so editors complete and
// type-check nlsh scripts.
func (d *Docs) WriteLuaLS(w io.Writer) error {
	var b strings.Builder
	b.WriteString("---@meta\n-- Code generated by `nlsh --lua-meta`; DO NOT EDIT.\n-- LuaLS annotations for the nlsh Lua modules.\n\n")
	for _, m := range d.Modules() {
		fmt.Fprintf(&b, "-- Module %s: %s\n", m.Name, m.Summary)
		for _, c := range m.Classes {
			writeClass(&b, c.Name, c.Desc, c.Fields)
		}
		tables := []string{m.Name}
		seen := map[string]bool{m.Name: true}
		for _, f := range m.Funcs {
			parts := strings.Split(f.Name, ".")
			for i := 2; i < len(parts); i++ {
				t := strings.Join(parts[:i], ".")
				if !seen[t] {
					seen[t] = true
					tables = append(tables, t)
				}
			}
		}
		for _, t := range tables {
			fmt.Fprintf(&b, "---@class %s\n%s = {}\n\n", t, t)
		}
		for _, f := range m.Funcs {
			for _, p := range f.Params {
				if len(p.Fields) > 0 {
					writeClass(&b, f.Name+".args", "Argument table of "+f.Name+".", p.Fields)
				}
			}
			for _, l := range strings.Split(f.Summary, "\n") {
				fmt.Fprintf(&b, "--- %s\n", l)
			}
			if f.Example != "" {
				b.WriteString("---\n--- ```lua\n")
				for _, l := range strings.Split(strings.TrimRight(f.Example, "\n"), "\n") {
					fmt.Fprintf(&b, "--- %s\n", l)
				}
				b.WriteString("--- ```\n")
			}
			names := make([]string, 0, len(f.Params))
			for _, p := range f.Params {
				typ := p.Type
				if len(p.Fields) > 0 {
					typ = f.Name + ".args"
				}
				name := p.Name
				if name == "..." {
					fmt.Fprintf(&b, "---@param ... %s %s\n", typ, p.Desc)
				} else {
					if p.Optional {
						name += "?"
					}
					fmt.Fprintf(&b, "%s\n", strings.TrimRight("---@param "+name+" "+typ+" "+p.Desc, " "))
				}
				names = append(names, p.Name)
			}
			for _, r := range f.Returns {
				fmt.Fprintf(&b, "%s\n", strings.TrimRight("---@return "+r.Type+" "+r.Desc, " "))
			}
			fmt.Fprintf(&b, "function %s(%s) end\n\n", f.Name, strings.Join(names, ", "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeClass(b *strings.Builder, name, desc string, fields []FieldDoc) {
	if desc != "" {
		fmt.Fprintf(b, "--- %s\n", desc)
	}
	fmt.Fprintf(b, "---@class %s\n", name)
	for _, f := range fields {
		n := f.Name
		if !f.Required {
			n += "?"
		}
		fmt.Fprintf(b, "%s\n", strings.TrimRight("---@field "+n+" "+f.Type+" "+f.Desc, " "))
	}
	b.WriteString("\n")
}
