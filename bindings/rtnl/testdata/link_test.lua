-- links, addresses, routes, neighbours and rules in a throwaway namespace,
-- cross-checked with ip -j.

local function find(list, key, val)
  for _, x in ipairs(list) do if x[key] == val then return x end end
end

local function has(list, v)
  for _, x in ipairs(list) do if x == v then return true end end
  return false
end

function TestLinkVethBridge(t)
  local ns, name = t:netns()
  netns.run(ns, function()
    rtnl.link.add{ifname = "br0", kind = "bridge"}
    rtnl.link.add{ifname = "v0", kind = "veth", mtu = 1400, peer = {ifname = "v1", mtu = 1400}}
    rtnl.link.set{ifname = "v0", master = "br0", up = true}
    rtnl.link.set{ifname = "br0", up = true, mtu = 1400}
    -- v1 is down, so v0 has no carrier: the kernel moves its operstate
    -- from UNKNOWN asynchronously (linkwatch), late on an emulated CPU
    -- (the VM lane); compare once it has (a link event, or 5 s).
    for _ = 1, 25 do
      if rtnl.link.get{ifname = "v0"}.operstate ~= "UNKNOWN" then break end
      rtnl.monitor{groups = {"link"}, count = 1, timeout = 0.2}
    end
    local l = rtnl.link.get{ifname = "v0"}
    if l.master ~= "br0" then t:error("master", l.master) end
    if l.link ~= "v1" then t:error("peer", l.link) end
    if l.linkinfo.info_kind ~= "veth" then t:error("kind", l.linkinfo.info_kind) end
    if not has(l.flags, "UP") then t:error("flags", table.concat(l.flags, ",")) end
    local ip = ipj.json(name, "link", "show", "v0")[1]
    for _, k in ipairs({"ifindex", "ifname", "mtu", "operstate", "address", "link_type", "master", "link"}) do
      if ip[k] ~= l[k] then t:error(k, "ip:", ip[k], "rtnl:", l[k]) end
    end
    if table.concat(ip.flags, ",") ~= table.concat(l.flags, ",") then
      t:error("flags ip:", table.concat(ip.flags, ","), "rtnl:", table.concat(l.flags, ","))
    end
    local all = rtnl.link.list()
    local ipall = ipj.json(name, "link", "show")
    if #all ~= #ipall then t:error("link count", #all, #ipall) end
    for _, x in ipairs(ipall) do
      if not find(all, "ifname", x.ifname) then t:error("rtnl.link.list misses", x.ifname) end
    end
    local ports = rtnl.link.list{master = "br0"}
    if #ports ~= 1 or ports[1].ifname ~= "v0" then t:error("ports of br0", #ports) end
    rtnl.link.set{ifname = "v1", name = "v1renamed"}
    if not find(ipj.json(name, "link", "show"), "ifname", "v1renamed") then t:error("rename not seen by ip") end
    rtnl.link.del{ifname = "v0"}
    if find(ipj.json(name, "link", "show"), "ifname", "v1renamed") then t:error("peer survived del") end
  end)
end

function TestAddrRoute(t)
  local ns, name = t:netns()
  local r = rtnl.open{netns = ns}
  r.link.add{ifname = "br0", kind = "bridge", up = true}
  r.addr.add{dev = "br0", address = "10.0.0.2/24"}
  r.addr.add{dev = "br0", address = "2001:db8::2/64", flags = {"nodad"}}
  local got = r.addr.list{dev = "br0", family = "inet"}
  if #got ~= 1 or got[1]["local"] ~= "10.0.0.2" or got[1].prefixlen ~= 24 then t:fatal("addr.list", pp.format(got)) end
  local ipa = ipj.json(name, "addr", "show", "dev", "br0")[1].addr_info
  local a4 = find(ipa, "family", "inet")
  for _, k in ipairs({"local", "prefixlen", "scope", "label", "family"}) do
    if a4[k] ~= got[1][k] then t:error("addr", k, a4[k], got[1][k]) end
  end
  if not find(ipa, "local", "2001:db8::2") then t:error("ip does not see the IPv6 address") end

  r.route.add{dst = "10.1.0.0/16", gateway = "10.0.0.1", metric = 10}
  r.route.add{dst = "10.2.0.0/16", dev = "br0", table = 100}
  r.route.add{dst = "default", gateway = "10.0.0.1"}
  local ipr = ipj.json(name, "route", "show", "10.1.0.0/16")[1]
  local rr = find(r.route.list(), "dst", "10.1.0.0/16")
  for _, k in ipairs({"dst", "gateway", "dev", "metric", "protocol", "scope"}) do
    -- ip leaves out protocol boot and scope global
    if ipr[k] ~= nil and ipr[k] ~= rr[k] then t:error("route", k, ipr[k], rr[k]) end
  end
  if rr.protocol ~= "boot" or rr.scope ~= "global" then t:error("defaults", rr.protocol, rr.scope) end
  if not find(r.route.list(), "dst", "default") then t:error("default route missing") end
  local t100 = r.route.list{table = 100}
  if #t100 ~= 1 or t100[1].dst ~= "10.2.0.0/16" or t100[1].table ~= "100" then t:error("table 100", pp.format(t100)) end
  if #ipj.json(name, "route", "show", "table", "100") ~= 1 then t:error("ip sees no route in table 100") end

  -- replace changes the gateway in place; ip sees the new one
  r.addr.add{dev = "br0", address = "10.0.9.2/24"}
  r.route.replace{dst = "10.1.0.0/16", gateway = "10.0.9.1", metric = 10}
  if ipj.json(name, "route", "show", "10.1.0.0/16")[1].gateway ~= "10.0.9.1" then t:error("replace not seen") end
  r.route.del{dst = "10.1.0.0/16", metric = 10}
  if #ipj.json(name, "route", "show", "10.1.0.0/16") ~= 0 then t:error("route del not seen") end
  r.addr.del{dev = "br0", address = "10.0.9.2/24"}
  local g = r.route.get{dst = "10.0.0.77"}
  if g.dev ~= "br0" then t:error("route.get dev", g.dev) end
end

function TestIdempotent(t)
  local ns, name = t:netns()
  netns.run(ns, function()
    for _ = 1, 2 do
      rtnl.link.add{ifname = "br0", kind = "bridge", mtu = 1400, up = true, exist_ok = true}
      rtnl.addr.add{dev = "br0", address = "10.5.0.1/24", exist_ok = true}
      rtnl.route.add{dst = "10.6.0.0/16", dev = "br0", exist_ok = true}
      rtnl.route.replace{dst = "10.7.0.0/16", dev = "br0"}
      rtnl.addr.replace{dev = "br0", address = "10.8.0.1/24"}
      rtnl.rule.add{src = "10.1.0.0/24", table = 100, priority = 1000, exist_ok = true}
      rtnl.neigh.replace{dst = "10.5.0.9", dev = "br0", lladdr = "02:00:00:00:00:09", state = {"permanent"}}
    end
    if #ipj.json(name, "-4", "addr", "show", "dev", "br0")[1].addr_info ~= 2 then t:error("addresses doubled") end
    if #ipj.json(name, "route", "show", "10.6.0.0/16") ~= 1 then t:error("route doubled") end
    local rules = ipj.json(name, "rule", "show")
    local n = 0
    for _, x in ipairs(rules) do if x.priority == 1000 then n = n + 1 end end
    if n ~= 1 then t:error("rule count", n) end
    local nb = ipj.json(name, "neigh", "show", "dev", "br0")
    local e = find(nb, "dst", "10.5.0.9")
    if not e or e.lladdr ~= "02:00:00:00:00:09" then t:error("neigh", pp.format(nb)) end
    local rl = find(rtnl.rule.list(), "priority", 1000)
    if not rl or rl.src ~= "10.1.0.0/24" or rl.table ~= "100" then t:error("rule.list", pp.format(rl)) end
    rtnl.rule.del{priority = 1000}
    rtnl.neigh.del{dst = "10.5.0.9", dev = "br0"}
    if find(ipj.json(name, "neigh", "show", "dev", "br0"), "dst", "10.5.0.9") then t:error("neigh del") end
  end)
end

function TestErrorValue(t)
  local ns = t:netns()
  netns.run(ns, function()
    rtnl.link.add{ifname = "br0", kind = "bridge"}
    rtnl.addr.add{dev = "br0", address = "10.0.0.2/24"}
    local ok, e = pcall(rtnl.addr.add, {dev = "br0", address = "10.0.0.2/24"})
    if ok then t:fatal("second add succeeded") end
    if e.op ~= "RTM_NEWADDR" then t:error("op", e.op) end
    if e.errno ~= "EEXIST" or e.code ~= 17 then t:error("errno", e.errno, e.code) end
    if not tostring(e.object):find("10.0.0.2/24", 1, true) then t:error("object", e.object) end
    if not tostring(e):find("link_test.lua:%d+:") then t:error("tostring names no line:", tostring(e)) end
    local ok2, e2 = pcall(rtnl.link.get, {ifname = "nosuch0"})
    if ok2 or e2.errno ~= "ENODEV" then t:error("get missing link", tostring(e2)) end
    local ok3, e3 = pcall(rtnl.addr.add, {dev = "nosuch0", address = "10.0.0.3/24"})
    if ok3 or not tostring(e3):find('field "dev": "nosuch0": no such device', 1, true) then t:error("unknown dev", tostring(e3)) end
  end)
end
