-- OCI createRuntime hook: give the container an eth0 (one end of a veth
-- pair whose other end stays in the runtime's namespace) with IPv4 and
-- IPv6 addresses, default routes through the host end, and an nft rule.
--
-- In the bundle's config.json (see config.json.snippet):
--   "createRuntime": [{"path": "/usr/bin/nlsh",
--                      "args": ["nlsh", "hook", "/etc/nlsh/veth.lua", "createRuntime"]}]
--
-- Annotations override the defaults:
--   nlsh.veth.host    host-side name          (default "v" .. first 12 of the id)
--   nlsh.ipv4         container IPv4/len      (default 10.88.0.2/24; the host end gets .1)
--   nlsh.ipv6         container IPv6/len      (default fd88::2/64;   the host end gets ::1)
--
-- Runs atomically: if anything fails (or the 10 s deadline passes) every
-- change below is undone, in the container and on the host, and runc does
-- not start the container.
local rtnl, netns, nfnl = require "rtnl", require "netns", require "nfnl"

local ctr = assert(container.netns, "no container namespace: run as a createRuntime or prestart hook")
local ann = container.annotations
local host_if = ann["nlsh.veth.host"] or ("v" .. container.id:gsub("[^%w]", ""):sub(1, 12))
local ip4 = ann["nlsh.ipv4"] or "10.88.0.2/24"
local ip6 = ann["nlsh.ipv6"] or "fd88::2/64"
local gw4, gw6 = cidr.host(ip4, 1), cidr.host(ip6, 1)
local len4, len6 = cidr.prefixlen(ip4), cidr.prefixlen(ip6)

-- Host end here, container end created straight in the container.
rtnl.link.add{ifname = host_if, kind = "veth", peer = {ifname = "eth0", netns = ctr}}
rtnl.addr.add{dev = host_if, address = gw4 .. "/" .. len4}
rtnl.addr.add{dev = host_if, address = gw6 .. "/" .. len6, flags = {"nodad"}}
rtnl.link.set{ifname = host_if, up = true}

netns.run(ctr, function()
  rtnl.link.set{ifname = "lo", up = true}
  rtnl.addr.add{dev = "eth0", address = ip4}
  rtnl.addr.add{dev = "eth0", address = ip6, flags = {"nodad"}}
  rtnl.link.set{ifname = "eth0", up = true}
  rtnl.route.add{dst = "default", gateway = gw4}
  rtnl.route.add{dst = "default", gateway = gw6}
end)

-- Firewall: only the container's own source addresses may leave through
-- its veth (anti-spoofing). One atomic batch; once committed it joins the
-- same rollback journal as the rtnl changes above.
do
  nfnl.transaction(function(tx)
    tx.table.add{family = "inet", name = "nlsh", exist_ok = true}
    tx.chain.add{family = "inet", table = "nlsh", name = "forward",
                 type = "filter", hook = "forward", priority = 0, policy = "accept", exist_ok = true}
    tx.rule.add{family = "inet", table = "nlsh", chain = "forward",
                rule = ('iifname "%s" ip saddr != %s drop'):format(host_if, cidr.addr(ip4))}
  end)
end

print(("nlsh: %s: eth0 %s %s via %s (%s)"):format(container.id, ip4, ip6, host_if, container.hook or "hook"))
