-- W4: add N IPv4 /32 addresses (172.16.0.0 counted up) on bench0, in one batch.
--   nlsh --netns name:NS bench/lua/w4_addrs.lua N
local rtnl = require "rtnl"
local n = tonumber(arg[1]) or 5000
local floor, fmt = math.floor, string.format

rtnl.batch(function()
  for i = 0, n - 1 do
    rtnl.addr.add{
      dev = "bench0",
      address = fmt("172.%d.%d.%d/32", 16 + floor(i / 65536), floor(i / 256) % 256, i % 256),
    }
  end
end)
