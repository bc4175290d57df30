-- master, link, group and flags spelled as ip -j -d link show spells
-- them, for every link of a namespace with links in every state.

local fields = {"ifname", "master", "link", "link_index", "link_netnsid", "group"}

local function same(t, what, ip, l)
  for _, k in ipairs(fields) do
    if ip[k] ~= l[k] then t:error(what, ip.ifname, k, "ip:", ip[k], "rtnl:", l[k]) end
  end
  if table.concat(ip.flags, ",") ~= table.concat(l.flags, ",") then
    t:error(what, ip.ifname, "flags ip:", table.concat(ip.flags, ","), "rtnl:", table.concat(l.flags, ","))
  end
end

function TestLinkNamesAsIP(t)
  local ns, name = t:netns()
  local other = t:netns()
  netns.run(ns, function()
    rtnl.link.add{ifname = "a0", kind = "veth", peer = {ifname = "a1"}}
    rtnl.link.add{ifname = "b0", kind = "veth", peer = {ifname = "b1"}, up = true}
    rtnl.link.add{ifname = "br0", kind = "bridge", up = true}
    rtnl.link.add{ifname = "c0", kind = "veth", peer = {ifname = "c1"}, up = true}
    rtnl.link.set{ifname = "c1", up = true}
    rtnl.link.set{ifname = "c1", master = "br0"}
    rtnl.link.set{ifname = "a1", group = 5}
    rtnl.link.add{ifname = "x0", kind = "veth", peer = {ifname = "x1", netns = other}, up = true}
    rtnl.wait{link = "c0", carrier = true, timeout = 5}
    rtnl.wait{link = "br0", carrier = true, timeout = 5}
    -- b0 and x0 are up with their peers down: the kernel moves their
    -- operstate from UNKNOWN (shown RUNNING) asynchronously (linkwatch),
    -- late on an emulated CPU (the VM lane); compare once it has.
    for _, dev in ipairs({"b0", "x0"}) do
      for _ = 1, 25 do
        if rtnl.link.get{ifname = dev}.operstate ~= "UNKNOWN" then break end
        rtnl.monitor{groups = {"link"}, count = 1, timeout = 0.2}
      end
    end
    local ip = ipj.json(name, "-d", "link", "show")
    local all = rtnl.link.list()
    if #all ~= #ip then t:fatal("link count", #all, #ip) end
    for i, x in ipairs(ip) do
      same(t, "list", x, all[i])
      same(t, "get", ipj.json(name, "-d", "link", "show", "dev", x.ifname)[1], rtnl.link.get{ifname = x.ifname})
    end
  end)
end
