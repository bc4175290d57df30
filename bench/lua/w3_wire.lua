-- W3, all containers from one script: for each container namespace
-- PREFIX0..PREFIX(N-1), a veth hI in the current namespace whose peer eth0
-- is created directly inside the container; both up; eth0 gets
-- 10.200.0.0/16 + I + 2 and a default route via 10.200.0.1.
--   nlsh --netns name:HOSTNS bench/lua/w3_wire.lua PREFIX N
local rtnl, netns = require "rtnl", require "netns"
local prefix, n = arg[1], tonumber(arg[2])
local floor, fmt = math.floor, string.format

rtnl.batch(function()
  for i = 0, n - 1 do
    rtnl.link.add{ifname = "h" .. i, kind = "veth",
                  peer = {ifname = "eth0", netns = netns.named(prefix .. i)}}
  end
end)
rtnl.batch(function()
  for i = 0, n - 1 do rtnl.link.set{ifname = "h" .. i, up = true} end
end)
for i = 0, n - 1 do
  netns.run(netns.named(prefix .. i), function()
    rtnl.link.set{ifname = "eth0", up = true}
    rtnl.addr.add{dev = "eth0", address = fmt("10.200.%d.%d/16", floor((i + 2) / 256), (i + 2) % 256)}
    rtnl.route.add{dst = "default", gateway = "10.200.0.1"}
  end)
end
