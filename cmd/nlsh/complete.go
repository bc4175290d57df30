package main

import (
	"context"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/runtime"
)

// completer completes REPL input: global, module, function and field names
// by walking Lua tables (`rtnl.li<TAB>` -> `rtnl.link`), and inside a
// string literal interface names from the completion hooks modules
// register (falling back to /sys/class/net in the host namespace).
type completer struct {
	rt *runtime.Runtime
	mu *sync.Mutex // held while the REPL goroutine uses rt
}

// Do implements readline.AutoCompleter: candidates are returned as the
// text that follows what was typed, length is how much was typed.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	text := string(line[:pos])
	var cands []string
	var word string
	if q, inString := openQuote(text); inString {
		word = text[q+1:]
		cands = c.names(text[:q], word)
	} else {
		word = trailingWord(text)
		c.mu.Lock()
		cands = c.fields(word)
		c.mu.Unlock()
	}
	prefix := word
	if i := strings.LastIndexAny(word, ".:"); i >= 0 && !strings.ContainsAny(text[len(text)-len(word):], "\"'") {
		prefix = word[i+1:]
	}
	if _, inString := openQuote(text); inString {
		prefix = word
	}
	out := make([][]rune, 0, len(cands))
	for _, s := range cands {
		out = append(out, []rune(strings.TrimPrefix(s, prefix)))
	}
	return out, len([]rune(prefix))
}

// openQuote reports whether text ends inside a string literal and where
// its opening quote is.
func openQuote(text string) (int, bool) {
	var quote byte
	start := -1
	for i := 0; i < len(text); i++ {
		ch := text[i]
		switch {
		case quote != 0 && ch == '\\':
			i++
		case quote != 0 && ch == quote:
			quote = 0
		case quote == 0 && (ch == '"' || ch == '\''):
			quote, start = ch, i
		}
	}
	return start, quote != 0
}

// trailingWord is the dotted name the cursor ends, such as "rtnl.li".
func trailingWord(text string) string {
	i := len(text)
	for i > 0 {
		ch := text[i-1]
		if ch == '_' || ch == '.' || ch == ':' || ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' {
			i--
			continue
		}
		break
	}
	return text[i:]
}

// fields returns the full last components matching word's last component,
// from the table word's earlier components name.
func (c *completer) fields(word string) []string {
	L := c.rt.LState()
	sep := strings.LastIndexAny(word, ".:")
	var base lua.LValue = L.G.Global
	partial := word
	if sep >= 0 {
		partial = word[sep+1:]
		for _, part := range strings.FieldsFunc(word[:sep], func(r rune) bool { return r == '.' || r == ':' }) {
			base = c.index(L, base, part)
			if base == lua.LNil {
				return nil
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if strings.HasPrefix(k, partial) && !seen[k] && isIdent(k) {
			seen[k] = true
			out = append(out, k)
		}
	}
	collect := func(t *lua.LTable) {
		bindings.EachField(t, func(k, _ lua.LValue) {
			if s, ok := k.(lua.LString); ok {
				add(string(s))
			}
		})
	}
	switch b := base.(type) {
	case *lua.LTable:
		collect(b)
		if b == L.G.Global {
			for _, n := range c.rt.Modules().Names() {
				add(n)
			}
		}
	case *lua.LUserData:
		if mt, ok := b.Metatable.(*lua.LTable); ok {
			if idx, ok := mt.RawGetString("__index").(*lua.LTable); ok {
				collect(idx)
			}
		}
	}
	sort.Strings(out)
	return out
}

// index reads base[key]; a module not loaded yet is required (cheaply,
// once) so its functions complete.
func (c *completer) index(L *lua.LState, base lua.LValue, key string) lua.LValue {
	t, ok := base.(*lua.LTable)
	if !ok {
		return lua.LNil
	}
	v := t.RawGetString(key)
	if v == lua.LNil && t == L.G.Global {
		if _, ok := c.rt.Modules().Get(key); ok {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if res, err := c.rt.Call(ctx, L.GetGlobal("require"), lua.LString(key)); err == nil && len(res) > 0 {
				L.G.Global.RawSetString(key, res[0])
				v = res[0]
			}
		}
	}
	return v
}

// names completes inside a string: named namespaces after netns.named( or
// name:, interface names otherwise.
func (c *completer) names(before, word string) []string {
	env := c.rt.Env()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	b := strings.TrimRight(before, " \t(")
	if strings.HasSuffix(b, "netns.named") || strings.HasSuffix(b, "netns.del") {
		return env.Completers.Complete(ctx, env, bindings.CompleteNetns, word)
	}
	if env.Completers.Has(bindings.CompleteIfname) {
		return env.Completers.Complete(ctx, env, bindings.CompleteIfname, word)
	}
	if !env.Netns().IsHost() {
		return nil
	}
	ents, _ := os.ReadDir("/sys/class/net")
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), word) {
			out = append(out, e.Name())
		}
	}
	return out
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, ch := range s {
		if !(ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || i > 0 && ch >= '0' && ch <= '9') {
			return false
		}
	}
	return true
}
