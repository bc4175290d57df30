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
    rtnl.link.add{ifname = "dummy0", kind = "dummy", mtu = 1400}
    rtnl.addr.add{dev = "dummy0", address = cidr.host("10.99.0.0/24", 1) .. "/24"}
    rtnl.link.set{ifname = "dummy0", up = true}
    rtnl.route.add{dst = "10.100.0.0/16", gateway = cidr.host("10.99.0.0/24", 254)}
    for _, l in ipairs(rtnl.link.list()) do print(l.ifindex, l.ifname, l.mtu, l.operstate) end
    pp(rtnl.addr.list{dev = "dummy0"})
    pp(rtnl.route.list{dev = "dummy0"})
  end)
end)
netns.del(name)
if not ok then error(err, 0) end
