package rtnl

import "github.com/nlsh/nlsh/bindings"

// Doc helpers: f is a field, args one argument table.
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
	fExistOK = f("exist_ok", "boolean", "succeed when an equal object exists already")
	fDev     = req("dev", "string", "device name")
	fTable   = f("table", "string|integer", `routing table by name or number ("main" by default)`)
)

// moduleDoc describes rtnl for help() and the LuaLS annotations.
func moduleDoc() *bindings.ModuleDoc {
	routeFields := []bindings.FieldDoc{
		f("dst", "string", `"default", a prefix "10.1.0.0/16" or an address`),
		f("gateway", "string", "next hop address"), f("via", "string", "next hop of the other family"),
		f("dev", "string", "output device"), fTable,
		f("metric", "integer", "route priority"), f("tos", "integer", "type of service"),
		f("type", "string", "unicast, local, blackhole, unreachable, prohibit, throw, ..."),
		f("protocol", "string", `who installed it ("static", "boot", a number)`),
		f("scope", "string", "global, link, host, ..."), f("prefsrc", "string", "preferred source address"),
		f("from", "string", "source prefix (IPv6 source routing)"), f("family", "string", "inet or inet6"),
		f("flags", "string[]", `{"onlink"}`), f("onlink", "boolean", "the gateway is on the link"),
		f("pref", "string", "IPv6 router preference"), f("mtu", "integer", "path MTU metric"),
		f("metrics", "table<string,integer>", "RTA_METRICS by ip's names"),
		f("nexthops", "table[]", "multipath: {{gateway=, dev=, weight=}, ...}"),
	}
	addrFields := []bindings.FieldDoc{
		fDev, req("address", "string", `address with prefix "10.0.0.2/24"`),
		f("peer", "string", "point-to-point peer prefix"), f("broadcast", "string", `address, or "+" to compute it`),
		f("label", "string", "IPv4 label"), f("scope", "string", "global, site, link, host"),
		f("valid_life_time", "integer", "seconds (default forever)"), f("preferred_life_time", "integer", "seconds"),
		f("flags", "string[]", `{"nodad", "noprefixroute", ...}`), f("metric", "integer", "prefix route metric"),
	}
	neighFields := []bindings.FieldDoc{
		req("dst", "string", "neighbour address"), fDev, f("lladdr", "string", "link-layer address"),
		f("state", "string[]", `{"PERMANENT"}, {"REACHABLE"}, ... (case-insensitive)`), f("router", "boolean", "is a router"),
		f("proxy", "boolean", "proxy entry"), f("flags", "string[]", "NTF_* flags by name"),
	}
	ruleFields := []bindings.FieldDoc{
		f("priority", "integer", "rule priority (preference)"), f("src", "string", "source prefix"),
		f("dst", "string", "destination prefix"), fTable, f("iif", "string", "input device"),
		f("oif", "string", "output device"), f("fwmark", "integer", "firewall mark"), f("fwmask", "integer", "mark mask"),
		f("tos", "integer", "type of service"), f("not", "boolean", "invert the match"),
		f("action", "string", "to_tbl, goto, nop, blackhole, unreachable, prohibit"), f("goto", "integer", "rule to jump to"),
		f("suppress_prefixlen", "integer", "reject routes with this prefix or shorter"),
		f("protocol", "string", "who installed it"), f("family", "string", "inet or inet6 (when no prefix tells)"),
		f("ipproto", "string", "IP protocol: tcp, udp, icmp, ipv6-icmp, ... or a number"),
		f("sport", "integer", "source port"), f("sport_start", "integer", "source port range, with sport_end"), f("sport_end", "integer", ""),
		f("dport", "integer", "destination port"), f("dport_start", "integer", "destination port range, with dport_end"), f("dport_end", "integer", ""),
		f("uid_start", "integer", "uid range of the socket's owner, with uid_end"), f("uid_end", "integer", ""),
		f("l3mdev", "boolean", "use the table of the packet's VRF"),
	}
	linkSpec := []bindings.FieldDoc{
		req("ifname", "string", "name: 1 to 15 bytes, none of / : % white space NUL (% makes a kernel template)"), req("kind", "string", "veth, bridge, vxlan, vlan, macvlan, ... any kind by name"),
		f("mtu", "integer", "68..65536"), f("address", "string", "MAC address"), f("txqlen", "integer", "queue length"),
		f("ifalias", "string", "alias"), f("group", "integer", "device group"), f("up", "boolean", "bring it up"),
		f("master", "string", "bridge/bond/vrf to enslave it to"), f("link", "string", "lower device (vlan, macvlan)"),
		f("netns", "netns.Target", "create it in that namespace"),
		f("info_data", "table", "kind options by ip -j names and shapes ({vlan_filtering=1}, {id=100}, vxlan {port_range={low=, high=}}, vlan {flags={\"REORDER_HDR\"}}, ...)"),
		f("peer", "table", "veth peer: {ifname=, netns=, address=, mtu=, txqlen=}"), fExistOK,
	}
	withExist := func(fs []bindings.FieldDoc) []bindings.FieldDoc {
		return append(append([]bindings.FieldDoc{}, fs...), fExistOK)
	}
	return &bindings.ModuleDoc{
		Name:    Name,
		Summary: "links, addresses, routes, neighbours, rules and events of a network namespace (ip's words)",
		Classes: []bindings.ClassDoc{
			{Name: "rtnl.Link", Desc: "A link as ip -j link show prints it.", Fields: []bindings.FieldDoc{
				req("ifindex", "integer", ""), req("ifname", "string", ""), req("flags", "string[]", `{"BROADCAST","UP",...}`),
				req("mtu", "integer", ""), req("operstate", "string", "UP, DOWN, UNKNOWN, ..."), f("address", "string", "MAC"),
				req("link_type", "string", "ether, loopback, ..."), f("master", "string", "master device name"),
				f("link", "string", "parent or peer name"),
				f("linkinfo", "table", "{info_kind=, info_data={...}, info_slave_kind=, info_slave_data={...}} (a port's options)"),
				f("stats64", "table", "counters (with stats=true); above 2^53 as decimal strings")}},
			{Name: "rtnl.Address", Desc: "An address: the fields of one ip -j addr_info entry plus dev.", Fields: []bindings.FieldDoc{
				req("family", "string", "inet or inet6"), req("local", "string", ""), req("prefixlen", "integer", ""),
				req("ifindex", "integer", ""), f("dev", "string", ""), f("scope", "string", ""), f("label", "string", ""),
				f("broadcast", "string", ""), f("flags", "string[]", ""), f("valid_life_time", "integer", "")}},
			{Name: "rtnl.Route", Desc: "A route as ip -j route show prints it (table always set).", Fields: []bindings.FieldDoc{
				req("dst", "string", `"default", an address or a prefix`), f("gateway", "string", ""), f("dev", "string", ""),
				f("table", "string", ""), f("metric", "integer", ""), f("protocol", "string", ""), f("scope", "string", ""),
				f("type", "string", ""), f("prefsrc", "string", ""), f("flags", "string[]", ""), f("nexthops", "table[]", "")}},
			{Name: "rtnl.Event", Desc: "An event: the object's fields plus type, group, deleted.", Fields: []bindings.FieldDoc{
				req("type", "string", `"RTM_NEWLINK", ..., or "EVENTS_LOST" (resync with a list)`),
				f("group", "string", "link, addr, route, neigh, rule"), f("deleted", "boolean", "an RTM_DEL* event")}},
			{Name: "rtnl.Handle", Desc: "rtnl.open's handle: link, addr, route, neigh, rule, batch, monitor, wait bound to one namespace.",
				Fields: []bindings.FieldDoc{req("netns", "netns.Target", "the namespace")}},
		},
		Funcs: []bindings.FuncDoc{
			{Name: "rtnl.link.list", Summary: "Lists the links (ip link show).",
				Params: args(true, f("kind", "string", "only links of this kind"), f("master", "string", "only ports of this master"),
					f("stats", "boolean", "include stats64")),
				Returns: ret("rtnl.Link[]", ""), Example: `for _, l in ipairs(rtnl.link.list()) do print(l.ifindex, l.ifname, l.mtu) end`},
			{Name: "rtnl.link.each", Summary: "Streams links one at a time without holding the dump (list's filters; no master/link names).",
				Params: args(true, f("kind", "string", "only links of this kind"), f("master", "string", "only ports of this master"),
					f("stats", "boolean", "include stats64")),
				Returns: ret("fun():rtnl.Link", "iterator"), Example: `for l in rtnl.link.each{} do print(l.ifname) end`},
			{Name: "rtnl.link.get", Summary: "Returns one link; raises ENODEV when it does not exist.",
				Params:  args(false, f("ifname", "string", "name"), f("ifindex", "integer", "or index")),
				Returns: ret("rtnl.Link", ""), Example: `local lo = rtnl.link.get{ifname = "lo"}`},
			{Name: "rtnl.link.add", Summary: "Creates a link (ip link add); a veth peer can go straight into another namespace.",
				Params: args(false, linkSpec...),
				Example: `rtnl.link.add{ifname = "veth-h", kind = "veth", peer = {ifname = "eth0", netns = netns.pid(pid)}}
rtnl.link.add{ifname = "br0", kind = "bridge", info_data = {stp_state = 0}, exist_ok = true}`},
			{Name: "rtnl.link.set", Summary: "Changes a link (ip link set): up/down, mtu, name, address, master, namespace, ...",
				Params: args(false, f("ifname", "string", "the link (or ifindex)"), f("ifindex", "integer", ""),
					f("up", "boolean", ""), f("mtu", "integer", "68..65536"), f("name", "string", "rename"),
					f("address", "string", "MAC"), f("master", "string", ""), f("nomaster", "boolean", "leave the master"),
					f("txqlen", "integer", ""), f("ifalias", "string", ""), f("group", "integer", ""),
					f("netns", "netns.Target", "move it there"), f("info_data", "table", "kind options"),
					f("port", "table", "options as a port of its bridge/bond, by ip -j's info_slave_data names ({cost=10, learning=false})")),
				Example: `rtnl.link.set{ifname = "eth0", up = true, mtu = 1400}
rtnl.link.set{ifname = "veth0", master = "br0", port = {cost = 10, learning = false}}`},
			{Name: "rtnl.link.del", Summary: "Deletes a link (a veth's peer goes with it).",
				Params: args(false, f("ifname", "string", ""), f("ifindex", "integer", "")), Example: `rtnl.link.del{ifname = "veth-h"}`},
			{Name: "rtnl.addr.list", Summary: "Lists addresses (ip addr show), one table per address.",
				Params:  args(true, f("dev", "string", "only this device"), f("family", "string", "inet or inet6")),
				Returns: ret("rtnl.Address[]", ""), Example: `pp(rtnl.addr.list{dev = "eth0", family = "inet"})`},
			{Name: "rtnl.addr.each", Summary: "Streams addresses one at a time without holding the dump (same filters as list).",
				Params:  args(true, f("dev", "string", "only this device"), f("family", "string", "inet or inet6")),
				Returns: ret("fun():rtnl.Address", "iterator"), Example: `for x in rtnl.addr.each{family = "inet"} do print(x.dev, x["local"]) end`},
			{Name: "rtnl.addr.add", Summary: "Adds an address (ip addr add).", Params: args(false, withExist(addrFields)...),
				Example: `rtnl.addr.add{dev = "eth0", address = "10.0.0.2/24"}`},
			{Name: "rtnl.addr.replace", Summary: "Adds or updates an address (ip addr replace).", Params: args(false, addrFields...),
				Example: `rtnl.addr.replace{dev = "eth0", address = "10.0.0.2/24", valid_life_time = 3600}`},
			{Name: "rtnl.addr.del", Summary: "Removes an address (ip addr del).",
				Params: args(false, fDev, req("address", "string", "address with prefix")), Example: `rtnl.addr.del{dev = "eth0", address = "10.0.0.2/24"}`},
			{Name: "rtnl.route.list", Summary: `Lists routes (ip route show); table "all" for every table.`,
				Params:  args(true, fTable, f("family", "string", ""), f("dev", "string", ""), f("protocol", "string", ""), f("type", "string", "")),
				Returns: ret("rtnl.Route[]", ""), Example: `pp(rtnl.route.list{table = 100})`},
			{Name: "rtnl.route.each", Summary: "Streams routes one at a time without holding the dump (same filters as list).",
				Params:  args(true, fTable, f("family", "string", ""), f("dev", "string", ""), f("protocol", "string", ""), f("type", "string", "")),
				Returns: ret("fun():rtnl.Route", "iterator"),
				Example: `for r in rtnl.route.each{table = "main"} do print(r.dst, r.gateway) end`},
			{Name: "rtnl.route.get", Summary: "Asks the kernel which route a packet would take (ip route get).",
				Params: args(false, req("dst", "string", "destination address"), f("from", "string", ""), f("iif", "string", ""),
					f("oif", "string", ""), f("mark", "integer", ""), f("fibmatch", "boolean", "the table entry instead")),
				Returns: ret("rtnl.Route", ""), Example: `print(rtnl.route.get{dst = "1.1.1.1"}.dev)`},
			{Name: "rtnl.route.add", Summary: "Adds a route (ip route add).", Params: args(false, withExist(routeFields)...),
				Example: `rtnl.route.add{dst = "default", gateway = "10.0.0.1"}`},
			{Name: "rtnl.route.replace", Summary: "Adds or replaces a route (ip route replace).", Params: args(false, routeFields...),
				Example: `rtnl.route.replace{dst = "10.1.0.0/16", gateway = "10.0.0.254", table = 100}`},
			{Name: "rtnl.route.append", Summary: "Adds a route after equal ones (ip route append).", Params: args(false, routeFields...),
				Example: `rtnl.route.append{dst = "2001:db8::/32", gateway = "fe80::1", dev = "eth0"}`},
			{Name: "rtnl.route.del", Summary: "Removes a route (ip route del); fields left out match any.", Params: args(false, routeFields[:12]...),
				Example: `rtnl.route.del{dst = "10.1.0.0/16", table = 100}`},
			{Name: "rtnl.neigh.list", Summary: "Lists neighbours (ip neigh show).",
				Params:  args(true, f("dev", "string", ""), f("family", "string", ""), f("proxy", "boolean", "proxy entries")),
				Returns: ret("table[]", ""), Example: `pp(rtnl.neigh.list{dev = "eth0"})`},
			{Name: "rtnl.neigh.each", Summary: "Streams neighbours one at a time without holding the dump (same filters as list).",
				Params:  args(true, f("dev", "string", ""), f("family", "string", ""), f("proxy", "boolean", "proxy entries")),
				Returns: ret("fun():table", "iterator"), Example: `for n in rtnl.neigh.each{dev = "eth0"} do print(n.dst, n.lladdr) end`},
			{Name: "rtnl.neigh.add", Summary: "Adds a neighbour entry (ip neigh add).", Params: args(false, withExist(neighFields)...),
				Example: `rtnl.neigh.add{dst = "10.0.0.9", dev = "eth0", lladdr = "02:00:00:00:00:09", state = {"PERMANENT"}}`},
			{Name: "rtnl.neigh.replace", Summary: "Adds or updates a neighbour entry.", Params: args(false, neighFields...),
				Example: `rtnl.neigh.replace{dst = "10.0.0.9", dev = "eth0", lladdr = "02:00:00:00:00:0a", state = {"PERMANENT"}}`},
			{Name: "rtnl.neigh.del", Summary: "Removes a neighbour entry.",
				Params: args(false, req("dst", "string", ""), fDev, f("proxy", "boolean", "")), Example: `rtnl.neigh.del{dst = "10.0.0.9", dev = "eth0"}`},
			{Name: "rtnl.rule.list", Summary: "Lists policy routing rules (ip rule show).",
				Params: args(true, f("family", "string", "inet or inet6")), Returns: ret("table[]", ""), Example: `pp(rtnl.rule.list())`},
			{Name: "rtnl.rule.add", Summary: "Adds a rule (ip rule add).", Params: args(false, withExist(ruleFields)...),
				Example: `rtnl.rule.add{src = "10.1.0.0/24", table = 100, priority = 1000}`},
			{Name: "rtnl.rule.del", Summary: "Removes the first rule matching every field given.", Params: args(false, ruleFields...),
				Example: `rtnl.rule.del{priority = 1000}`},
			{Name: "rtnl.batch", Summary: "Queues the changes fn makes and sends them in bulk (runs of the same kind share a sendmsg); a leading run of route or address adds is sent while fn runs (a read inside fn first waits for it; if fn raises it is deleted again); returns one {fn=, ok=, error=} per call, or raises the first failure (naming its line) unless raise = false.",
				Params: []bindings.ParamDoc{{Name: "fn", Type: "fun()", Desc: "makes rtnl calls"},
					{Name: "opts", Type: "{raise: boolean}", Desc: "raise = false returns failures instead", Optional: true}},
				Returns: ret("table[]", "per-call results"),
				Example: `rtnl.batch(function()
  for i = 1, 1000 do rtnl.route.add{dst = "10.200." .. math.floor(i / 256) .. "." .. (i % 256) .. "/32", dev = "eth0"} end
end)`},
			{Name: "rtnl.monitor", Summary: "Follows events (ip monitor): to fn (return false to stop) or, without fn, collected and returned; ends after timeout seconds or count events.",
				Params: args(true, f("groups", "string[]", `{"link", "addr", "route", "neigh", "rule"} (all by default)`),
					f("timeout", "number", "seconds"), f("count", "integer", "stop after this many events"), f("fn", "fun(ev: rtnl.Event): boolean?", "called per event")),
				Returns: ret("rtnl.Event[]", "the events, when no fn"),
				Example: `rtnl.monitor{groups = {"link"}, timeout = 10, fn = function(ev) print(ev.type, ev.ifname) end}`},
			{Name: "rtnl.wait", Summary: "Waits, on events and never polling, until a link or address meets a condition; raises at the timeout.",
				Params: args(false, f("link", "string", "link name"), f("carrier", "boolean", ""), f("up", "boolean", ""),
					f("exists", "boolean", ""), f("operstate", "string", `"UP"`), f("addr", "string", "or an address"), f("dev", "string", "its device"),
					f("tentative", "boolean", "false: until DAD is done"), f("timeout", "number", "seconds")),
				Returns: ret("table?", "the link or address (nil when waiting for it to go)"),
				Example: `rtnl.wait{link = "eth0", carrier = true, timeout = 5}
rtnl.wait{addr = "fe80::1", dev = "eth0", tentative = false, timeout = 5}`},
			{Name: "rtnl.open", Summary: "Returns a handle with the same API bound to one namespace (the current one by default).",
				Params:  args(true, f("netns", "netns.Target", "namespace")),
				Returns: ret("rtnl.Handle", ""), Example: `local h = rtnl.open{netns = netns.named("blue")}
h.link.set{ifname = "lo", up = true}`},
		},
	}
}
