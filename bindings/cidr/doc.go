package cidr

import "github.com/nlsh/nlsh/bindings"

func doc() *bindings.ModuleDoc {
	p := func(name, typ, desc string) bindings.ParamDoc {
		return bindings.ParamDoc{Name: name, Type: typ, Desc: desc}
	}
	r := func(typ, desc string) []bindings.ReturnDoc { return []bindings.ReturnDoc{{Type: typ, Desc: desc}} }
	pre := p("prefix", "string", "an address with prefix, \"10.0.0.0/24\"")
	return &bindings.ModuleDoc{
		Name:    "cidr",
		Summary: "IPv4/IPv6 address and prefix arithmetic",
		Funcs: []bindings.FuncDoc{
			{Name: "cidr.host", Summary: "The n-th address of a prefix; negative n counts from the end (-1 is the last).",
				Params: []bindings.ParamDoc{pre, p("n", "integer", "host number")}, Returns: r("string", "an address"),
				Example: "cidr.host(\"10.0.0.0/24\", 2)  --> \"10.0.0.2\""},
			{Name: "cidr.contains", Summary: "Whether an address or prefix lies inside a prefix.",
				Params: []bindings.ParamDoc{pre, p("x", "string", "an address or prefix")}, Returns: r("boolean", ""),
				Example: "cidr.contains(\"10.0.0.0/8\", \"10.1.2.3\")  --> true"},
			{Name: "cidr.network", Summary: "The prefix with its host bits cleared.",
				Params: []bindings.ParamDoc{pre}, Returns: r("string", "a prefix"),
				Example: "cidr.network(\"10.0.0.7/24\")  --> \"10.0.0.0/24\""},
			{Name: "cidr.broadcast", Summary: "The last address of a prefix (the IPv4 broadcast).",
				Params: []bindings.ParamDoc{pre}, Returns: r("string", "an address"),
				Example: "cidr.broadcast(\"10.0.0.0/24\")  --> \"10.0.0.255\""},
			{Name: "cidr.prefixlen", Summary: "The prefix length.",
				Params: []bindings.ParamDoc{pre}, Returns: r("integer", ""), Example: "cidr.prefixlen(\"10.0.0.2/24\")  --> 24"},
			{Name: "cidr.addr", Summary: "The address part of an address with prefix.",
				Params: []bindings.ParamDoc{pre}, Returns: r("string", "an address"), Example: "cidr.addr(\"10.0.0.2/24\")  --> \"10.0.0.2\""},
			{Name: "cidr.subnet", Summary: "The num-th subnet of a prefix lengthened by newbits.",
				Params:  []bindings.ParamDoc{pre, p("newbits", "integer", "bits to add to the prefix length"), p("num", "integer", "subnet number")},
				Returns: r("string", "a prefix"), Example: "cidr.subnet(\"10.0.0.0/16\", 8, 3)  --> \"10.0.3.0/24\""},
			{Name: "cidr.netmask", Summary: "The netmask of a prefix as an address.",
				Params: []bindings.ParamDoc{pre}, Returns: r("string", "a mask"), Example: "cidr.netmask(\"10.0.0.0/24\")  --> \"255.255.255.0\""},
			{Name: "cidr.family", Summary: "4 or 6.",
				Params: []bindings.ParamDoc{p("x", "string", "an address or prefix")}, Returns: r("integer", ""), Example: "cidr.family(\"fe80::1\")  --> 6"},
			{Name: "cidr.size", Summary: "The number of addresses in a prefix (a float beyond 2^53).",
				Params: []bindings.ParamDoc{pre}, Returns: r("number", ""), Example: "cidr.size(\"10.0.0.0/24\")  --> 256"},
		},
	}
}
