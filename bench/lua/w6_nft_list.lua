-- W6 (slot): list the whole ruleset; prints the number of rules.
--   nlsh --netns name:NS bench/lua/w6_nft_list.lua
local nfnl = require "nfnl"
print(#nfnl.ruleset().rules)
