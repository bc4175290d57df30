-- W3, one process per container (as an OCI hook would run): the same wiring
-- as w3_wire.lua for one container namespace CONTAINER and index I.
--   nlsh --netns name:HOSTNS bench/lua/w3_one.lua CONTAINER I
local rtnl, netns = require "rtnl", require "netns"
local c, i = netns.named(arg[1]), tonumber(arg[2])

rtnl.link.add{ifname = "h" .. i, kind = "veth", peer = {ifname = "eth0", netns = c}}
rtnl.link.set{ifname = "h" .. i, up = true}
netns.run(c, function()
  rtnl.link.set{ifname = "eth0", up = true}
  rtnl.addr.add{dev = "eth0",
                address = string.format("10.200.%d.%d/16", math.floor((i + 2) / 256), (i + 2) % 256)}
  rtnl.route.add{dst = "default", gateway = "10.200.0.1"}
end)
