-- provision: an idempotent provisioning file. Run it twice: the second run
-- changes nothing and prints "nothing to do".
--
--   sudo nlsh --netns name:lab examples/provision.lua
--
-- Needs the rtnl module (bindings/rtnl).
local ensure = require "ensure"

local changes = {}
local function apply(list) for _, c in ipairs(list) do changes[#changes + 1] = c end end

apply(ensure.link{ifname = "br-lab", kind = "bridge", mtu = 1500, up = true,
                  addrs = {"10.50.0.1/24", "fd50::1/64"}})
apply(ensure.link{ifname = "lab-uplink", kind = "bridge", up = true, addrs = {"10.60.0.1/24"},
                  routes = {{dst = "10.61.0.0/16", gateway = "10.60.0.254"}}})

if #changes == 0 then print("nothing to do") end
for _, c in ipairs(changes) do print(c.op, c.object) end
return changes
