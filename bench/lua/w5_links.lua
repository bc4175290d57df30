-- W5: list every link and count them.
--   nlsh --netns name:NS bench/lua/w5_links.lua
local rtnl = require "rtnl"
print(#rtnl.link.list())
