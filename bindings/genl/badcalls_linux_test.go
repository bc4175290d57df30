package genl_test

import (
	"testing"

	"github.com/nlsh/nlsh/bindings/bindingtest"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

const key = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="

// genlBadCalls must each fail with one line naming the field, before
// anything that changes state is sent.
var genlBadCalls = []bindingtest.BadCall{
	{Name: "request no family", Code: `genl.request{cmd = 1}`, Want: []string{"genl.request", `field "family": required`}},
	{Name: "request unknown field", Code: `genl.request{family = "netdev", cmd = 1, flag = {"dump"}}`, Want: []string{`unknown field "flag"`, `did you mean "flags"`}},
	{Name: "request bad flag", Code: `genl.request{family = "netdev", cmd = 1, flags = {"dumb"}}`, Want: []string{`field "flags[1]"`, `"dumb" is not one of`}},
	{Name: "request cmd range", Code: `genl.request{family = "netdev", cmd = 300}`, Want: []string{`field "cmd"`, "out of range"}},
	{Name: "request cmd name unknown", Code: `genl.request{family = "netdev", cmd = "dev-gte"}`, Want: []string{`field "cmd"`, `"dev-gte" is not a command of netdev`, "DEV_GET"}},
	{Name: "request cmd name raw", Code: `genl.request{family = "netdev", cmd = "DEV_GET", raw = true}`, Want: []string{`field "cmd"`, "give the command as a number"}},
	{Name: "request unknown attr", Code: `genl.request{family = "netdev", cmd = 1, attrs = {ifindx = 1}}`, Want: []string{`field "attrs.ifindx"`, "unknown field"}},
	{Name: "request attr type", Code: `genl.request{family = "netdev", cmd = 1, attrs = {ifindex = "one"}}`, Want: []string{`field "attrs.ifindex"`}},
	{Name: "request attr number range", Code: `genl.request{family = "netdev", cmd = 1, raw = true, attrs = {[70000] = "x"}}`, Want: []string{`field "attrs"`, "key 70000"}},
	{Name: "request raw attr number value", Code: `genl.request{family = "netdev", cmd = 1, raw = true, attrs = {[1] = 5}}`, Want: []string{`field "attrs.attr_1"`, "raw bytes"}},
	{Name: "request fractional", Code: `genl.request{family = "netdev", cmd = 1, attrs = {ifindex = 1.5}}`, Want: []string{`field "attrs.ifindex"`, "want an integer, got 1.5"}},
	{Name: "family empty", Code: `genl.family("")`, Want: []string{"genl.family", "empty family name"}},
	{Name: "family number", Code: `genl.family(5)`, Want: []string{"genl.family", "want a table"}},
	{Name: "family missing", Code: `genl.family("nlsh-nofam")`, Want: []string{"nlsh-nofam", "ENOENT"}},
	{Name: "events forever", Code: `genl.events{family = "ethtool", group = "monitor"}`, Want: []string{"genl.events", "timeout or count"}},
	{Name: "events bad group", Code: `genl.events{family = "ethtool", group = "monitr", timeout = 1}`, Want: []string{`field "group"`, `"monitr"`, "monitor"}},
	{Name: "events bad timeout", Code: `genl.events{family = "ethtool", group = "monitor", timeout = -1}`, Want: []string{`field "timeout"`, "seconds > 0"}},
	{Name: "open bad netns", Code: `genl.open{netns = 42}`, Want: []string{`field "netns"`, "want a netns target"}},
	{Name: "ethtool no dev", Code: `ethtool.features{}`, Want: []string{"ethtool.features", `field "dev": required`}},
	{Name: "ethtool dev too long", Code: `ethtool.info{dev = "abcdefghijklmnop"}`, Want: []string{`field "dev"`, "longer than 15 bytes"}},
	{Name: "ethtool unknown field", Code: `ethtool.link{dev = "lo", speed = 10}`, Want: []string{"ethtool.link", `unknown field "speed"`}},
	{Name: "ethtool missing device", Code: `ethtool.features{dev = "nosuch0"}`, Want: []string{"ethtool.features", "ENODEV"}},
	{Name: "set_features no table", Code: `ethtool.set_features{dev = "lo"}`, Want: []string{`field "features": required`}},
	{Name: "set_features bad value", Code: `ethtool.set_features{dev = "lo", features = {["rx-gro"] = "on"}}`, Want: []string{`field "features.rx-gro"`, "want true or false"}},
	{Name: "set_features unknown feature", Code: `ethtool.set_features{dev = "lo", features = {["rx-groo"] = true}}`, Want: []string{`field "features.rx-groo"`, `no feature "rx-groo"`}},
	{Name: "set_features empty", Code: `ethtool.set_features{dev = "lo", features = {}}`, Want: []string{"no features given"}},
	{Name: "set_channels max", Code: `ethtool.set_channels{dev = "lo", rx_max = 4}`, Want: []string{`unknown field "rx_max"`}},
	{Name: "set_channels range", Code: `ethtool.set_channels{dev = "lo", rx_count = -1}`, Want: []string{`field "rx_count"`, "out of range"}},
	{Name: "set_rings nothing", Code: `ethtool.set_rings{dev = "lo"}`, Want: []string{"ethtool.set_rings", "nothing to set"}},
	{Name: "set_pause type", Code: `ethtool.set_pause{dev = "lo", rx = 1}`, Want: []string{`field "rx"`, "want true or false"}},
	{Name: "stats bad group", Code: `ethtool.stats{dev = "lo", groups = {"rmn"}}`, Want: []string{`field "groups[1]"`, `"rmn" is not one of`}},
	{Name: "wg bad private key", Code: `wireguard.set{dev = "wg0", private_key = "not base64!"}`, Want: []string{"wireguard.set", `field "private_key"`, "base64 key"}},
	{Name: "wg short key", Code: `wireguard.set{dev = "wg0", private_key = "AAAA"}`, Want: []string{`field "private_key"`, "32 bytes"}},
	{Name: "wg port range", Code: `wireguard.set{dev = "wg0", listen_port = 70000}`, Want: []string{`field "listen_port"`, "out of range"}},
	{Name: "wg unknown field", Code: `wireguard.set{dev = "wg0", listenport = 1}`, Want: []string{`unknown field "listenport"`, `did you mean "listen_port"`}},
	{Name: "wg peer not table", Code: `wireguard.set{dev = "wg0", peers = {"x"}}`, Want: []string{`field "peers[1]"`, "want a table"}},
	{Name: "wg peer no key", Code: `wireguard.set{dev = "wg0", peers = {{endpoint = "1.2.3.4:1"}}}`, Want: []string{`field "peers[1].public_key": required`}},
	{Name: "wg peer bad key", Code: `wireguard.set{dev = "wg0", peers = {{public_key = "xx"}}}`, Want: []string{`field "peers[1].public_key"`, "base64"}},
	{Name: "wg bad endpoint", Code: `wireguard.set{dev = "wg0", peers = {{public_key = "` + key + `", endpoint = "1.2.3.4"}}}`, Want: []string{`field "peers[1].endpoint"`, "1.2.3.4:51820"}},
	{Name: "wg endpoint no port", Code: `wireguard.set{dev = "wg0", peers = {{public_key = "` + key + `", endpoint = "1.2.3.4:0"}}}`, Want: []string{`field "peers[1].endpoint"`}},
	{Name: "wg bad allowed ip", Code: `wireguard.set{dev = "wg0", peers = {{public_key = "` + key + `", allowed_ips = {"10.0.0.0/33"}}}}`, Want: []string{`field "peers[1].allowed_ips[1]"`, "bad prefix length"}},
	{Name: "wg peer unknown field", Code: `wireguard.set{dev = "wg0", peers = {{public_key = "` + key + `", keepalive = 5}}}`, Want: []string{`unknown field "peers[1].keepalive"`}},
	{Name: "wg keepalive range", Code: `wireguard.set{dev = "wg0", peers = {{public_key = "` + key + `", persistent_keepalive = 1e6}}}`, Want: []string{`field "peers[1].persistent_keepalive"`, "out of range"}},
	{Name: "nl80211 bad type", Code: `nl80211.set_type{dev = "wlan0", type = "monitr"}`, Want: []string{"nl80211.set_type", `field "type"`, `"monitr" is not an interface type`}},
	{Name: "nl80211 create no ifname", Code: `nl80211.create{wiphy = 0, type = "monitor"}`, Want: []string{`field "ifname": required`}},
	{Name: "nl80211 create bad mac", Code: `nl80211.create{wiphy = 0, ifname = "m0", type = "monitor", mac = "zz"}`, Want: []string{`field "mac"`, "not a MAC address"}},
	{Name: "nl80211 scan bad freq", Code: `nl80211.scan{dev = "wlan0", freqs = {2412.5}}`, Want: []string{`field "freqs[1]"`, "MHz"}},
	{Name: "nl80211 delete unknown field", Code: `nl80211.delete{ifname = "wlan0"}`, Want: []string{"nl80211.delete", `field "dev": required`}},
	{Name: "nl80211 set_netns no netns", Code: `nl80211.set_netns{wiphy = 0}`, Want: []string{`field "netns": required`}},
	{Name: "tcp_metrics bad dst", Code: `genl.tcp_metrics.get{dst = "10.0.0"}`, Want: []string{`field "dst"`, "not an IP address"}},
}

// TestBadCalls runs every bad call in a runtime whose namespace is a
// throwaway one, so that nothing could reach the host's even by mistake.
func TestBadCalls(t *testing.T) {
	if len(genlBadCalls) < 40 {
		t.Fatalf("only %d bad calls", len(genlBadCalls))
	}
	ns := testutil.NewNetNS(t)
	bindingtest.RunBadCalls(t, runtime.Options{Netns: ns.Target, Modules: runtime.StandardModules()}, genlBadCalls)
}
