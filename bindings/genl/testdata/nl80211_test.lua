-- nl80211 with mac80211_hwsim radios, in the VM lane (make test-vm). The
-- test makes a radio of its own (tool.hwsim_radio, through the
-- MAC80211_HWSIM family: another test binary may be using hwsim at the
-- same time), moves it into a throwaway namespace, does everything else
-- there and deletes the radio at the end (or the Go side does, should the
-- test fail first).

local function requireHwsim(t)
  local msg = "nl80211 and mac80211_hwsim (family MAC80211_HWSIM) are not in this kernel; runs in the VM lane: make test-vm"
  if pcall(genl.family, "nl80211") and pcall(genl.family, "MAC80211_HWSIM") then return end
  if os.getenv("NLSH_VM_LANE") == "1" then t:fatal(msg) end
  t:skip(msg)
end

function TestNL80211Hwsim(t)
  requireHwsim(t)
  local ns, name = t:netns()
  local radio = tool.hwsim_radio("lua")
  local w
  for _, x in ipairs(nl80211.wiphys()) do
    if x.wiphy_name == radio.name then w = x end
  end
  if not w then t:fatal("radio", radio.name, "not in nl80211.wiphys()") end
  if #w.bands == 0 or #w.supported_iftypes == 0 then t:fatal("wiphy", pp.format(w)) end
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
  tool.hwsim_delete(radio.id, ns)
  -- The radio goes with its interface (nl80211.wiphys() gives nil when
  -- there is no wiphy, nl80211.interfaces() an empty list).
  local left = h.nl80211.wiphys()
  if left ~= nil and #left ~= 0 then t:error("wiphys after deleting the radio", pp.format(left)) end
  if #h.nl80211.interfaces() ~= 0 then t:error("interfaces after deleting the radio", pp.format(h.nl80211.interfaces())) end
end
