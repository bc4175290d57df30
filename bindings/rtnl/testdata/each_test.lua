-- rtnl.link.each, rtnl.addr.each and rtnl.neigh.each stream what list
-- returns, with the same filters, and let the loop body make calls.

-- Both sort: a neighbour dump walks the kernel's hash table, whose order
-- can change between two dumps (it grows or is rehashed).
local function collect(it, key)
  local out = {}
  for x in it do out[#out + 1] = x[key] end
  table.sort(out)
  return table.concat(out, ",")
end

local function keys(list, key)
  local out = {}
  for _, x in ipairs(list) do out[#out + 1] = x[key] end
  table.sort(out)
  return table.concat(out, ",")
end

function TestEachLinkAddrNeigh(t)
  local ns, name = t:netns()
  netns.run(ns, function()
    rtnl.link.add{ifname = "br0", kind = "bridge", up = true}
    for i = 1, 5 do
      rtnl.link.add{ifname = "v" .. i, kind = "veth", peer = {ifname = "p" .. i}}
      rtnl.link.set{ifname = "v" .. i, master = "br0"}
      rtnl.addr.add{dev = "br0", address = "10.8.0." .. i .. "/24"}
    end
    -- after the ports: a port joining changes br0's address, which
    -- flushes its neighbours
    for i = 1, 5 do
      rtnl.neigh.add{dev = "br0", dst = "10.8.0." .. (100 + i), lladdr = "02:00:00:00:00:0" .. i}
    end
    if collect(rtnl.link.each{}, "ifname") ~= keys(rtnl.link.list(), "ifname") then t:error("link.each") end
    if collect(rtnl.link.each{master = "br0"}, "ifname") ~= "v1,v2,v3,v4,v5" then t:error("link.each master") end
    if collect(rtnl.link.each{kind = "bridge"}, "ifname") ~= "br0" then t:error("link.each kind") end
    local ipl = ipj.json(name, "link", "show")
    local n = 0
    for l in rtnl.link.each{} do
      n = n + 1
      if l.ifname ~= ipl[n].ifname or l.group ~= ipl[n].group then t:error("link", n, l.ifname, ipl[n].ifname) end
      if n == 1 and #rtnl.addr.list{dev = "br0"} < 5 then t:error("call inside the loop") end
    end
    if collect(rtnl.addr.each{dev = "br0", family = "inet"}, "local") ~= keys(rtnl.addr.list{dev = "br0", family = "inet"}, "local") then
      t:error("addr.each")
    end
    local na = 0
    for _ in rtnl.addr.each{family = "inet"} do na = na + 1 end
    if na ~= 5 then t:error("addr.each family", na) end
    -- The kernel may change the table between two dumps (it failed once
    -- in CI under -race, cause unseen): a pair that disagrees is taken
    -- again, and a failure shows both sides.
    local got, want
    for _ = 1, 3 do
      want = keys(rtnl.neigh.list{dev = "br0", family = "inet"}, "dst")
      got = collect(rtnl.neigh.each{dev = "br0", family = "inet"}, "dst")
      if got == want then break end
    end
    if got ~= want then t:error("neigh.each", got, "list", want) end
    local broke = 0
    for _ = 1, 6 do
      for _ in rtnl.neigh.each{} do broke = broke + 1 break end
    end
    if broke ~= 6 then t:error("broken loops", broke) end
    local mine = 0
    for _, x in ipairs(rtnl.neigh.list{dev = "br0", family = "inet"}) do
      if x.dst:find("^10%.8%.0%.10") then mine = mine + 1 end
    end
    if mine ~= 5 then t:error("list after broken loops", mine) end
    local ok, e = pcall(function() for _ in rtnl.addr.each{dev = "nosuch0"} do end end)
    if ok or not tostring(e):find("nosuch0", 1, true) then t:error("each on a missing device:", tostring(e)) end
  end)
end
