package genl

import (
	"reflect"
	"strings"

	"github.com/nlsh/nlsh/bindings"
)

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

var fDev = req("dev", "string", "device name")

// genlDoc describes genl for help() and the LuaLS annotations.
func genlDoc() *bindings.ModuleDoc {
	nameParam := []bindings.ParamDoc{{Name: "name", Type: "string", Desc: `family name ("ethtool", "nl80211", ...)`}}
	return &bindings.ModuleDoc{
		Name:    Name,
		Summary: "generic netlink: families, raw requests to any family, multicast events, netdev and tcp_metrics",
		Classes: []bindings.ClassDoc{
			{Name: "genl.Family", Desc: "A family as the controller lists it (genl ctrl list).", Fields: []bindings.FieldDoc{
				req("id", "integer", "family id"), req("name", "string", ""), req("version", "integer", ""),
				req("hdrsize", "integer", "size of the family's own header"), req("maxattr", "integer", "highest attribute number"),
				req("ops", "{id: integer, flags: string[]}[]", `commands with their flags ("admin-perm", "do", "dump", "has-policy")`),
				req("groups", "{id: integer, name: string}[]", "multicast groups"),
			}},
			{Name: "genl.Reply", Desc: "One message a family sent back (or a notification).", Fields: []bindings.FieldDoc{
				req("family", "string", ""), req("cmd", "integer", "command number"),
				req("cmd_name", "string", "command name from the schema, or the number"), req("version", "integer", ""),
				req("attrs", "table", "attributes by schema name; unknown ones under their number, payloads as byte strings"),
			}},
			{Name: "genl.Handle", Desc: "genl.open's handle: the genl functions and the ethtool, wireguard and nl80211 tables, bound to one namespace.", Fields: []bindings.FieldDoc{
				req("ethtool", "ethtool", ""), req("wireguard", "wireguard", ""), req("nl80211", "nl80211", ""),
				req("netns", "netns.Target", "the namespace"),
			}},
		},
		Funcs: []bindings.FuncDoc{
			{Name: "genl.families", Summary: "Every generic netlink family of the namespace, as `genl ctrl list` shows them.",
				Returns: ret("genl.Family[]", ""), Example: "for _, f in ipairs(genl.families()) do print(f.id, f.name) end"},
			{Name: "genl.family", Summary: "One family by name (resolved once per connection, then cached); raises ENOENT when the kernel has none.",
				Params: nameParam, Returns: ret("genl.Family", "")},
			{Name: "genl.policy", Summary: "The attribute policy a family declares (CTRL_CMD_GETPOLICY): sets by index, attributes by number, and the sets of each command.",
				Params: nameParam, Returns: ret("table", "{family=, sets={[idx]={[attr]={type=, ...}}}, ops={[cmd]={do=, dump=}}}")},
			{Name: "genl.request", Summary: "Send one command to any family. With a schema (ethtool, wireguard, nl80211, netdev, tcp_metrics, nlctrl) cmd and attributes go by name; otherwise cmd is a number and attrs are {[n] = bytes}. Replies decode the same way.",
				Params: args(false,
					req("family", "string", "family name"),
					req("cmd", "integer|string", `command number, or its name ("DEV_GET", "dev-get")`),
					f("flags", "string[]|integer", `{"dump"}, {"create", "excl"}, ... or NLM_F_* bits`),
					f("attrs", "table", "attributes by name, or {[number] = byte string}; nested tables are nests, 1..n tables lists"),
					f("raw", "boolean", "ignore the schema: attributes by number and bytes both ways"),
				), Returns: ret("genl.Reply[]", "replies (empty for a plain ack)"),
				Example: `genl.request{family = "netdev", cmd = 1, flags = {"dump"}, raw = true}`},
			{Name: "genl.events", Summary: "Join a family's multicast group on a connection of its own, run start, then collect notifications until count arrived or timeout passed (each(ev) returning false stops early).",
				Params: args(false,
					req("family", "string", ""), req("group", "string", `multicast group name ("monitor", "scan", ...)`),
					f("timeout", "number", "seconds to listen"), f("count", "integer", "stop after this many"),
					f("start", "fun()", "called once joined: trigger what you wait for here"),
					f("each", "fun(ev: genl.Reply): boolean?", "called per event instead of collecting; false stops"),
				), Returns: ret("genl.Reply[]", "the events collected"),
				Example: `genl.events{family = "ethtool", group = "monitor", count = 1, timeout = 2,
  start = function() ethtool.set_features{dev = "v0", features = {["rx-gro"] = false}} end}`},
			{Name: "genl.open", Summary: "A handle whose calls all go to one namespace.",
				Params: args(true, f("netns", "netns.Target", "namespace (default: the current one)")), Returns: ret("genl.Handle", "")},
			{Name: "genl.netdev.list", Summary: "XDP and AF_XDP capabilities of every device (netdev family).", Returns: ret("table[]", "{ifindex=, [\"xdp-features\"]={...}, ...}")},
			{Name: "genl.netdev.get", Summary: "XDP and AF_XDP capabilities of one device.",
				Params: args(false, req("ifindex", "integer", "")), Returns: ret("table", "")},
			{Name: "genl.tcp_metrics.list", Summary: "The TCP metrics cache (`ip tcp_metrics show`).", Returns: ret("table[]", "{dst=, source=, rtt=, ...}")},
			{Name: "genl.tcp_metrics.get", Summary: "The cached metrics of one destination.",
				Params: args(false, req("dst", "string", "destination address"), f("src", "string", "source address")), Returns: ret("table", "")},
			{Name: "genl.tcp_metrics.del", Summary: "Forget the cached metrics of a destination (not journalled).",
				Params: args(false, req("dst", "string", "destination address"), f("src", "string", "source address"))},
		},
	}
}

// ethtoolDoc describes ethtool.
func ethtoolDoc() *bindings.ModuleDoc {
	dev := args(false, fDev)
	flatDoc := func(name, what, tool, fields string) []bindings.FuncDoc {
		set := []bindings.FieldDoc{fDev}
		for _, fl := range flatFuncs() {
			if fl.get != name {
				continue
			}
			for i := 0; i < fl.typ.NumField(); i++ {
				n, _, _ := strings.Cut(fl.typ.Field(i).Tag.Get("json"), ",")
				if _, ok := fl.fields()[n]; ok {
					typ := "integer"
					if fl.typ.Field(i).Type.Elem().Kind() == reflect.Bool {
						typ = "boolean"
					}
					set = append(set, f(n, typ, ""))
				}
			}
		}
		return []bindings.FuncDoc{
			{Name: "ethtool." + name, Summary: what + " (`ethtool " + tool + "`).", Params: dev, Returns: ret("table", fields)},
			{Name: "ethtool.set_" + name, Summary: "Change " + what + ": only the fields given (journalled: they go back on rollback).",
				Params: args(false, set...)},
		}
	}
	funcs := []bindings.FuncDoc{
		{Name: "ethtool.info", Summary: "Driver information (`ethtool -i`) and the port, PHY and transceiver `ethtool DEV` prints.",
			Params: dev, Returns: ret("table", "{driver=, version=, firmware_version=, bus_info=, supports_statistics=, ..., port=}"),
			Example: `print(ethtool.info{dev = "eth0"}.driver)`},
		{Name: "ethtool.link", Summary: "Speed, duplex, autonegotiation, link modes and link detection (`ethtool DEV`).",
			Params: dev, Returns: ret("table", "{speed=, duplex=, autoneg=, supported={...}, advertised={...}, link_detected=}")},
		{Name: "ethtool.features", Summary: "Every feature by name (`ethtool -k`).",
			Params: dev, Returns: ret("table<string, {on: boolean, fixed: boolean, requested: boolean?}>", ""),
			Example: `if ethtool.features{dev = "eth0"}["rx-gro"].on then ... end`},
		{Name: "ethtool.set_features", Summary: "Turn features on or off (`ethtool -K`); names are checked first. Journalled: the features go back to what was asked before.",
			Params:  args(false, fDev, req("features", "table<string, boolean>", `{["rx-gro"] = true, ...}`)),
			Example: `ethtool.set_features{dev = "eth0", features = {["rx-gro"] = false}}`},
		{Name: "ethtool.stats", Summary: "Standard statistics groups where the driver keeps them (`ethtool -S DEV --all-groups`).",
			Params:  args(false, fDev, f("groups", "string[]", `"eth-phy", "eth-mac", "eth-ctrl", "rmon" (all by default)`)),
			Returns: ret("table", "{groups={{name=, id=, stats={...}, hist_rx=, hist_tx=}}}")},
	}
	funcs = append(funcs, flatDoc("rings", "ring sizes", "-g", "rx, tx, rx_mini, rx_jumbo, rx_buf_len, ..._max")...)
	funcs = append(funcs, flatDoc("channels", "channel counts", "-l", "rx_count, tx_count, other_count, combined_count, ..._max")...)
	funcs = append(funcs, flatDoc("coalesce", "interrupt coalescing", "-c", "rx_usecs, tx_usecs, use_adaptive_rx, ...")...)
	funcs = append(funcs, flatDoc("pause", "pause frame settings (and counters)", "-a", "autoneg, rx, tx, stats")...)
	return &bindings.ModuleDoc{Name: EthtoolName, Summary: "device settings through the ethtool netlink family (ethtool's words)", Funcs: funcs}
}

// wireguardDoc describes wireguard.
func wireguardDoc() *bindings.ModuleDoc {
	return &bindings.ModuleDoc{
		Name:    WireguardName,
		Summary: "WireGuard devices: keys, port, peers and allowed IPs (wg's words)",
		Classes: []bindings.ClassDoc{
			{Name: "wireguard.Peer", Desc: "A peer as wireguard.get returns it.", Fields: []bindings.FieldDoc{
				req("public_key", "string", "base64"), f("preshared_key", "string", "base64"),
				f("endpoint", "string", `"1.2.3.4:51820", absent when unknown`), req("allowed_ips", "string[]", ""),
				req("persistent_keepalive", "integer", "seconds, 0 off"), req("latest_handshake", "integer", "seconds since the epoch, 0 never"),
				req("rx_bytes", "integer", ""), req("tx_bytes", "integer", ""), req("protocol_version", "integer", ""),
			}},
			{Name: "wireguard.Device", Desc: "A device as wireguard.get returns it.", Fields: []bindings.FieldDoc{
				req("ifindex", "integer", ""), req("ifname", "string", ""), f("private_key", "string", "base64"),
				f("public_key", "string", "base64"), req("listen_port", "integer", ""), req("fwmark", "integer", ""),
				req("peers", "wireguard.Peer[]", ""),
			}},
		},
		Funcs: []bindings.FuncDoc{
			{Name: "wireguard.get", Summary: "A device with its peers (`wg show DEV`).", Params: args(false, fDev), Returns: ret("wireguard.Device", "")},
			{Name: "wireguard.set", Summary: "Change a device (`wg set`): only what is given. Journalled: rollback restores the whole previous configuration (an endpoint unknown before stays set; counters do not come back).",
				Params: args(false, fDev,
					f("private_key", "string", "base64 (wg genkey)"), f("listen_port", "integer", "0..65535"),
					f("fwmark", "integer", "0 off"), f("replace_peers", "boolean", "remove peers not listed"),
					f("peers", "table[]", "{{public_key=, preshared_key=, endpoint=\"1.2.3.4:51820\", allowed_ips={\"10.0.0.0/24\"}, persistent_keepalive=, replace_allowed_ips=, update_only=, remove=}}"),
				),
				Example: `wireguard.set{dev = "wg0", private_key = key, listen_port = 51820,
  peers = {{public_key = pk, endpoint = "192.0.2.1:51820", allowed_ips = {"10.0.0.0/24"}}}}`},
		},
	}
}

// nl80211Doc describes nl80211.
func nl80211Doc() *bindings.ModuleDoc {
	return &bindings.ModuleDoc{
		Name:    NL80211Name,
		Summary: "wireless devices: wiphys, interfaces, scans and stations (iw's words)",
		Funcs: []bindings.FuncDoc{
			{Name: "nl80211.wiphys", Summary: "Every radio with its bands, channels and interface types (`iw phy`).", Returns: ret("table[]", "{wiphy=, wiphy_name=, bands=, supported_iftypes=, ...}")},
			{Name: "nl80211.interfaces", Summary: "Every wireless interface (`iw dev`).", Returns: ret("table[]", "{ifindex=, ifname=, iftype=, wiphy=, mac=, ...}")},
			{Name: "nl80211.set_type", Summary: "Change an interface's type (most drivers want it down). Journalled: the old type comes back.",
				Params: args(false, fDev, req("type", "string", "station, ap, monitor, adhoc, mesh, ... (iw's names too)"))},
			{Name: "nl80211.create", Summary: "Add an interface to a radio (`iw phy PHY interface add`). Journalled: rollback deletes it.",
				Params: args(false, req("wiphy", "integer|string", `index or name ("phy0")`), req("ifname", "string", ""),
					req("type", "string", "interface type"), f("mac", "string", "address"), f("four_addr", "boolean", "4-address frames")),
				Returns: ret("table", "the new interface")},
			{Name: "nl80211.set_netns", Summary: "Move a radio with its interfaces into another namespace (`iw phy PHY set netns`); the kernel moves it back when that namespace goes. Journalled: rollback moves it back.",
				Params: args(false, req("wiphy", "integer", "wiphy index"), req("netns", "netns.Target", "destination"))},
			{Name: "nl80211.delete", Summary: "Remove a wireless interface (cannot be undone: a rollback reports it).", Params: args(false, fDev)},
			{Name: "nl80211.scan", Summary: "Trigger a scan, wait for it (timeout, default 15 s) and return what it found (`iw dev DEV scan`).",
				Params: args(false, fDev, f("timeout", "number", "seconds"), f("ssids", "string[]", `SSIDs to probe ("" wildcard); passive when absent`),
					f("freqs", "integer[]", "frequencies in MHz")),
				Returns: ret("table[]", "{bssid=, frequency=, ssid=, signal_mbm=, ...}")},
			{Name: "nl80211.stations", Summary: "Stations of an interface (`iw dev DEV station dump`).", Params: args(false, fDev), Returns: ret("table[]", "")},
		},
	}
}
