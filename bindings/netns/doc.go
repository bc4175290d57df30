package netns

import "github.com/nlsh/nlsh/bindings"

func doc() *bindings.ModuleDoc {
	target := []bindings.ReturnDoc{{Type: "netns.Target", Desc: "a namespace target"}}
	return &bindings.ModuleDoc{
		Name:    "netns",
		Summary: "network namespace targets; netns.run(target, fn) sends fn's netlink calls there",
		Classes: []bindings.ClassDoc{{
			Name: "netns.Target",
			Desc: "A network namespace. tostring gives \"host\", \"pid:N\", \"pidfd:N\", \"name:NAME\" or a path.",
			Fields: []bindings.FieldDoc{
				{Name: "kind", Type: "\"host\"|\"pid\"|\"pidfd\"|\"named\"|\"path\"|\"fd\"", Desc: "how the target names its namespace", Required: true},
				{Name: "name", Type: "string", Desc: "the name of a named target"},
				{Name: "pid", Type: "integer", Desc: "the process of a pid or pidfd target"},
			},
		}},
		Funcs: []bindings.FuncDoc{
			{Name: "netns.host", Summary: "The namespace nlsh started in.", Returns: target, Example: "netns.run(netns.host(), function() ... end)"},
			{Name: "netns.pid", Summary: "The namespace of process pid (/proc/PID/ns/net).",
				Params: []bindings.ParamDoc{{Name: "pid", Type: "integer", Desc: "a process id"}}, Returns: target,
				Example: "local ns = netns.pid(4242)"},
			{Name: "netns.pidfd", Summary: "The namespace of process pid, pinned now by a pidfd so a reused pid cannot redirect it.",
				Params: []bindings.ParamDoc{{Name: "pid", Type: "integer", Desc: "a process id"}}, Returns: target,
				Example: "local ns = netns.pidfd(container.pid)"},
			{Name: "netns.named", Summary: "A namespace made by `ip netns add NAME` (/run/netns/NAME).",
				Params: []bindings.ParamDoc{{Name: "name", Type: "string", Desc: "the namespace name"}}, Returns: target,
				Example: "local blue = netns.named(\"blue\")"},
			{Name: "netns.path", Summary: "A namespace file, such as /proc/N/ns/net or a bind mount.",
				Params: []bindings.ParamDoc{{Name: "path", Type: "string", Desc: "the namespace file"}}, Returns: target,
				Example: "local ns = netns.path(\"/var/run/netns/cni-1234\")"},
			{Name: "netns.parse", Summary: "A target as the CLI spells it: host, pid:N, pidfd:N, name:NAME, fd:N or a path.",
				Params: []bindings.ParamDoc{{Name: "spec", Type: "string", Desc: "the target text"}}, Returns: target,
				Example: "local ns = netns.parse(\"name:blue\")"},
			{Name: "netns.current", Summary: "The namespace netlink calls go to right now (inside netns.run, its target).", Returns: target,
				Example: "print(netns.current())"},
			{Name: "netns.add", Summary: "Create a named namespace, as `ip netns add NAME` does.",
				Params: []bindings.ParamDoc{{Name: "name", Type: "string", Desc: "the new namespace's name"}}, Returns: target,
				Example: "local blue = netns.add(\"blue\")"},
			{Name: "netns.del", Summary: "Delete a named namespace, as `ip netns del NAME` does.",
				Params:  []bindings.ParamDoc{{Name: "name", Type: "string", Desc: "the namespace's name"}},
				Example: "netns.del(\"blue\")"},
			{Name: "netns.list", Summary: "The named namespaces (/run/netns), as `ip netns list` shows them.",
				Returns: []bindings.ReturnDoc{{Type: "string[]", Desc: "names"}}, Example: "for _, n in ipairs(netns.list()) do print(n) end"},
			{Name: "netns.id", Summary: "An identifier of the target's namespace (its inode number); equal ids mean the same namespace.",
				Params:  []bindings.ParamDoc{{Name: "target", Type: "netns.Target|string", Desc: "a target"}},
				Returns: []bindings.ReturnDoc{{Type: "integer", Desc: "the namespace inode"}}, Example: "print(netns.id(netns.host()))"},
			{Name: "netns.run", Summary: "Call fn(...) with every netlink call inside it going to target; the previous namespace comes back even when fn raises.",
				Params: []bindings.ParamDoc{
					{Name: "target", Type: "netns.Target|string", Desc: "where fn's calls go"},
					{Name: "fn", Type: "fun(...):any", Desc: "the function to run"},
					{Name: "...", Type: "any", Desc: "arguments for fn"},
				},
				Returns: []bindings.ReturnDoc{{Type: "any", Desc: "fn's results"}},
				Example: "netns.run(netns.pid(pid), function()\n  rtnl.addr.add{dev = \"eth0\", address = \"10.0.0.2/24\"}\nend)"},
		},
	}
}
