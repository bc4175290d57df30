-- address-plan: carve per-node subnets out of a pool with cidr. Pure
-- arithmetic, no kernel: runs anywhere.
--
--   nlsh examples/address-plan.lua 10.0.0.0/16 4
local pool = arg[1] or "10.0.0.0/16"
local nodes = tonumber(arg[2] or "4")
local plan = {}
for i = 0, nodes - 1 do
  local net = cidr.subnet(pool, 8, i)
  plan[#plan + 1] = {node = i, subnet = net, gateway = cidr.host(net, 1), broadcast = cidr.broadcast(net)}
end
return plan
