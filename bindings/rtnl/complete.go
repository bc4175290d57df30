package rtnl

import (
	"context"
	"strings"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/rtnl"
)

// completers are the REPL completion hooks: interface names of the
// current namespace, read live with a link dump on a connection of its
// own (the hook runs outside the LState; it touches only the Env).
func completers() map[string]bindings.CompleteFunc {
	return map[string]bindings.CompleteFunc{
		bindings.CompleteIfname: func(ctx context.Context, env *bindings.Env, prefix string) []string {
			cl, err := rtnl.Dial(&socket.Config{NetNS: env.Netns()})
			if err != nil {
				return nil
			}
			defer cl.Close()
			var out []string
			cl.EachLink(ctx, rtnl.LinkFilter{NoStats: true}, func(l *rtnl.Link) error {
				if strings.HasPrefix(l.Name, prefix) {
					out = append(out, l.Name)
				}
				return nil
			})
			return out
		},
	}
}
