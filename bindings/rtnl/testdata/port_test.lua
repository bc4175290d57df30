-- bridge port options: read as ip -j -d prints info_slave_data, set with
-- rtnl.link.set{port = ...} (in the same call as master, or later).

function TestBridgePort(t)
  local ns, name = t:netns()
  netns.run(ns, function()
    rtnl.link.add{ifname = "br0", kind = "bridge"}
    rtnl.link.add{ifname = "p0", kind = "veth", peer = {ifname = "p1"}}
    rtnl.link.add{ifname = "q0", kind = "veth", peer = {ifname = "q1"}}
    rtnl.link.set{ifname = "p0", master = "br0", port = {cost = 9, learning = false}}
    rtnl.link.set{ifname = "q0", master = "br0"}
    rtnl.link.set{ifname = "q0", port = {priority = 7, hairpin = true, flood = false}}
    for _, row in ipairs{{"p0", "cost", 9}, {"p0", "learning", false}, {"q0", "priority", 7},
                         {"q0", "hairpin", true}, {"q0", "flood", false}} do
      local dev, k, want = row[1], row[2], row[3]
      local ip = ipj.json(name, "-d", "link", "show", dev)[1].linkinfo
      local l = rtnl.link.get{ifname = dev}.linkinfo
      if ip.info_slave_kind ~= "bridge" or l.info_slave_kind ~= "bridge" then
        t:error(dev, "info_slave_kind ip:", ip.info_slave_kind, "rtnl:", l.info_slave_kind)
      end
      if ip.info_slave_data[k] ~= want then t:error(dev, k, "ip:", ip.info_slave_data[k], "want", want) end
      if l.info_slave_data[k] ~= want then t:error(dev, k, "rtnl:", l.info_slave_data[k], "want", want) end
    end
    local ok, err = pcall(rtnl.link.set, {ifname = "p1", port = {cost = 3}})
    if ok or not tostring(err):find("no port", 1, true) then t:error("port on a link without master:", err) end
    ok, err = pcall(rtnl.link.set, {ifname = "p0", port = {cost = 0}})
    if ok or not tostring(err):find("port.cost", 1, true) then t:error("cost 0:", err) end
    if ipj.json(name, "-d", "link", "show", "p0")[1].linkinfo.info_slave_data.cost ~= 9 then t:error("a refused set changed cost") end
  end)
end
