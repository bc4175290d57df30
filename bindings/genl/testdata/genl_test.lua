-- The controller and raw requests, cross-checked with `genl ctrl list`
-- and `ip -j link`.

-- ctrlList parses `genl ctrl list`: families by name with id, version and
-- groups ({name = id}).
local function ctrlList(out)
  local fams, cur, inGroups = {}, nil, false
  for line in out:gmatch("[^\n]+") do
    local name = line:match("^Name: (%S+)")
    if name then
      cur = {name = name, groups = {}}
      fams[name] = cur
      inGroups = false
    elseif cur then
      local id, ver = line:match("^%s+ID: (0x%x+)%s+Version: (0x%x+)")
      if id then cur.id, cur.version = tonumber(id), tonumber(ver) end
      if line:match("multicast groups:") then inGroups = true end
      local gid, gname = line:match("ID%-(0x%x+)%s+name: (%S+)")
      if inGroups and gid then cur.groups[gname] = tonumber(gid) end
    end
  end
  return fams
end

function TestFamiliesMatchGenlCtrlList(t)
  local _, name = t:netns()
  local want = ctrlList(tool.run(name, "genl", "ctrl", "list"))
  local h = genl.open{netns = "name:" .. name}
  local got = h.families()
  local n = 0
  for _ in pairs(want) do n = n + 1 end
  if #got ~= n then t:error("families:", #got, "genl ctrl list:", n) end
  for _, f in ipairs(got) do
    local w = want[f.name]
    if not w then
      t:error("genl ctrl list lacks", f.name)
    else
      if w.id ~= f.id then t:error(f.name, "id", f.id, "want", w.id) end
      if w.version ~= f.version then t:error(f.name, "version", f.version, "want", w.version) end
      local ng = 0
      for _, g in ipairs(f.groups) do
        ng = ng + 1
        if w.groups[g.name] ~= g.id then t:error(f.name, "group", g.name, g.id, "want", w.groups[g.name]) end
      end
      local nw = 0
      for _ in pairs(w.groups) do nw = nw + 1 end
      if ng ~= nw then t:error(f.name, "groups", ng, "want", nw) end
    end
  end
  local eth = h.family("ethtool")
  if eth.id ~= want.ethtool.id or #eth.ops == 0 then t:error("genl.family ethtool", eth.id, #eth.ops) end
  local ok, err = pcall(genl.family, "nlsh-nofam")
  if ok or err.errno ~= "ENOENT" then t:error("missing family:", tostring(err)) end
  local p = h.policy("ethtool")
  if not p.sets or not p.sets[0] then t:error("policy of ethtool has no top-level set") end
end

-- le32 reads a little-endian u32 out of a byte string.
local function le32(s)
  local a, b, c, d = s:byte(1, 4)
  return a + b * 256 + c * 65536 + d * 16777216
end

function TestRawRequestWithoutSchema(t)
  -- netdev is new in Linux 6.3: the VM lane's 6.1 lacks it.
  if not tool.kernel_at_least(6, 3) then t:skip("needs generic netlink family netdev, new in Linux 6.3") end
  local ns, name = t:netns()
  netns.run(ns, function()
    rtnl.link.add{ifname = "v0", kind = "veth", peer = {ifname = "v1"}}
    -- netdev DEV_GET (1) as a dump, attributes by number and bytes.
    local reps = genl.request{family = "netdev", cmd = 1, flags = {"dump"}, raw = true}
    local links = rtnl.link.list()
    if #reps ~= #links then t:fatal("netdev dump:", #reps, "links:", #links) end
    local seen = {}
    for _, r in ipairs(reps) do
      if r.cmd_name ~= "1" or type(r.attrs[1]) ~= "string" or #r.attrs[1] ~= 4 then
        t:fatal("raw reply", pp.format(r))
      end
      seen[le32(r.attrs[1])] = true
    end
    for _, l in ipairs(links) do
      if not seen[l.ifindex] then t:error("netdev dump misses ifindex", l.ifindex) end
    end
    -- One device, by number: raw attribute in, raw attributes out.
    local v0 = rtnl.link.get{ifname = "v0"}
    local b = string.char(v0.ifindex % 256, math.floor(v0.ifindex / 256) % 256, 0, 0)
    local one = genl.request{family = "netdev", cmd = 1, attrs = {[1] = b}, raw = true}
    if #one ~= 1 or le32(one[1].attrs[1]) ~= v0.ifindex then t:error("netdev get raw", pp.format(one)) end
    -- The same through the schema: names both ways.
    local named = genl.request{family = "netdev", cmd = "dev-get", attrs = {ifindex = v0.ifindex}}
    if named[1].cmd_name ~= "DEV_GET" or named[1].attrs.ifindex ~= v0.ifindex then t:error("netdev get named", pp.format(named)) end
    local devs = genl.netdev.list()
    if #devs ~= #links then t:error("genl.netdev.list", #devs) end
    if genl.netdev.get{ifindex = v0.ifindex}.ifindex ~= v0.ifindex then t:error("genl.netdev.get") end
    -- The controller itself, by name.
    local ctrl = genl.request{family = "nlctrl", cmd = 3, attrs = {[2] = "ethtool\0"}, raw = true}
    if #ctrl ~= 1 then t:error("nlctrl raw", #ctrl) end
  end)
end

function TestEventsEthtoolMonitor(t)
  local ns = t:netns()
  local h = genl.open{netns = ns}
  netns.run(ns, function() rtnl.link.add{ifname = "v0", kind = "veth", peer = {ifname = "v1"}} end)
  local evs = h.events{family = "ethtool", group = "monitor", count = 1, timeout = 5, start = function()
    h.ethtool.set_features{dev = "v0", features = {["rx-gro-list"] = true}}
  end}
  if #evs ~= 1 or evs[1].cmd_name ~= "FEATURES_NTF" or evs[1].attrs.header.dev_name ~= "v0" then
    t:error("events", pp.format(evs))
  end
  local none = h.events{family = "ethtool", group = "monitor", timeout = 0.2}
  if #none ~= 0 then t:error("events without changes", #none) end
end
