package runtime

import (
	"reflect"

	"github.com/yuin/gopher-lua/ast"
)

// gopher-lua's compiler (v1.1.2) folds a jump to a jump into one, reading
// the second jump's operand as a label; a backward jump (a loop's return
// to its start) can land on a jump already resolved to an offset, and the
// offset read as a label sends the loop somewhere else. It shows when a
// generic for, while or repeat loop's body starts with a jump — its body
// only `break`, or `do break end` —: the outer loop is left too:
//
//	for k = 1, 2 do for _ in pairs{1} do break end print(k) end  -- printed nothing
//
// guardLoops gives every such loop body a first statement that is not a
// jump (a local no script can name, set to nil), so the loop's backward
// jump never lands on one. It costs one register load per iteration.

// loopGuard is the name of the guard local: not an identifier, so no
// script can refer to it.
const loopGuard = "(nlsh loop guard)"

// guardLoops walks the chunk (statements, expressions, function bodies)
// and guards every generic for, while and repeat body.
func guardLoops(chunk []ast.Stmt) {
	for _, st := range chunk {
		guardValue(reflect.ValueOf(st))
	}
}

func guardValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		switch st := v.Interface().(type) {
		case *ast.GenericForStmt:
			st.Stmts = guarded(st.Stmts, st.Line())
		case *ast.WhileStmt:
			st.Stmts = guarded(st.Stmts, st.Line())
		case *ast.RepeatStmt:
			st.Stmts = guarded(st.Stmts, st.Line())
		}
		guardValue(v.Elem())
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			guardValue(v.Index(i))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				guardValue(v.Field(i))
			}
		}
	}
}

// guarded returns body with the guard statement first (once).
func guarded(body []ast.Stmt, line int) []ast.Stmt {
	if len(body) > 0 {
		if la, ok := body[0].(*ast.LocalAssignStmt); ok && len(la.Names) == 1 && la.Names[0] == loopGuard {
			return body
		}
	}
	g := &ast.LocalAssignStmt{Names: []string{loopGuard}}
	g.SetLine(line)
	g.SetLastLine(line)
	return append([]ast.Stmt{g}, body...)
}
