package bindings

import (
	"context"
	"sort"
	"strings"
)

// Completion kinds a module can provide hooks for.
const (
	// CompleteIfname completes interface names in the current namespace.
	CompleteIfname = "ifname"
	// CompleteNetns completes named namespaces.
	CompleteNetns = "netns"
)

// CompleteFunc returns candidates of one kind that start with prefix. It
// runs on the REPL's goroutine and must not touch the LState; it gets the
// Env to find the current namespace.
type CompleteFunc func(ctx context.Context, env *Env, prefix string) []string

// Completers is the registry of completion hooks by kind.
type Completers struct {
	hooks map[string][]CompleteFunc
}

// Register adds a hook for kind. Hooks registered later are asked first.
func (c *Completers) Register(kind string, f CompleteFunc) {
	if c.hooks == nil {
		c.hooks = map[string][]CompleteFunc{}
	}
	c.hooks[kind] = append([]CompleteFunc{f}, c.hooks[kind]...)
}

// Has reports whether any hook of kind exists.
func (c *Completers) Has(kind string) bool { return len(c.hooks[kind]) > 0 }

// Complete asks the hooks of kind in turn and returns the first non-empty
// answer, sorted and without duplicates.
func (c *Completers) Complete(ctx context.Context, env *Env, kind, prefix string) []string {
	for _, f := range c.hooks[kind] {
		got := f(ctx, env, prefix)
		if len(got) == 0 {
			continue
		}
		seen := map[string]bool{}
		var out []string
		for _, s := range got {
			if strings.HasPrefix(s, prefix) && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
		sort.Strings(out)
		if len(out) > 0 {
			return out
		}
	}
	return nil
}
