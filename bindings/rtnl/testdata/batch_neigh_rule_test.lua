-- neighbours and rules inside rtnl.batch go through the family's bulk
-- calls; each result maps to its call.

function TestBatchNeighsRules(t)
  local ns, name = t:netns()
  netns.run(ns, function()
    rtnl.link.add{ifname = "br0", kind = "bridge", up = true}
    local res = rtnl.batch(function()
      rtnl.neigh.add{dev = "br0", dst = "10.0.0.5", lladdr = "02:00:00:00:00:05"}
      rtnl.neigh.add{dev = "br0", dst = "10.0.0.5", lladdr = "02:00:00:00:00:05"}
      rtnl.neigh.add{dev = "br0", dst = "10.0.0.6", lladdr = "02:00:00:00:00:06"}
      rtnl.rule.add{priority = 700, src = "10.70.0.0/16", table = 70}
      rtnl.rule.add{priority = 701, src = "10.71.0.0/16", table = 71}
    end, {raise = false})
    if #res ~= 5 then t:fatal("results", #res) end
    for i, r in ipairs(res) do
      if (i == 2) == r.ok then t:error("result", i, r.fn, r.ok, tostring(r.error)) end
    end
    if res[2].error.errno ~= "EEXIST" then t:error("duplicate neighbour:", tostring(res[2].error)) end
    if #ipj.json(name, "neigh", "show", "dev", "br0") ~= 2 then t:error("ip neigh") end
    if #ipj.json(name, "rule", "show", "pref", "700") ~= 1 or #ipj.json(name, "rule", "show", "pref", "701") ~= 1 then
      t:error("ip rule")
    end
    rtnl.batch(function()
      rtnl.neigh.del{dev = "br0", dst = "10.0.0.5"}
      rtnl.neigh.del{dev = "br0", dst = "10.0.0.6"}
      rtnl.rule.del{priority = 700}
      rtnl.rule.del{priority = 701}
    end)
    if #ipj.json(name, "neigh", "show", "dev", "br0") ~= 0 then t:error("neighbours left") end
    if #ipj.json(name, "rule", "show", "pref", "700") ~= 0 then t:error("rule left") end
  end)
end
