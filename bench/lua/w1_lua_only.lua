-- W1's script without netlink: the same loop, the same argument tables and
-- strings, handed to a Go function that does nothing with them (type)
-- instead of rtnl.route.add. What the interpreter alone costs: a bound no
-- binding of gopher-lua can go under.
--   nlsh bench/lua/w1_lua_only.lua N
local rtnl = require "rtnl"
local n = tonumber(arg[1]) or 10000
local floor, fmt = math.floor, string.format
local add = type

rtnl.batch(function()
  for i = 0, n - 1 do
    add{
      dst = fmt("10.%d.%d.%d/32", floor(i / 65536) % 256, floor(i / 256) % 256, i % 256),
      dev = "bench0",
    }
  end
end)
