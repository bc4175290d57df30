-- container-veth: give the network namespace of process PID an eth0 (a
-- veth whose other end, veth-PID, stays on the host), an address, and a
-- default route via the host end — what an engine's hook does.
--
--   sudo nlsh examples/container-veth.lua PID [10.200.0.0/30]
--
-- Needs the rtnl module (bindings/rtnl).
local rtnl, netns = require "rtnl", require "netns"

local pid = assert(tonumber(arg[1]), "usage: container-veth.lua PID [PREFIX]")
local net = arg[2] or "10.200.0.0/30"
local plen = cidr.prefixlen(net)
local host_ip, ctr_ip = cidr.host(net, 1), cidr.host(net, 2)
local ctr = netns.pidfd(pid)          -- pinned: a reused pid cannot redirect us
local host_if = "veth-" .. pid

rtnl.link.add{ifname = host_if, kind = "veth", peer = {ifname = "eth0", netns = ctr}}
rtnl.addr.add{dev = host_if, address = host_ip .. "/" .. plen}
rtnl.link.set{ifname = host_if, up = true}

netns.run(ctr, function()
  rtnl.link.set{ifname = "lo", up = true}
  rtnl.addr.add{dev = "eth0", address = ctr_ip .. "/" .. plen}
  rtnl.link.set{ifname = "eth0", up = true}
  rtnl.route.add{dst = "default", gateway = host_ip}
end)
return {host = host_if, container = ctr_ip}
