package runtime

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// everyNode has a loop whose body starts with a jump in every place a
// statement list can sit: function bodies in table fields and keys, call
// arguments, operands of every operator, conditions, method definitions,
// nested blocks, a generic for's explist.
const everyNode = `
local t = {f = function() for _ in pairs{} do break end end,
  [function() while true do break end end] = 1,
  (function() repeat break until true end)()}
a.b[function() for i = 1, 2 do for _ in x do break end end end] =
  -#(function() end) .. tostring(not (function() end))
if (function() for _ in x do break end end)() then
  while c do break end
elseif d then
  repeat do break end until e
else
  for k, v in pairs(require("m").x) do break end
end
function a.b:c(...) for _ in f do break end return function() while x do break end end end
local function g(...) return ... end
do for _ in f do do break end end end
goto l
::l::
x = 1 + (function() for _ in y do break end end)() * 2 - 3 / 4 % 5 ^ 6 == 7 and 8 or 9 < 10
for i = (function() for _ in z do break end end)(), 2, 3 do for _ in w do break end end
t:m(function() repeat break until x end, {x = {y = function() while 1 do break end end}})
return (function() for _ in pairs{1} do break end end)
`

// guardLoops walks gopher-lua's node types directly; on every Lua file of
// the repository and on everyNode it rewrites exactly what the walk by
// reflection (guardValue, which visits every field) does.
func TestGuardLoopsSameAsReflection(t *testing.T) {
	sources := map[string]string{"everyNode": everyNode}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".lua") {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sources[path] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) < 20 {
		t.Fatalf("only %d Lua sources found", len(sources))
	}
	compared := 0
	for name, src := range sources {
		typed, err := parse.Parse(strings.NewReader(src), name)
		if err != nil {
			continue // testdata of syntax errors
		}
		byReflection, _ := parse.Parse(strings.NewReader(src), name)
		guardLoops(typed)
		guardValue(reflect.ValueOf(byReflection))
		if !reflect.DeepEqual(typed, byReflection) {
			t.Errorf("%s: the typed walk rewrote the chunk differently from the walk by reflection", name)
		}
		compared++
	}
	// everyNode's while, repeat and generic for loops are all guarded.
	want := len(regexp.MustCompile(`\bwhile\b|\brepeat\b|\bfor [\w, ]+ in\b`).FindAllString(everyNode, -1))
	chunk, err := parse.Parse(strings.NewReader(everyNode), "everyNode")
	if err != nil {
		t.Fatal(err)
	}
	guardLoops(chunk)
	if n := countGuards(reflect.ValueOf(chunk)); n != want || want < 15 {
		t.Errorf("everyNode has %d guarded loops, want %d", n, want)
	}
	t.Logf("%d chunks compared", compared)
}

// countGuards counts the guard statements in a tree.
func countGuards(v reflect.Value) int {
	n := 0
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		if la, ok := v.Interface().(*ast.LocalAssignStmt); ok && v.Kind() == reflect.Pointer && len(la.Names) == 1 && la.Names[0] == loopGuard {
			n++
		}
		n += countGuards(v.Elem())
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			n += countGuards(v.Index(i))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				n += countGuards(v.Field(i))
			}
		}
	}
	return n
}

// The typed walk against the walk by reflection, on everyNode.
func BenchmarkGuardLoops(b *testing.B) {
	for _, c := range []struct {
		name string
		walk func([]ast.Stmt)
	}{
		{"typed", guardLoops},
		{"reflection", func(chunk []ast.Stmt) { guardValue(reflect.ValueOf(chunk)) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				chunk, err := parse.Parse(strings.NewReader(everyNode), "everyNode")
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				c.walk(chunk)
			}
		})
	}
}
