-- ensure: declarative, idempotent setup over the rtnl module.
--
--   ensure.link{ifname = "br0", kind = "bridge", mtu = 1500, up = true,
--               addrs = {"10.10.0.1/24"}, routes = {{dst = "10.20.0.0/16", gateway = "10.10.0.254"}}}
--
-- lists what exists, then adds, sets or deletes only the difference, and
-- returns the changes it made ({} when everything was already in shape),
-- so running the same script twice changes nothing the second time.
-- Written against the rtnl Lua API contract (docs/lua.md).

local M = {}

-- The fields each function takes and the Lua type each must have.
local LINK_FIELDS = {ifname = "string", kind = "string", peer = "table", mtu = "integer",
  address = "string", master = "string", up = "boolean", addrs = "list of strings",
  routes = "list of tables", netns = "netns target"}
local ABSENT_FIELDS = {ifname = "string", netns = "netns target"}

local function describe(v)
  if type(v) == "string" then
    if #v > 40 then return string.format("%q...", v:sub(1, 40)) end
    return string.format("%q", v)
  end
  if type(v) == "number" then return tostring(v) end
  return type(v)
end

-- valid reports whether v has type want (a value of LINK_FIELDS).
local function valid(v, want)
  local tv = type(v)
  if want == "integer" then
    return tv == "number" and v == v and v == math.floor(v) and v > -2^53 and v < 2^53
  elseif want == "netns target" then
    return tv == "userdata" or tv == "string"
  elseif want == "list of strings" or want == "list of tables" then
    if tv ~= "table" then return false end
    local n = #v
    for k, x in pairs(v) do
      if type(k) ~= "number" or k < 1 or k > n or k ~= math.floor(k) then return false end
      if type(x) ~= (want == "list of strings" and "string" or "table") then return false end
    end
    return true
  end
  return tv == want
end

local function check(spec, fields, fn)
  if type(spec) ~= "table" then
    error(fn .. ": want a table such as " .. fn .. "{ifname = ...}, got " .. describe(spec), 3)
  end
  for k, v in pairs(spec) do
    local want = fields[k]
    if not want then error(string.format("%s: unknown field %s", fn, describe(k)), 3) end
    if not valid(v, want) then
      error(string.format("%s: field %q: want %s %s, got %s", fn, k,
        want:match("^[aeiou]") and "an" or "a", want, describe(v)), 3)
    end
  end
  local name = spec.ifname
  if type(name) ~= "string" then error(fn .. ': field "ifname": required string', 3) end
  -- The rule of codec.IfnameBadByte: the kernel's (dev_valid_name: '/',
  -- ':', NUL and what its isspace calls space, byte 160 among them) and
  -- '%', which makes the name a template the kernel fills in.
  if name == "" or #name > 15 or name == "." or name == ".." or name:find("[/:%%%z \t\n\v\f\r\160]") then
    error(string.format("%s: field \"ifname\": %s is not a valid interface name (1 to 15 bytes, no '/', ':', '%%', whitespace or NUL)", fn, describe(name)), 3)
  end
end

-- api returns the rtnl functions to use: a handle bound to spec.netns, or
-- the module itself (which follows netns.run).
local function api(spec)
  local rtnl = require "rtnl"
  if spec.netns ~= nil then return rtnl.open{netns = spec.netns} end
  return rtnl
end

local function get_link(r, ifname)
  local ok, l = pcall(r.link.get, {ifname = ifname})
  if ok then return l end
  local tl = type(l)
  if (tl == "userdata" or tl == "table") and (l.errno == "ENODEV" or l.errno == "ENOENT") then return nil end
  error(l, 0)
end

local function has_flag(link, flag)
  for _, f in ipairs(link.flags or {}) do if f == flag then return true end end
  return false
end

local function addr_text(a)
  if a.address and tostring(a.address):find("/") then return a.address end
  local ip = a["local"] or a.address
  return ip .. "/" .. tostring(a.prefixlen)
end

local function canon(prefix)
  -- "10.0.0.2/24" and "10.0.0.2/24" compare equal; IPv6 text is normalised
  local cidr = require "cidr"
  return cidr.addr(prefix):lower() .. "/" .. cidr.prefixlen(prefix)
end

local function is_link_local6(prefix)
  return prefix:lower():match("^fe80:") ~= nil
end

local function route_key(rt)
  return table.concat({tostring(rt.dst or "default"), tostring(rt.gateway or ""),
    tostring(rt.table or "main"), tostring(rt.metric or "")}, "|")
end

-- named runs f(spec) and re-raises a plain error of an rtnl call it made
-- as fn's own, so a bad field reads "ensure.link: rtnl.link.set: field
-- "mtu": ..." at the user's script line, not at a line of this file.
-- Error values (kernel errors) pass unchanged.
local function named(fn, f, spec)
  local ok, res = pcall(f, spec)
  if ok then return res end
  if type(res) == "string" then
    res = res:gsub("^[^:%s]+:%d+: ", "")
    if res:sub(1, #fn) ~= fn then res = fn .. ": " .. res end
    error(res, 3)
  end
  error(res, 0)
end

local link

--- Brings one link to the desired state; returns the list of changes.
function M.link(spec)
  local changes = named("ensure.link", link, spec)
  return changes
end

link = function(spec)
  check(spec, LINK_FIELDS, "ensure.link")
  local r = api(spec)
  local changes = {}
  local function did(op, object) changes[#changes + 1] = {op = op, object = object} end
  local name = spec.ifname

  local link = get_link(r, name)
  if not link then
    if not spec.kind then error("ensure.link: link " .. name .. " does not exist and no kind was given to create it", 2) end
    r.link.add{ifname = name, kind = spec.kind, peer = spec.peer, mtu = spec.mtu,
               address = spec.address, master = spec.master}
    did("link.add", name)
    link = get_link(r, name) or {}
  end

  local set = {}
  local any = false
  if spec.mtu and link.mtu ~= spec.mtu then set.mtu = spec.mtu; any = true end
  if spec.address and tostring(link.address):lower() ~= spec.address:lower() then set.address = spec.address; any = true end
  if spec.master and link.master ~= spec.master then set.master = spec.master; any = true end
  if spec.up ~= nil and has_flag(link, "UP") ~= spec.up then set.up = spec.up; any = true end
  if any then
    set.ifname = name
    r.link.set(set)
    local what = {}
    for k in pairs(set) do if k ~= "ifname" then what[#what + 1] = k end end
    table.sort(what)
    did("link.set", name .. " " .. table.concat(what, ","))
  end

  if spec.addrs then
    local have = {}
    for _, a in ipairs(r.addr.list{dev = name}) do
      local text = addr_text(a)
      have[canon(text)] = text
    end
    local want = {}
    for _, p in ipairs(spec.addrs) do want[canon(p)] = p end
    local keys = {}
    for k in pairs(want) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      if not have[k] then
        r.addr.add{dev = name, address = want[k]}
        did("addr.add", want[k] .. " dev " .. name)
      end
    end
    keys = {}
    for k in pairs(have) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      if not want[k] and not is_link_local6(k) then
        r.addr.del{dev = name, address = have[k]}
        did("addr.del", have[k] .. " dev " .. name)
      end
    end
  end

  if spec.routes then
    local have = {}
    for _, rt in ipairs(r.route.list{dev = name}) do have[route_key(rt)] = true end
    for _, want in ipairs(spec.routes) do
      if not have[route_key(want)] then
        local req = {dev = name}
        for k, v in pairs(want) do req[k] = v end
        r.route.add(req)
        did("route.add", tostring(want.dst or "default") .. " dev " .. name)
      end
    end
  end
  return changes
end

local absent

--- Makes sure a link does not exist; returns the list of changes.
function M.absent(spec)
  local changes = named("ensure.absent", absent, spec)
  return changes
end

absent = function(spec)
  check(spec, ABSENT_FIELDS, "ensure.absent")
  local r = api(spec)
  if get_link(r, spec.ifname) then
    r.link.del{ifname = spec.ifname}
    return {{op = "link.del", object = spec.ifname}}
  end
  return {}
end

return M
