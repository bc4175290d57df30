-- monitor: print link and address events as they happen, for SECONDS
-- (default 10) — in another terminal, `ip link add d0 type bridge`.
--
--   sudo nlsh examples/monitor.lua [SECONDS]
--
-- Needs the rtnl module (bindings/rtnl); the monitor call follows the
-- contract in docs/lua.md and may change with it.
local rtnl = require "rtnl"

local seconds = tonumber(arg[1] or "10")
rtnl.monitor{groups = {"link", "addr"}, timeout = seconds, fn = function(ev)
  print(ev.type, ev.ifname or ev.dev, pp.format(ev))
end}
