-- W6 (slot): load N nftables rules in one atomic transaction — the same
-- ruleset as the harness's nft -f file.
--   nlsh --netns name:NS bench/lua/w6_nft_load.lua N
local nfnl = require "nfnl"
local n = tonumber(arg[1]) or 10000
local floor, fmt = math.floor, string.format

nfnl.transaction(function(tx)
  tx.table.add{family = "inet", name = "nlshbench"}
  tx.chain.add{family = "inet", table = "nlshbench", name = "input",
               type = "filter", hook = "input", priority = 0, policy = "accept"}
  for i = 0, n - 1 do
    tx.rule.add{family = "inet", table = "nlshbench", chain = "input",
                rule = fmt("ip saddr 10.%d.%d.%d tcp dport 80 counter accept",
                           floor(i / 65536) % 256, floor(i / 256) % 256, i % 256)}
  end
end)
