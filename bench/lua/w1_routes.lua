-- W1: add N IPv4 /32 routes (10.0.0.0 counted up) on bench0, in one batch.
--   nlsh --netns name:NS bench/lua/w1_routes.lua N
local rtnl = require "rtnl"
local n = tonumber(arg[1]) or 10000
local floor, fmt = math.floor, string.format

rtnl.batch(function()
  for i = 0, n - 1 do
    rtnl.route.add{
      dst = fmt("10.%d.%d.%d/32", floor(i / 65536) % 256, floor(i / 256) % 256, i % 256),
      dev = "bench0",
    }
  end
end)
