package genl

import "testing"

// Every family schema a connection registers builds (they are built on
// first use, so a bad row would otherwise panic in a user's call), is
// named as its entry, has commands, and is the same value every time.
func TestFamilySchemasBuild(t *testing.T) {
	n := newFamilyNames()
	for _, f := range schemas {
		s := f.schema()
		if s == nil || s.Name != f.name || len(s.Commands) == 0 {
			t.Fatalf("%s: schema %+v", f.name, s)
		}
		if f.schema() != s {
			t.Errorf("%s: a second call builds another schema", f.name)
		}
		if n.byFam[f.name] == nil || n.byFam[f.name]() != s {
			t.Errorf("%s: the trace's family table has another schema", f.name)
		}
		for _, c := range s.Commands {
			if s.RequestAttrs(c.Cmd) == nil {
				t.Errorf("%s %s: no attribute schema", f.name, c.Name)
			}
		}
	}
}
