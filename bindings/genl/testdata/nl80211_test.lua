-- nl80211 with mac80211_hwsim radios, in the VM lane (make test-vm). A
-- radio is moved into a throwaway namespace (the kernel moves it back
-- when that namespace goes) and everything else happens there.

local function requireHwsim(t)
  local ok, ws = pcall(nl80211.wiphys)
  local msg = "nl80211 with mac80211_hwsim radios is not in this kernel; runs in the VM lane: make test-vm"
  if ok and #ws > 0 then return ws end
  if os.getenv("NLSH_VM_LANE") == "1" then t:fatal(msg) end
  t:skip(msg)
end

function TestNL80211Hwsim(t)
  local ws = requireHwsim(t)
  local w = ws[#ws]
  if #w.bands == 0 or #w.supported_iftypes == 0 then t:fatal("wiphy", pp.format(w)) end
  local ns, name = t:netns()
  nl80211.set_netns{wiphy = w.wiphy, netns = ns}
  local h = genl.open{netns = ns}
  local ifs = h.nl80211.interfaces()
  if #ifs ~= 1 or ifs[1].wiphy ~= w.wiphy then t:fatal("interfaces", pp.format(ifs)) end
  local dev = ifs[1].ifname
  for _, typ in ipairs({"monitor", "station"}) do
    h.nl80211.set_type{dev = dev, type = typ}
    if h.nl80211.interfaces()[1].iftype ~= typ then t:error("set_type", typ) end
  end
  local made = h.nl80211.create{wiphy = w.wiphy_name, ifname = "mon0", type = "monitor"}
  if made.ifname ~= "mon0" or made.iftype ~= "monitor" then t:error("create", pp.format(made)) end
  h.nl80211.delete{dev = "mon0"}
  if #h.nl80211.interfaces() ~= 1 then t:error("delete") end
  netns.run(ns, function() rtnl.link.set{ifname = dev, up = true} end)
  local bss = h.nl80211.scan{dev = dev, timeout = 20}
  if type(bss) ~= "table" then t:error("scan", pp.format(bss)) end
  for _, b in ipairs(bss) do
    if not b.bssid or not b.frequency then t:error("bss", pp.format(b)) end
  end
  if type(h.nl80211.stations{dev = dev}) ~= "table" then t:error("stations") end
end
