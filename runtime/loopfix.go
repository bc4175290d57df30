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
//
// The same compiler also loses a generic for's explist that indexes a
// call's result first — `for r in require("rtnl").route.each{} do`
// raised "attempt to index a non-table object(nil)" — while a local
// assignment of the same list compiles right. So every generic for is
// also rewritten as
//
//	do local (for f), (for s), (for c) = explist
//	   for names in (for f), (for s), (for c) do body end end
//
// which Lua defines as the same thing (the list is evaluated once and
// adjusted to three values either way).

// loopGuard is the name of the guard local: not an identifier, so no
// script can refer to it.
const loopGuard = "(nlsh loop guard)"

// guardLoops walks the chunk (statements, expressions, function bodies)
// and guards every generic for, while and repeat body. It walks gopher-lua's
// node types directly; a node of a type it does not know (a later
// gopher-lua's) is walked by reflection, field by field, which finds the
// same loops at some 50 times the cost (60 µs for a ten-line script).
func guardLoops(chunk []ast.Stmt) {
	guardStmts(chunk)
}

// guardStmts guards the loops in a block, hoisting each generic for's
// explist into a do block of its own (in place, in the slice).
func guardStmts(stmts []ast.Stmt) {
	for i, st := range stmts {
		if f, ok := st.(*ast.GenericForStmt); ok && !hoisted(f) {
			stmts[i] = hoist(f)
		}
		guardStmt(stmts[i])
	}
}

func guardStmt(st ast.Stmt) {
	switch st := st.(type) {
	case nil, *ast.BreakStmt, *ast.LabelStmt, *ast.GotoStmt:
	case *ast.AssignStmt:
		guardExprs(st.Lhs)
		guardExprs(st.Rhs)
	case *ast.LocalAssignStmt:
		guardExprs(st.Exprs)
	case *ast.FuncCallStmt:
		guardExpr(st.Expr)
	case *ast.DoBlockStmt:
		guardStmts(st.Stmts)
	case *ast.WhileStmt:
		guardExpr(st.Condition)
		st.Stmts = guarded(st.Stmts, st.Line())
		guardStmts(st.Stmts)
	case *ast.RepeatStmt:
		st.Stmts = guarded(st.Stmts, st.Line())
		guardStmts(st.Stmts)
		guardExpr(st.Condition)
	case *ast.IfStmt:
		guardExpr(st.Condition)
		guardStmts(st.Then)
		guardStmts(st.Else)
	case *ast.NumberForStmt:
		guardExpr(st.Init)
		guardExpr(st.Limit)
		guardExpr(st.Step)
		guardStmts(st.Stmts)
	case *ast.GenericForStmt:
		st.Stmts = guarded(st.Stmts, st.Line())
		guardExprs(st.Exprs)
		guardStmts(st.Stmts)
	case *ast.FuncDefStmt:
		if st.Name != nil {
			guardExpr(st.Name.Func)
			guardExpr(st.Name.Receiver)
		}
		if st.Func != nil {
			guardStmts(st.Func.Stmts)
		}
	case *ast.ReturnStmt:
		guardExprs(st.Exprs)
	default:
		guardValue(reflect.ValueOf(st))
	}
}

func guardExprs(es []ast.Expr) {
	for _, e := range es {
		guardExpr(e)
	}
}

func guardExpr(e ast.Expr) {
	switch e := e.(type) {
	case nil, *ast.TrueExpr, *ast.FalseExpr, *ast.NilExpr, *ast.NumberExpr,
		*ast.StringExpr, *ast.Comma3Expr, *ast.IdentExpr:
	case *ast.AttrGetExpr:
		guardExpr(e.Object)
		guardExpr(e.Key)
	case *ast.TableExpr:
		for _, f := range e.Fields {
			if f != nil {
				guardExpr(f.Key)
				guardExpr(f.Value)
			}
		}
	case *ast.FuncCallExpr:
		guardExpr(e.Func)
		guardExpr(e.Receiver)
		guardExprs(e.Args)
	case *ast.LogicalOpExpr:
		guardExpr(e.Lhs)
		guardExpr(e.Rhs)
	case *ast.RelationalOpExpr:
		guardExpr(e.Lhs)
		guardExpr(e.Rhs)
	case *ast.StringConcatOpExpr:
		guardExpr(e.Lhs)
		guardExpr(e.Rhs)
	case *ast.ArithmeticOpExpr:
		guardExpr(e.Lhs)
		guardExpr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		guardExpr(e.Expr)
	case *ast.UnaryNotOpExpr:
		guardExpr(e.Expr)
	case *ast.UnaryLenOpExpr:
		guardExpr(e.Expr)
	case *ast.FunctionExpr:
		guardStmts(e.Stmts)
	default:
		guardValue(reflect.ValueOf(e))
	}
}

// guardValue is the walk by reflection, for nodes guardStmt and guardExpr
// do not know: every exported field, every element, every pointer.
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
			if st, ok := v.Index(i).Interface().(*ast.GenericForStmt); ok && !hoisted(st) {
				v.Index(i).Set(reflect.ValueOf(hoist(st)))
			}
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

// forState are the names of the hidden locals a generic for's explist is
// evaluated into: not identifiers, so no script can refer to them.
var forState = [3]string{"(nlsh for f)", "(nlsh for s)", "(nlsh for c)"}

// hoisted says whether st's explist is already the hidden locals.
func hoisted(st *ast.GenericForStmt) bool {
	if len(st.Exprs) != len(forState) {
		return false
	}
	id, ok := st.Exprs[0].(*ast.IdentExpr)
	return ok && id.Value == forState[0]
}

// hoist returns the do block that evaluates st's explist into the hidden
// locals, then runs st over them.
func hoist(st *ast.GenericForStmt) ast.Stmt {
	line, last := st.Line(), st.LastLine()
	local := &ast.LocalAssignStmt{Names: forState[:], Exprs: st.Exprs}
	local.SetLine(line)
	local.SetLastLine(line)
	exprs := make([]ast.Expr, len(forState))
	for i, name := range forState {
		id := &ast.IdentExpr{Value: name}
		id.SetLine(line)
		id.SetLastLine(line)
		exprs[i] = id
	}
	st.Exprs = exprs
	block := &ast.DoBlockStmt{Stmts: []ast.Stmt{local, st}}
	block.SetLine(line)
	block.SetLastLine(last)
	return block
}
