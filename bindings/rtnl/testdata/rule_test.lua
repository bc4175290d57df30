-- rules as ip rule shows them.

function TestRuleListAllFamilies(t)
  local ns, name = t:netns()
  netns.run(ns, function()
    local all = rtnl.rule.list{}
    local want = #ipj.json(name, "-4", "rule", "show") + #ipj.json(name, "-6", "rule", "show")
    if #all ~= want then t:error("rule.list lists", #all, "rules, ip", want) end
    for _, r in ipairs(all) do
      if r.family ~= "inet" and r.family ~= "inet6" then t:error("family", r.family) end
    end
  end)
end
