-- quickstart: make a throwaway namespace, provision it, print what was
-- made, remove it. Touches nothing outside the new namespace.
--
--   sudo nlsh examples/quickstart.lua
--
-- Needs the rtnl module (bindings/rtnl).
local rtnl, netns = require "rtnl", require "netns"

local name = "nlsh-quickstart-" .. os.time()
local ns = netns.add(name)
local ok, err = pcall(function()
  netns.run(ns, function()
    rtnl.link.set{ifname = "lo", up = true}
    rtnl.link.add{ifname = "veth0", kind = "veth", mtu = 1400, peer = {ifname = "veth1", mtu = 1400}}
    rtnl.addr.add{dev = "veth0", address = cidr.host("10.99.0.0/24", 1) .. "/24"}
    rtnl.link.set{ifname = "veth0", up = true}
    rtnl.link.set{ifname = "veth1", up = true}
    rtnl.route.add{dst = "10.100.0.0/16", gateway = cidr.host("10.99.0.0/24", 254)}
    rtnl.wait{link = "veth0", operstate = "UP", timeout = 5}
    rtnl.wait{link = "veth1", operstate = "UP", timeout = 5}
    for _, l in ipairs(rtnl.link.list()) do print(l.ifindex, l.ifname, l.mtu, l.operstate) end
    pp(rtnl.addr.list{dev = "veth0"})
    pp(rtnl.route.list{dev = "veth0"})
  end)
end)
netns.del(name)
if not ok then error(err, 0) end
