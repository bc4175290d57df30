-- WireGuard through nlsh in a throwaway namespace. The family is in the
-- VM lane's kernel (make test-vm); elsewhere these tests skip.

local function requireFamily(t, name)
  if pcall(genl.family, name) then return end
  local msg = "generic netlink family " .. name .. " is not in this kernel; runs in the VM lane: make test-vm"
  if os.getenv("NLSH_VM_LANE") == "1" then t:fatal(msg) end
  t:skip(msg)
end

-- Keys from wg(8)'s examples: any 32 bytes in base64 are keys.
local priv = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
local peerA = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
local peerB = "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0="

function TestWireguardTwoPeers(t)
  requireFamily(t, "wireguard")
  local ns, name = t:netns()
  local h = genl.open{netns = ns}
  netns.run(ns, function() rtnl.link.add{ifname = "wg0", kind = "wireguard"} end)
  h.wireguard.set{dev = "wg0", private_key = priv, listen_port = 51820, fwmark = 66, peers = {
    {public_key = peerA, endpoint = "192.0.2.1:51820", allowed_ips = {"10.0.0.0/24", "10.1.0.0/16"}, persistent_keepalive = 25},
    {public_key = peerB, endpoint = "[2001:db8::1]:51821", allowed_ips = {"fd00::/64"}},
  }}
  local d = h.wireguard.get{dev = "wg0"}
  if d.private_key ~= priv or d.listen_port ~= 51820 or d.fwmark ~= 66 or #d.peers ~= 2 then
    t:fatal("device", pp.format(d))
  end
  local byKey = {}
  for _, p in ipairs(d.peers) do byKey[p.public_key] = p end
  local a, b = byKey[peerA], byKey[peerB]
  if not a or a.endpoint ~= "192.0.2.1:51820" or a.persistent_keepalive ~= 25 or #a.allowed_ips ~= 2 then t:error("peer A", pp.format(a)) end
  if not b or b.endpoint ~= "[2001:db8::1]:51821" or b.allowed_ips[1] ~= "fd00::/64" then t:error("peer B", pp.format(b)) end
  -- The same through a raw genl dump (WG_CMD_GET_DEVICE by name).
  local reps = h.request{family = "wireguard", cmd = "GET_DEVICE", flags = {"dump"}, attrs = {ifname = "wg0"}}
  if #reps < 1 or reps[1].attrs.listen_port ~= 51820 then t:error("raw get", pp.format(reps)) end
  -- And through wg(8) when it is installed.
  local out = tool.try(name, "wg", "show", "wg0", "dump")
  if out then
    for _, k in ipairs({peerA, peerB}) do
      if not out:find(k, 1, true) then t:error("wg show lacks", k) end
    end
    if not out:find("51820", 1, true) then t:error("wg show lacks the port") end
  end
  -- Remove one peer, replace the rest.
  h.wireguard.set{dev = "wg0", peers = {{public_key = peerB, remove = true}}}
  if #h.wireguard.get{dev = "wg0"}.peers ~= 1 then t:error("remove peer") end
  h.wireguard.set{dev = "wg0", replace_peers = true, peers = {}}
  if #h.wireguard.get{dev = "wg0"}.peers ~= 0 then t:error("replace peers") end
end
