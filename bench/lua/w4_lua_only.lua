-- W4's script without netlink: the same loop, argument tables and strings,
-- handed to a Go function that does nothing with them (type) instead of
-- rtnl.addr.add. What the interpreter alone costs.
--   nlsh bench/lua/w4_lua_only.lua N
local rtnl = require "rtnl"
local n = tonumber(arg[1]) or 5000
local floor, fmt = math.floor, string.format
local add = type

rtnl.batch(function()
  for i = 0, n - 1 do
    add{
      dev = "bench0",
      address = fmt("172.%d.%d.%d/32", 16 + floor(i / 65536), floor(i / 256) % 256, i % 256),
    }
  end
end)
