-- bridge-namespaces: N throwaway namespaces joined by a bridge in another
-- throwaway namespace; each can reach the others. Removes everything at
-- the end unless KEEP is given.
--
--   sudo nlsh examples/bridge-namespaces.lua [N] [KEEP]
--
-- Needs the rtnl module (bindings/rtnl).
local rtnl, netns = require "rtnl", require "netns"

local n = tonumber(arg[1] or "3")
local tag = tostring(os.time() % 100000)
local hub = netns.add("nlsh-hub-" .. tag)
local names = {"nlsh-hub-" .. tag}

netns.run(hub, function()
  rtnl.link.add{ifname = "br0", kind = "bridge"}
  rtnl.link.set{ifname = "br0", up = true}
end)
for i = 1, n do
  local name = "nlsh-leaf" .. i .. "-" .. tag
  local leaf = netns.add(name)
  names[#names + 1] = name
  netns.run(hub, function()
    rtnl.link.add{ifname = "p" .. i, kind = "veth", peer = {ifname = "eth0", netns = leaf}}
    rtnl.link.set{ifname = "p" .. i, master = "br0", up = true}
  end)
  netns.run(leaf, function()
    rtnl.addr.add{dev = "eth0", address = cidr.host("10.77.0.0/24", i) .. "/24"}
    rtnl.link.set{ifname = "eth0", up = true}
  end)
end
print("namespaces:", table.concat(names, " "))
print("try: ip netns exec " .. names[2] .. " ping -c1 " .. cidr.host("10.77.0.0/24", n))
if arg[2] ~= "KEEP" then
  for _, name in ipairs(names) do netns.del(name) end
end
return names
