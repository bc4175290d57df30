-- rtnl.route.each, rtnl.batch, rtnl.wait and rtnl.monitor.

function TestBatchAndEach(t)
  local ns, name = t:netns()
  netns.run(ns, function()
    rtnl.link.add{ifname = "br0", kind = "bridge", up = true}
    local res = rtnl.batch(function()
      for i = 1, 300 do
        rtnl.route.add{dst = "10.200." .. math.floor(i / 256) .. "." .. (i % 256) .. "/32", dev = "br0"}
      end
    end)
    if #res ~= 300 or not res[300].ok or res[1].fn ~= "rtnl.route.add" then t:fatal("batch results", #res) end
    if #ipj.json(name, "route", "show", "root", "10.200.0.0/16") ~= 300 then t:error("ip does not see 300 routes") end

    local n = 0
    for r in rtnl.route.each{dev = "br0", family = "inet"} do
      n = n + 1
      -- other calls inside the loop use another connection
      if n == 1 and #rtnl.link.list() ~= 2 then t:error("nested call") end
    end
    if n ~= 300 then t:error("each saw", n) end
    -- break out early, many times: the next calls must not hang
    -- (gopher-lua miscompiles a loop whose body is only "break" inside
    -- another loop: it leaves the outer loop too; hence the counter)
    local broke = 0
    for _ = 1, 8 do
      for r in rtnl.route.each{dev = "br0"} do broke = broke + 1 break end
    end
    if broke ~= 8 then t:error("broken loops", broke) end
    if #rtnl.route.list{dev = "br0", family = "inet"} ~= 300 then t:error("list after broken loops") end

    -- a failing call in a batch: per-call results without raising
    res = rtnl.batch(function()
      rtnl.addr.add{dev = "br0", address = "10.9.0.1/24"}
      rtnl.addr.add{dev = "br0", address = "10.9.0.1/24"}
      rtnl.addr.add{dev = "br0", address = "10.9.1.1/24"}
    end, {raise = false})
    if not res[1].ok or res[2].ok or not res[3].ok then t:error("batch oks", res[1].ok, res[2].ok, res[3].ok) end
    if res[2].error.errno ~= "EEXIST" or not tostring(res[2].error):find("stream_test.lua:35:", 1, true) then
      t:error("batch error not mapped to its call:", tostring(res[2].error))
    end
    -- and raised by default, naming the line of the call
    local ok, e = pcall(rtnl.batch, function()
      rtnl.link.add{ifname = "x1", kind = "bridge"}
      rtnl.link.add{ifname = "br0", kind = "bridge"}
    end)
    if ok or e.errno ~= "EEXIST" or not tostring(e):find("stream_test.lua:45:", 1, true) then t:error("batch raise:", tostring(e)) end
  end)
end

function TestWaitAndMonitor(t)
  local ns = t:netns()
  local r = rtnl.open{netns = ns}
  r.link.add{ifname = "br0", kind = "bridge"}
  local l = r.wait{link = "br0", exists = true, timeout = 5}
  if not l or l.ifname ~= "br0" then t:error("wait exists") end
  r.link.set{ifname = "br0", up = true}
  l = r.wait{link = "br0", up = true, timeout = 5}
  if l.ifname ~= "br0" then t:error("wait up") end
  local ok, e = pcall(r.wait, {link = "br0", exists = false, timeout = 0.1})
  if ok or not tostring(e):find("br0", 1, true) then t:error("wait timeout:", tostring(e)) end
  r.addr.add{dev = "br0", address = "2001:db8::5/64", flags = {"nodad"}}
  local a = r.wait{addr = "2001:db8::5", dev = "br0", tentative = false, timeout = 5}
  if a["local"] ~= "2001:db8::5" then t:error("wait addr") end
  -- no events in 0.1 s: an empty list, not an error
  local evs = r.monitor{groups = {"link"}, timeout = 0.1}
  if #evs ~= 0 then t:error("events from nowhere", #evs) end
end
