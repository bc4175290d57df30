-- ensure against a fake rtnl (package.loaded.rtnl) so the diff logic is
-- tested without a kernel; the live test runs when bindings/rtnl exists.

local function fake_rtnl(state)
  local calls = {}
  local function log(op, a) calls[#calls + 1] = op end
  local function nodev()
    return setmetatable({errno = "ENODEV"}, {__tostring = function() return "no such device (ENODEV)" end})
  end
  local rtnl = {calls = calls, link = {}, addr = {}, route = {}}
  function rtnl.link.get(a)
    local l = state.links[a.ifname]
    if not l then error(nodev(), 0) end
    return l
  end
  function rtnl.link.add(a)
    log("link.add", a)
    state.links[a.ifname] = {ifname = a.ifname, mtu = a.mtu or 1500, flags = {}, addrs = {}, routes = {}}
  end
  function rtnl.link.set(a)
    log("link.set", a)
    local l = state.links[a.ifname]
    if a.mtu then l.mtu = a.mtu end
    if a.up ~= nil then l.flags = a.up and {"UP"} or {} end
  end
  function rtnl.link.del(a) log("link.del", a); state.links[a.ifname] = nil end
  function rtnl.addr.list(a) return state.links[a.dev].addrs end
  function rtnl.addr.add(a)
    log("addr.add", a)
    local ip, len = a.address:match("^(.*)/(%d+)$")
    table.insert(state.links[a.dev].addrs, {["local"] = ip, prefixlen = tonumber(len)})
  end
  function rtnl.addr.del(a)
    log("addr.del", a)
    local l = state.links[a.dev]
    for i, x in ipairs(l.addrs) do
      if x["local"] .. "/" .. x.prefixlen == a.address then table.remove(l.addrs, i) break end
    end
  end
  function rtnl.route.list(a) return state.links[a.dev].routes end
  function rtnl.route.add(a) log("route.add", a); table.insert(state.links[a.dev].routes, {dst = a.dst, gateway = a.gateway}) end
  return rtnl
end

local function with_fake(state, fn)
  local saved = package.loaded.rtnl
  local r = fake_rtnl(state)
  package.loaded.rtnl = r
  local ok, err = pcall(fn, r)
  package.loaded.rtnl = saved
  if not ok then error(err, 0) end
end

function TestEnsureCreatesThenIsIdempotent(t)
  local ensure = require "ensure"
  local state = {links = {}}
  with_fake(state, function(r)
    local spec = {ifname = "br0", kind = "bridge", mtu = 9000, up = true,
                  addrs = {"10.10.0.1/24", "fd00::1/64"}, routes = {{dst = "10.20.0.0/16", gateway = "10.10.0.254"}}}
    local first = ensure.link(spec)
    local ops = {}
    for _, c in ipairs(first) do ops[#ops + 1] = c.op end
    local got = table.concat(ops, " ")
    if got ~= "link.add link.set addr.add addr.add route.add" then t:error("first run:", got) end
    local second = ensure.link(spec)
    if #second ~= 0 then t:error("second run changed", #second, "things:", second[1].op) end
  end)
end

function TestEnsureRemovesExtraAddresses(t)
  local ensure = require "ensure"
  local state = {links = {eth0 = {ifname = "eth0", mtu = 1500, flags = {"UP"}, routes = {},
    addrs = {{["local"] = "10.0.0.9", prefixlen = 24}, {["local"] = "fe80::1", prefixlen = 64}}}}}
  with_fake(state, function(r)
    local changes = ensure.link{ifname = "eth0", addrs = {"10.0.0.2/24"}}
    local ops = {}
    for _, c in ipairs(changes) do ops[#ops + 1] = c.op .. " " .. c.object end
    local got = table.concat(ops, "; ")
    if got ~= "addr.add 10.0.0.2/24 dev eth0; addr.del 10.0.0.9/24 dev eth0" then t:error("got", got) end
  end)
end

function TestEnsureAbsentAndErrors(t)
  local ensure = require "ensure"
  local state = {links = {old = {ifname = "old", flags = {}, addrs = {}, routes = {}}}}
  with_fake(state, function()
    if #ensure.absent{ifname = "old"} ~= 1 then t:error("absent did not delete") end
    if #ensure.absent{ifname = "old"} ~= 0 then t:error("absent not idempotent") end
    local ok, err = pcall(ensure.link, {ifname = "x", mtuu = 1})
    if ok or not tostring(err):find('unknown field "mtuu"', 1, true) then t:error("unknown field:", tostring(err)) end
    for _, bad in ipairs{"e/0", "e:0", "x%d", "e 0", "e\r0", "e\1600", "e\0000", "", "..", "abcdefghijklmnop"} do
      ok, err = pcall(ensure.link, {ifname = bad, kind = "bridge"})
      if ok or not tostring(err):find("not a valid interface name", 1, true) then t:error("ifname", bad, ":", tostring(err)) end
    end
    ok, err = pcall(ensure.link, {ifname = "missing"})
    if ok or not tostring(err):find("no kind", 1, true) then t:error("missing kind:", tostring(err)) end
  end)
end

function TestEnsureLive(t)
  if not pcall(require, "rtnl") then t:skip("needs the rtnl module (bindings/rtnl)") end
  local target = t:netns()
  local spec = {ifname = "br-ensure0", kind = "bridge", mtu = 1400, up = true, addrs = {"10.9.0.1/24"}, netns = target}
  local ensure = require "ensure"
  if #ensure.link(spec) == 0 then t:error("first run changed nothing") end
  local again = ensure.link(spec)
  if #again ~= 0 then t:error("second run changed", again[1].op, again[1].object) end
end
