-- W2 (--json): list every route and print the list as JSON.
--   nlsh --json --netns name:NS bench/lua/w2_json.lua
local rtnl = require "rtnl"
return rtnl.route.list{}
