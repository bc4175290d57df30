-- W2: stream the IPv4 route dump through Lua, one route at a time, and count.
--   nlsh --netns name:NS bench/lua/w2_dump.lua
local rtnl = require "rtnl"
local n = 0
for r in rtnl.route.each{} do
  if r.dst then n = n + 1 end
end
print(n)
