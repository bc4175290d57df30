-- nlsh CNI plugin script for a chain: runs after a plugin that made the
-- interface (the reference `bridge`, or bridge.lua) and tunes it from the
-- config: MTU, transmit queue, extra routes through the gateway of the
-- previous result. It returns the previous result with the routes added,
-- so later plugins and the runtime see them.
--
--   {"type": "nlsh", "script": "/etc/nlsh/tune.lua",
--    "mtu": 1400, "txqlen": 500, "extraRoutes": ["192.0.2.0/24"]}
local rtnl, netns = require "rtnl", require "netns"

local cfg = cni.config
if cni.command == "DEL" or cni.command == "GC" or cni.command == "STATUS" then
  return -- the interface and its routes go with the container end
end
local prev = cni.prev_result
if not prev then cni.error(7, "tune.lua must run in a chain, after a plugin that made " .. cni.ifname) end

-- The previous result's IPv4 gateway on our interface.
local gw
for _, ip in ipairs(prev.ips or {}) do
  local iface = ip.interface and prev.interfaces[ip.interface]
  if ip.gateway and cidr.family(ip.gateway) == 4 and (not iface or iface.name == cni.ifname) then
    gw = ip.gateway
    break
  end
end

netns.run(cni.netns, function()
  local l = rtnl.link.get{ifname = cni.ifname}
  if cni.command == "CHECK" then
    if cfg.mtu and l.mtu ~= cfg.mtu then error(("%s: mtu %d, want %d"):format(cni.ifname, l.mtu, cfg.mtu)) end
    return
  end
  if cfg.mtu then rtnl.link.set{ifname = cni.ifname, mtu = cfg.mtu} end
  if cfg.txqlen then rtnl.link.set{ifname = cni.ifname, txqlen = cfg.txqlen} end
  for _, dst in ipairs(cfg.extraRoutes or {}) do
    if not gw then cni.error(7, "extraRoutes: the previous result has no IPv4 gateway") end
    rtnl.route.add{dst = dst, gateway = gw, dev = cni.ifname}
    prev.routes[#prev.routes + 1] = {dst = dst, gw = gw}
  end
end)

if cni.command == "ADD" then return prev end
