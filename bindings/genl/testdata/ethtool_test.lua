-- ethtool on a veth and a bridge, cross-checked with the ethtool command.

local function setup(t)
  local ns, name = t:netns()
  netns.run(ns, function()
    rtnl.link.add{ifname = "v0", kind = "veth", peer = {ifname = "v1"}}
    rtnl.link.add{ifname = "br0", kind = "bridge"}
  end)
  return ns, name
end

-- keyValues parses "key: value" lines.
local function keyValues(out)
  local kv = {}
  for line in out:gmatch("[^\n]+") do
    local k, v = line:match("^([%w%-]+):%s*(.-)%s*$")
    if k then kv[k] = v end
  end
  return kv
end

function TestInfoMatchesEthtoolI(t)
  local ns, name = setup(t)
  local h = genl.open{netns = ns}
  for _, dev in ipairs({"v0", "br0"}) do
    local want = keyValues(tool.run(name, "ethtool", "-i", dev))
    local got = h.ethtool.info{dev = dev}
    for k, v in pairs(want) do
      local key = k:gsub("%-", "_")
      local g = got[key]
      if type(g) == "boolean" then g = g and "yes" or "no" end
      if g ~= v then t:error(dev, k, "ethtool:", v, "nlsh:", tostring(g)) end
    end
  end
end

-- features parses `ethtool -k`: name -> {on=, fixed=}.
local function features(out)
  local fs = {}
  for line in out:gmatch("[^\n]+") do
    local n, st, rest = line:match("^%s*([%w%-_]+): (%a+)(.*)$")
    if n and (st == "on" or st == "off") then
      fs[n] = {on = st == "on", fixed = rest:find("%[fixed%]") ~= nil}
    end
  end
  return fs
end

function TestFeaturesMatchEthtoolK(t)
  local ns, name = setup(t)
  local h = genl.open{netns = ns}
  for _, dev in ipairs({"v0", "br0"}) do
    local want = features(tool.run(name, "ethtool", "-k", dev))
    local got = h.ethtool.features{dev = dev}
    local compared = 0
    for n, w in pairs(want) do
      local g = got[n]
      if g then
        compared = compared + 1
        if g.on ~= w.on or g.fixed ~= w.fixed then
          t:error(dev, n, "ethtool:", w.on, w.fixed, "nlsh:", g.on, g.fixed)
        end
      end
    end
    if compared < 20 then t:error(dev, "only", compared, "features compared") end
  end
end

function TestSetFeaturesSeenByEthtool(t)
  local ns, name = setup(t)
  local h = genl.open{netns = ns}
  for _, want in ipairs({true, false}) do
    h.ethtool.set_features{dev = "v0", features = {["rx-gro-list"] = want, ["rx-udp-gro-forwarding"] = want}}
    local k = features(tool.run(name, "ethtool", "-k", "v0"))
    if k["rx-gro-list"].on ~= want or k["rx-udp-gro-forwarding"].on ~= want then
      t:error("ethtool -k after set", want, k["rx-gro-list"].on, k["rx-udp-gro-forwarding"].on)
    end
    if h.ethtool.features{dev = "v0"}["rx-gro-list"].on ~= want then t:error("features after set", want) end
  end
end

-- channels parses `ethtool -l`: rx_max ... combined_count (nil for n/a).
local function channels(out)
  local c, suffix = {}, "_max"
  for line in out:gmatch("[^\n]+") do
    if line:match("^Current hardware settings") then suffix = "_count" end
    local k, v = line:match("^(%a+):%s+(%S+)")
    if k and k ~= "Channel" and k ~= "Pre" then c[k:lower() .. suffix] = tonumber(v) end
  end
  return c
end

function TestChannelsMatchEthtoolL(t)
  local ns, name = setup(t)
  local h = genl.open{netns = ns}
  local want = channels(tool.run(name, "ethtool", "-l", "v0"))
  local got = h.ethtool.channels{dev = "v0"}
  for _, k in ipairs({"rx_max", "tx_max", "other_max", "combined_max", "rx_count", "tx_count", "other_count", "combined_count"}) do
    if got[k] ~= want[k] then t:error("v0", k, "ethtool:", tostring(want[k]), "nlsh:", tostring(got[k])) end
  end
  h.ethtool.set_channels{dev = "v0", rx_count = 2, tx_count = 2}
  local after = channels(tool.run(name, "ethtool", "-l", "v0"))
  if after.rx_count ~= 2 or after.tx_count ~= 2 then t:error("ethtool -l after set_channels", after.rx_count, after.tx_count) end
  -- The bridge has no channels: both say so.
  local out, terr = tool.try(name, "ethtool", "-l", "br0")
  local ok, err = pcall(h.ethtool.channels, {dev = "br0"})
  if out ~= nil or ok or err.errno ~= "EOPNOTSUPP" then t:error("br0 channels:", tostring(terr), tostring(err)) end
end

function TestLinkAndStats(t)
  local ns, name = setup(t)
  local h = genl.open{netns = ns}
  local out = tool.run(name, "ethtool", "v0")
  local l = h.ethtool.link{dev = "v0"}
  if out:match("Speed: (%d+)Mb/s") ~= tostring(l.speed) then t:error("speed", out:match("Speed: (%S+)"), l.speed) end
  if out:match("Duplex: (%a+)"):lower() ~= l.duplex then t:error("duplex", out:match("Duplex: (%a+)"), l.duplex) end
  local det = out:match("Link detected: (%a+)")
  if det ~= (l.link_detected and "yes" or "no") then t:error("link detected", det, l.link_detected) end
  local an = out:match("Auto%-negotiation: (%a+)")
  if an ~= (l.autoneg and "on" or "off") then t:error("autoneg", an, l.autoneg) end
  local st = h.ethtool.stats{dev = "v0"}
  if st.ifname ~= "v0" or type(st.groups) ~= "table" then t:error("stats", pp.format(st)) end
  -- veth has no pause settings: ethtool -a and nlsh both say so.
  local out2 = tool.try(name, "ethtool", "-a", "v0")
  local ok, err = pcall(h.ethtool.pause, {dev = "v0"})
  if out2 ~= nil or ok or err.errno ~= "EOPNOTSUPP" or not tostring(err):find("ethtool.pause") then
    t:error("pause:", tostring(err))
  end
end
