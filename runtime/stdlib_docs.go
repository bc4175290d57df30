package runtime

import "github.com/nlsh/nlsh/bindings"

// stdlibDocs describe the embedded Lua modules for help() and LuaLS,
// built when a doc is first read.
func stdlibDocs() map[string]*bindings.ModuleDoc {
	return map[string]*bindings.ModuleDoc{
		"pp": {
			Name:    "pp",
			Summary: "pretty printer: sorted keys, compact lists, nested tables indented (pp(v) prints)",
			Funcs: []bindings.FuncDoc{
				{Name: "pp.format", Summary: "The pretty text of v, stable across runs.",
					Params:  []bindings.ParamDoc{{Name: "v", Type: "any", Desc: "any value"}},
					Returns: []bindings.ReturnDoc{{Type: "string", Desc: ""}},
					Example: "print(pp.format{mtu = 1500, ifname = \"eth0\"})\n--> { ifname = \"eth0\", mtu = 1500 }"},
			},
		},
		"ensure": {
			Name:    "ensure",
			Summary: "declarative, idempotent setup: bring a link, its addresses and routes to a desired state",
			Classes: []bindings.ClassDoc{{Name: "ensure.Change", Desc: "One change ensure made.", Fields: []bindings.FieldDoc{
				{Name: "op", Type: "string", Desc: "\"link.add\", \"link.set\", \"addr.add\", \"addr.del\", \"route.add\", \"route.del\"", Required: true},
				{Name: "object", Type: "string", Desc: "what changed", Required: true},
			}}},
			Funcs: []bindings.FuncDoc{
				{Name: "ensure.link", Summary: "Make the link exist with the given settings, exactly the given addresses (when addrs is set) and routes; change only the difference. Returns the changes made (empty when already in shape).",
					Params: []bindings.ParamDoc{{Name: "spec", Fields: []bindings.FieldDoc{
						{Name: "ifname", Type: "string", Desc: "interface name", Required: true},
						{Name: "kind", Type: "string", Desc: "link kind for creation (dummy, bridge, veth, ...)"},
						{Name: "peer", Type: "table", Desc: "veth peer, as rtnl.link.add takes it"},
						{Name: "mtu", Type: "integer", Desc: "MTU"},
						{Name: "address", Type: "string", Desc: "MAC address"},
						{Name: "master", Type: "string", Desc: "bridge or bond to enslave to"},
						{Name: "up", Type: "boolean", Desc: "administrative state"},
						{Name: "addrs", Type: "string[]", Desc: "the link's addresses, \"10.0.0.2/24\"; others are removed (link-local IPv6 kept)"},
						{Name: "routes", Type: "table[]", Desc: "routes via this link: {dst=, gateway=, metric=, table=}"},
						{Name: "netns", Type: "netns.Target", Desc: "where the link lives"},
					}}},
					Returns: []bindings.ReturnDoc{{Type: "ensure.Change[]", Desc: "what was changed"}},
					Example: "ensure.link{ifname = \"br0\", kind = \"bridge\", up = true,\n            addrs = {\"10.10.0.1/24\"}}"},
				{Name: "ensure.absent", Summary: "Make sure the link does not exist.",
					Params:  []bindings.ParamDoc{{Name: "spec", Fields: []bindings.FieldDoc{{Name: "ifname", Type: "string", Desc: "interface name", Required: true}, {Name: "netns", Type: "netns.Target", Desc: "where"}}}},
					Returns: []bindings.ReturnDoc{{Type: "ensure.Change[]", Desc: "what was changed"}},
					Example: "ensure.absent{ifname = \"veth-old\"}"},
			},
		},
	}
}
