package nfnl

import "github.com/nlsh/nlsh/bindings"

// Doc helpers: f is a field, req a required one, args one argument table.
func f(name, typ, desc string) bindings.FieldDoc {
	return bindings.FieldDoc{Name: name, Type: typ, Desc: desc}
}

func req(name, typ, desc string) bindings.FieldDoc {
	return bindings.FieldDoc{Name: name, Type: typ, Desc: desc, Required: true}
}

func args(optional bool, fields ...bindings.FieldDoc) []bindings.ParamDoc {
	return []bindings.ParamDoc{{Name: "args", Type: "table", Optional: optional, Fields: fields}}
}

func ret(typ, desc string) []bindings.ReturnDoc { return []bindings.ReturnDoc{{Type: typ, Desc: desc}} }

var (
	fFamily    = req("family", "string", "ip, ip6, inet, arp, bridge or netdev")
	fTable     = req("table", "string", "table name")
	fName      = req("name", "string", "")
	fFamilyOpt = f("family", "string", "only this family")
	fTableOpt  = f("table", "string", "only this table (with family)")
)

// funcDoc is one verb's documentation, for the module and for tx.
type funcDoc struct {
	name, summary string
	params        []bindings.ParamDoc
	example       string
}

func verbDocs() []funcDoc {
	chainFields := []bindings.FieldDoc{fFamily, fTable, fName,
		f("type", "string", "filter, nat or route (base chains)"), f("hook", "string", "prerouting, input, forward, output, postrouting, ingress, egress"),
		f("priority", "string|integer", `a number or a name: "filter", "srcnat + 10", "dstnat", ...`),
		f("policy", "string", "accept (default) or drop"), f("dev", "string", "device of a netdev/ingress chain"), f("devices", "string[]", "devices of one hooked to several (instead of dev)"), f("comment", "string", ""),
		f("exist_ok", "boolean", "accepted for symmetry with rtnl: add never fails for an existing chain (it updates it)")}
	ruleFields := []bindings.FieldDoc{fFamily, fTable, req("chain", "string", "chain name"),
		f("rule", "string", `rule text as nft list ruleset prints it: "tcp dport 22 accept"`),
		f("exprs", "table[]", `or raw expressions: {{type = "meta", key = "l4proto", dreg = 1}, ...} (the shape listing gives)`),
		f("comment", "string", ""), f("position", "integer", "handle to add after / insert before")}
	setFields := []bindings.FieldDoc{fFamily, fTable, fName,
		req("type", "string|string[]", `key type: "ipv4_addr", "inet_service", ... or a list for a concatenation`),
		f("map", "string", `value type of a map: "verdict", "ipv4_addr", ...`), f("flags", "string[]", "constant, interval, timeout, dynamic"),
		f("timeout", "integer", "default element timeout in seconds"), f("size", "integer", "most elements the set holds"),
		f("auto_merge", "boolean", "merge adjacent intervals"),
		f("comment", "string", ""), f("elements", "(string|table)[]", `"10.0.0.1", "10.0.0.0/8", "80-443" or {key=, value=, timeout=, comment=}`)}
	elemFields := []bindings.FieldDoc{fFamily, fTable, req("set", "string", "set name"),
		req("elements", "(string|table)[]", `"10.0.0.1" or {key = "10.0.0.1", value = "accept", timeout = 60}`)}
	objFields := []bindings.FieldDoc{fFamily, fTable, fName, req("type", "string", "counter, quota, limit, synproxy, ct helper, ct expectation, ct timeout or secmark"),
		f("comment", "string", ""),
		f("counter", "table", "{packets=, bytes=}"), f("quota", "table", "{bytes=, flags=}"), f("limit", "table", "{rate=, unit=, burst=, type=, flags=}"),
		f("synproxy", "table", "{mss=, wscale=, flags=} (flags: 1 mss, 2 wscale, 4 sack-perm, 8 timestamp)"),
		f("ct_helper", "table", `{type="ftp", protocol="tcp", l3proto=} (l3proto ip, ip6 or inet; the table's family if absent)`),
		f("ct_expectation", "table", "{protocol=, dport=, timeout_ms=, size=, l3proto=}"),
		f("ct_timeout", "table", "{protocol=\"tcp\"|\"udp\", l3proto=, policy={established=600, ...}} (seconds per state)"),
		f("secmark", "table", "{context=} (an SELinux context)")}
	ftFields := []bindings.FieldDoc{fFamily, fTable, fName, f("hook", "string", "ingress"), f("priority", "integer", ""),
		f("devices", "string[]", "devices to offload")}
	return []funcDoc{
		{"table.add", "Creates a table (nft add table; no error if it exists).",
			args(false, fFamily, fName, f("flags", "string[]", `{"dormant"}`), f("comment", "string", ""),
				f("exist_ok", "boolean", "accepted for symmetry with rtnl: add never fails for an existing table")),
			`nfnl.table.add{family = "inet", name = "filter"}`},
		{"table.del", "Deletes a table and everything in it.", args(false, fFamily, fName, f("handle", "integer", "")),
			`nfnl.table.del{family = "inet", name = "filter"}`},
		{"chain.add", "Creates a chain; a base chain with type, hook and priority.", args(false, chainFields...),
			`nfnl.chain.add{family = "inet", table = "filter", name = "input", type = "filter", hook = "input", priority = "filter", policy = "drop"}`},
		{"chain.del", "Deletes an empty chain.", args(false, fFamily, fTable, fName),
			`nfnl.chain.del{family = "inet", table = "filter", name = "input"}`},
		{"chain.flush", "Deletes every rule of a chain.", args(false, fFamily, fTable, fName),
			`nfnl.chain.flush{family = "inet", table = "filter", name = "input"}`},
		{"rule.add", "Appends a rule (after position if given), from text or raw expressions.", args(false, ruleFields...),
			`nfnl.rule.add{family = "inet", table = "filter", chain = "input", rule = "tcp dport 22 accept", comment = "ssh"}`},
		{"rule.insert", "Inserts a rule at the chain's start (before position if given).", args(false, ruleFields...),
			`nfnl.rule.insert{family = "inet", table = "filter", chain = "input", rule = "iifname \"lo\" accept"}`},
		{"rule.replace", "Replaces the rule with handle.", args(false, append(ruleFields[:6:6], req("handle", "integer", "the rule's handle"))...),
			`nfnl.rule.replace{family = "inet", table = "filter", chain = "input", handle = 4, rule = "tcp dport 2222 accept"}`},
		{"rule.del", "Deletes the rule with handle.", args(false, fFamily, fTable, req("chain", "string", ""), req("handle", "integer", "")),
			`nfnl.rule.del{family = "inet", table = "filter", chain = "input", handle = 4}`},
		{"set.add", "Creates a named set or map, with elements.", args(false, setFields...),
			`nfnl.set.add{family = "inet", table = "filter", name = "allowed", type = "ipv4_addr", flags = {"interval"}, elements = {"10.0.0.0/8"}}`},
		{"set.del", "Deletes a set.", args(false, fFamily, fTable, fName),
			`nfnl.set.del{family = "inet", table = "filter", name = "allowed"}`},
		{"element.add", "Adds elements to a set or map.", args(false, elemFields...),
			`nfnl.element.add{family = "inet", table = "filter", set = "allowed", elements = {"192.168.1.0/24"}}`},
		{"element.del", "Deletes elements from a set or map.", args(false, elemFields...),
			`nfnl.element.del{family = "inet", table = "filter", set = "allowed", elements = {"192.168.1.0/24"}}`},
		{"object.add", "Creates a stateful object: counter, quota, limit, synproxy, conntrack helper, expectation or timeout policy, secmark (the others nft makes are listed, and kept on rollback, but not made from Lua).", args(false, objFields...),
			`nfnl.object.add{family = "inet", table = "filter", name = "web", type = "counter"}`},
		{"object.del", "Deletes a stateful object.", args(false, fFamily, fTable, fName, req("type", "string", "")),
			`nfnl.object.del{family = "inet", table = "filter", name = "web", type = "counter"}`},
		{"flowtable.add", "Creates a flowtable.", args(false, ftFields...),
			`nfnl.flowtable.add{family = "inet", table = "filter", name = "ft", priority = 0, devices = {"eth0"}}`},
		{"flowtable.del", "Deletes a flowtable.", args(false, fFamily, fTable, fName),
			`nfnl.flowtable.del{family = "inet", table = "filter", name = "ft"}`},
	}
}

// moduleDoc describes nfnl for help() and the LuaLS annotations.
func moduleDoc() *bindings.ModuleDoc {
	var funcs []bindings.FuncDoc
	lists := []struct{ kind, summary, typ string }{
		{"table", "Lists tables (nft list tables).", "table[]"},
		{"chain", "Lists chains, with nft -j's fields.", "table[]"},
		{"rule", "Lists rules: family, table, chain, handle, text, comment and expr (raw expressions).", "nfnl.Rule[]"},
		{"set", "Lists named sets and maps with their elements.", "table[]"},
		{"element", "Lists the elements of one set.", "table[]"},
		{"object", "Lists stateful objects.", "table[]"},
		{"flowtable", "Lists flowtables.", "table[]"},
	}
	for _, l := range lists {
		fs := []bindings.FieldDoc{fFamilyOpt, fTableOpt}
		switch l.kind {
		case "rule", "chain":
			fs = append(fs, f("chain", "string", "only this chain"))
		case "element":
			fs = []bindings.FieldDoc{fFamily, fTable, req("set", "string", "")}
		}
		funcs = append(funcs, bindings.FuncDoc{Name: "nfnl." + l.kind + ".list", Summary: l.summary,
			Params: args(l.kind != "element", fs...), Returns: ret(l.typ, ""),
			Example: `pp(nfnl.` + l.kind + `.list{family = "inet", table = "filter"` + map[bool]string{true: `, set = "allowed"`}[l.kind == "element"] + `})`})
	}
	for _, v := range verbDocs() {
		funcs = append(funcs, bindings.FuncDoc{Name: "nfnl." + v.name, Summary: v.summary + " One operation, applied at once (a one-op transaction).",
			Params: v.params, Example: v.example})
	}
	funcs = append(funcs,
		bindings.FuncDoc{Name: "nfnl.transaction", Summary: "Runs fn(tx); the operations it queues through tx (tx.table.add, tx.chain.add, tx.rule.add, tx.set.add, tx.element.add, ..., tx.flush()) are sent as one atomic batch when fn returns. Nothing is applied if fn raises or the kernel refuses an operation; the error then names the operation and its rule text.",
			Params: []bindings.ParamDoc{{Name: "fn", Type: "fun(tx: nfnl.Tx)", Desc: "queues operations"}},
			Example: `nfnl.transaction(function(tx)
  tx.table.add{family = "inet", name = "filter"}
  tx.chain.add{family = "inet", table = "filter", name = "input", type = "filter", hook = "input", priority = "filter", policy = "drop"}
  tx.rule.add{family = "inet", table = "filter", chain = "input", rule = "tcp dport 22 accept"}
end)`},
		bindings.FuncDoc{Name: "nfnl.ruleset", Summary: "Lists everything (or one family/table) as plain tables with nft -j's names: {tables=, chains=, sets=, rules=, objects=, flowtables=}.",
			Params: args(true, fFamilyOpt, fTableOpt), Returns: ret("nfnl.Ruleset", ""), Example: `for _, r in ipairs(nfnl.ruleset{family = "inet"}.rules) do print(r.chain, r.text) end`},
		bindings.FuncDoc{Name: "nfnl.text", Summary: "Returns the ruleset (or one family/table) as nft list ruleset prints it.",
			Params: args(true, fFamilyOpt, fTableOpt), Returns: ret("string", ""), Example: `print(nfnl.text{family = "inet", table = "filter"})`},
		bindings.FuncDoc{Name: "nfnl.flush", Summary: "Deletes every table (nft flush ruleset).", Example: `nfnl.flush()`},
		bindings.FuncDoc{Name: "nfnl.generation", Summary: "Returns the ruleset's generation id (it changes with every commit).",
			Returns: ret("integer", ""), Example: `print(nfnl.generation())`},
		bindings.FuncDoc{Name: "nfnl.monitor", Summary: "Follows ruleset changes (nft monitor): to fn (return false to stop) or, without fn, collected and returned; ends after timeout seconds or count events.",
			Params: args(true, f("timeout", "number", "seconds"), f("count", "integer", "stop after this many events"),
				f("fn", "fun(ev: nfnl.Event): boolean?", "called per event")),
			Returns: ret("nfnl.Event[]", "the events, when no fn"),
			Example: `nfnl.monitor{timeout = 10, fn = function(ev) print(ev.action, ev.object) end}`},
		bindings.FuncDoc{Name: "nfnl.open", Summary: "Returns a handle with the same API bound to one namespace (the current one by default).",
			Params: args(true, f("netns", "netns.Target", "namespace")), Returns: ret("nfnl.Handle", ""),
			Example: `local h = nfnl.open{netns = netns.named("blue")}
print(h.text())`},
	)
	return &bindings.ModuleDoc{
		Name:    Name,
		Summary: "nftables over nfnetlink: tables, chains, rules (as nft text or raw expressions), sets, maps, objects; atomic transactions",
		Classes: []bindings.ClassDoc{
			{Name: "nfnl.Rule", Desc: "A listed rule.", Fields: []bindings.FieldDoc{
				req("family", "string", ""), req("table", "string", ""), req("chain", "string", ""), req("handle", "integer", ""),
				f("text", "string", "as nft list ruleset prints it (absent when nlsh cannot print it)"), f("comment", "string", ""),
				req("expr", "table[]", `expressions {type = "meta", key = "l4proto", dreg = 1}; unknown ones {type=, data = "<hex>", raw = true}`)}},
			{Name: "nfnl.Ruleset", Desc: "nfnl.ruleset's result.", Fields: []bindings.FieldDoc{
				req("tables", "table[]", ""), req("chains", "table[]", ""), req("sets", "table[]", ""), req("rules", "nfnl.Rule[]", ""),
				req("objects", "table[]", ""), req("flowtables", "table[]", "")}},
			{Name: "nfnl.Event", Desc: "A ruleset change.", Fields: []bindings.FieldDoc{
				req("action", "string", "add or delete"), req("object", "string", "table, chain, rule, set, element, object, flowtable, generation"),
				f("table", "table", ""), f("chain", "table", ""), f("rule", "nfnl.Rule", ""), f("set", "table", ""), f("elem", "table[]", ""),
				f("generation", "integer", "")}},
			{Name: "nfnl.Tx", Desc: "The transaction nfnl.transaction hands its function: table, chain, rule, set, element, object and flowtable with the same verbs and arguments as the module's (add, del, chain.flush, rule.insert, rule.replace), and flush() for the whole ruleset."},
			{Name: "nfnl.Handle", Desc: "nfnl.open's handle: the module's functions bound to one namespace.",
				Fields: []bindings.FieldDoc{req("netns", "netns.Target", "the namespace")}},
		},
		Funcs: funcs,
	}
}
