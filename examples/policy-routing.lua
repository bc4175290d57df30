-- policy-routing: traffic from 10.1.0.0/24 uses table 100 with its own
-- default route; everything else uses main. Runs in a throwaway namespace.
--
--   sudo nlsh examples/policy-routing.lua
--
-- Needs the rtnl module (bindings/rtnl).
local rtnl, netns = require "rtnl", require "netns"

local name = "nlsh-policy-" .. os.time()
local ns = netns.add(name)
local ok, err = pcall(netns.run, ns, function()
  rtnl.link.add{ifname = "uplink1", kind = "bridge"}
  rtnl.link.add{ifname = "uplink2", kind = "bridge"}
  rtnl.addr.add{dev = "uplink1", address = "192.0.2.2/24"}
  rtnl.addr.add{dev = "uplink2", address = "198.51.100.2/24"}
  rtnl.link.set{ifname = "uplink1", up = true}
  rtnl.link.set{ifname = "uplink2", up = true}
  rtnl.route.add{dst = "default", gateway = "192.0.2.1"}
  rtnl.route.add{dst = "default", gateway = "198.51.100.1", table = 100}
  rtnl.rule.add{src = "10.1.0.0/24", table = 100, priority = 1000}
  pp(rtnl.rule.list())
  pp(rtnl.route.list{table = 100})
end)
netns.del(name)
if not ok then error(err, 0) end
