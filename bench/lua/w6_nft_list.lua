-- W6 (slot): list the whole ruleset. PROVISIONAL, see w6_nft_load.lua.
--   nlsh --netns name:NS bench/lua/w6_nft_list.lua
local nfnl = require "nfnl"
local n = 0
for _, t in ipairs(nfnl.ruleset()) do n = n + 1 end
print(n)
