-- W2 (--json): dump every route and print them as one JSON list, streamed
-- (--json writes a returned iterator as the list of its values).
--   nlsh --json --netns name:NS bench/lua/w2_json.lua
local rtnl = require "rtnl"
return rtnl.route.each{}
