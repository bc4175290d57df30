-- nlsh CNI plugin script: what the reference `bridge` + `host-local`
-- plugins do, in Lua. For each container it
--   * makes the bridge (config.bridge, default "cni0") if missing, up;
--   * with isGateway, gives the bridge each range's gateway address and
--     turns on forwarding;
--   * makes a veth pair: cni.ifname inside the container, a host end
--     "veth" .. 8 hex digits enslaved to the bridge, both up;
--   * allocates one address per range set from config.ipam.ranges, with a
--     lease file per address under config.ipam.dataDir (host-local's
--     contents, flat: <dataDir>/<network>_<ip> holds
--     "<container id>\r\n<ifname>"; <network>_last_reserved_ip.<n>), and
--     adds it with config.ipam.routes;
--   * with ipMasq, masquerades the container's addresses leaving through
--     other interfaces (table inet nlsh-cni, one rule per address whose
--     comment is the container id).
-- DEL releases the lease, deletes the container end (the host end goes
-- with it) and its masquerade rules; a second DEL, or a DEL after the
-- namespace is gone, succeeds.
-- CHECK verifies the interface, its address and the bridge; GC releases
-- leases of attachments that are no longer valid.
--
-- The directory of dataDir must be listed in the config's "allowPaths"
-- (the sandbox allows file access nowhere else), and so must
-- /proc/sys/net/ipv4 when isGateway is set. See bridge.conflist.
--
-- Any failure rolls back everything this run did, on the host and in the
-- container (nlsh runs CNI scripts atomically).
local rtnl, netns, nfnl = require "rtnl", require "netns", require "nfnl"

local cfg = cni.config
local ipam = cfg.ipam or {}
local brname = cfg.bridge or "cni0"
-- Leases are files <dataDir>/<network>_<ip> (the sandbox has no mkdir, so
-- no per-network directory as host-local makes).
local leasebase = (ipam.dataDir or "/var/lib/nlsh/networks") .. "/" .. cfg.name .. "_"

---------------------------------------------------------------- helpers

local function exists(path)
  local f = io.open(path, "r")
  if f then f:close() return true end
  return false
end

local function readfile(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

local function writefile(path, s)
  local f = assert(io.open(path, "w"))
  assert(f:write(s))
  assert(f:close())
end

local function link(name)
  local ok, l = pcall(rtnl.link.get, {ifname = name})
  if ok then return l end
  return nil
end

-- hostname derives the host end's name from the attachment, so it is the
-- same every time for the same container and interface.
local function hostname()
  local h = 5381
  for c in (cni.container_id .. "/" .. cni.ifname):gmatch(".") do
    h = (h * 33 + c:byte()) % 4294967296
  end
  return ("veth%08x"):format(h)
end

---------------------------------------------------------------- ranges

-- A range set's first range with host-local's defaults filled in.
local function range(set)
  local r = set[1] or set
  local subnet = assert(r.subnet, "ipam.ranges: a range needs a subnet")
  local v4 = cidr.family(subnet) == 4
  local size = cidr.size(subnet)
  local function index(addr, default)
    if not addr then return default end
    for n = 0, size - 1 do
      if cidr.host(subnet, n) == addr then return n end
    end
    error(("ipam: %s is not in %s"):format(addr, subnet))
  end
  local gw = r.gateway or cidr.host(subnet, 1)
  local first = index(r.rangeStart, 1)
  local last = index(r.rangeEnd, v4 and size - 2 or size - 1)
  -- Lease lookups walk the range: keep it to 65536 addresses.
  last = math.min(last, first + 65535)
  return {subnet = subnet, gateway = gw, plen = cidr.prefixlen(subnet),
          first = first, last = last, gwindex = index(gw)}
end

local function ranges()
  local out = {}
  for i, set in ipairs(ipam.ranges or {}) do
    out[i] = range(set)
  end
  if #out == 0 and ipam.subnet then
    out[1] = range({subnet = ipam.subnet, gateway = ipam.gateway,
                    rangeStart = ipam.rangeStart, rangeEnd = ipam.rangeEnd})
  end
  if #out == 0 then cni.error(7, "ipam: no ranges (ipam.ranges or ipam.subnet)") end
  return out
end

local function owner()
  return cni.container_id .. "\r\n" .. cni.ifname
end

-- allocate reserves the next free address of range r (set number i),
-- after the last one reserved, as host-local does.
local function allocate(r, i)
  local lastfile = leasebase .. "last_reserved_ip." .. (i - 1)
  local last = readfile(lastfile)
  local start = r.first
  if last then
    for n = r.first, r.last do
      if cidr.host(r.subnet, n) == last then start = n + 1 break end
    end
  end
  local span = r.last - r.first + 1
  for k = 0, span - 1 do
    local n = r.first + (start - r.first + k) % span
    local ip = cidr.host(r.subnet, n)
    local lease = leasebase .. ip
    if n ~= r.gwindex then
      -- "wx" creates the lease only if no one holds it (O_EXCL): of two
      -- ADDs racing for one address exactly one gets it.
      local f = io.open(lease, "wx")
      if f then
        assert(f:write(owner()))
        assert(f:close())
        writefile(lastfile, ip)
        return ip
      end
      if readfile(lease) == owner() then return ip end -- ADD again: same address
    end
  end
  cni.error(11, ("ipam: no free address in %s"):format(r.subnet), "all leases " .. leasebase .. "* are taken")
end

-- leased returns the address range r holds for this attachment, if any.
local function leased(r, who)
  for n = r.first, r.last do
    local ip = cidr.host(r.subnet, n)
    if readfile(leasebase .. ip) == (who or owner()) then return ip end
  end
  return nil
end

---------------------------------------------------------------- commands

local function add()
  local ctr = assert(cni.netns, "ADD needs the container namespace")
  local rs = ranges()

  -- The bridge, and the gateway addresses on it.
  rtnl.link.add{ifname = brname, kind = "bridge", up = true, exist_ok = true}
  if cfg.isGateway then
    for _, r in ipairs(rs) do
      rtnl.addr.add{dev = brname, address = r.gateway .. "/" .. r.plen, exist_ok = true}
    end
    writefile("/proc/sys/net/ipv4/ip_forward", "1")
  end

  -- The veth pair: host end on the bridge, container end in the container.
  local host_if = hostname()
  rtnl.link.add{ifname = host_if, kind = "veth", master = brname,
                peer = {ifname = cni.ifname, netns = ctr}}
  rtnl.link.set{ifname = host_if, up = true}

  -- Addresses from the ranges.
  local ips = {}
  for i, r in ipairs(rs) do
    ips[#ips + 1] = {address = allocate(r, i) .. "/" .. r.plen, gateway = r.gateway, interface = 3}
  end

  local ctr_mac
  netns.run(ctr, function()
    for _, ip in ipairs(ips) do
      rtnl.addr.add{dev = cni.ifname, address = ip.address}
    end
    rtnl.link.set{ifname = cni.ifname, up = true}
    for _, rt in ipairs(ipam.routes or {}) do
      local gw = rt.gw
      if not gw then -- host-local: the gateway of the range of that family
        for _, r in ipairs(rs) do
          if cidr.family(r.subnet) == cidr.family(rt.dst) then gw = r.gateway break end
        end
      end
      rtnl.route.add{dst = rt.dst, gateway = gw, dev = cni.ifname}
    end
    ctr_mac = rtnl.link.get{ifname = cni.ifname}.address
  end)

  -- Masquerade traffic from the container leaving through other
  -- interfaces: one atomic batch, rolled back with the rest on failure.
  if cfg.ipMasq then
    nfnl.transaction(function(tx)
      tx.table.add{family = "inet", name = "nlsh-cni", exist_ok = true}
      tx.chain.add{family = "inet", table = "nlsh-cni", name = "postrouting", type = "nat",
                   hook = "postrouting", priority = 100, policy = "accept", exist_ok = true}
      for _, ip in ipairs(ips) do
        tx.rule.add{family = "inet", table = "nlsh-cni", chain = "postrouting",
                    comment = cni.container_id,
                    rule = ('ip saddr %s oifname != "%s" masquerade'):format(cidr.addr(ip.address), brname)}
      end
    end)
  end

  local routes = {}
  for _, rt in ipairs(ipam.routes or {}) do routes[#routes + 1] = {dst = rt.dst, gw = rt.gw} end
  return {
    interfaces = {
      {name = brname, mac = rtnl.link.get{ifname = brname}.address},
      {name = host_if, mac = rtnl.link.get{ifname = host_if}.address},
      {name = cni.ifname, mac = ctr_mac, sandbox = cni.netns_path},
    },
    ips = ips,
    routes = routes,
    dns = cfg.dns,
  }
end

local function release(r, who)
  local ip = leased(r, who)
  if ip then os.remove(leasebase .. ip) end
end

-- unmasq deletes the container's masquerade rules, in one batch.
local function unmasq()
  local found = false
  for _, t in ipairs(nfnl.table.list{family = "inet"}) do found = found or t.name == "nlsh-cni" end
  if not found then return end
  local mine = {}
  for _, r in ipairs(nfnl.rule.list{family = "inet", table = "nlsh-cni", chain = "postrouting"}) do
    if r.comment == cni.container_id then mine[#mine + 1] = r.handle end
  end
  if #mine == 0 then return end
  nfnl.transaction(function(tx)
    for _, h in ipairs(mine) do
      tx.rule.del{family = "inet", table = "nlsh-cni", chain = "postrouting", handle = h}
    end
  end)
end

local function del()
  for _, r in ipairs(ranges()) do release(r) end
  if cfg.ipMasq then unmasq() end
  if cni.netns then
    netns.run(cni.netns, function()
      if link(cni.ifname) then rtnl.link.del{ifname = cni.ifname} end
    end)
  end
end

local function check()
  local rs = ranges()
  assert(link(brname), "bridge " .. brname .. " is missing")
  netns.run(cni.netns, function()
    local l = link(cni.ifname)
    if not l then error(cni.ifname .. " is missing in the container") end
    local have = {}
    for _, a in ipairs(rtnl.addr.list{dev = cni.ifname}) do have[a["local"] .. "/" .. a.prefixlen] = true end
    for _, r in ipairs(rs) do
      local ip = leased(r)
      if not ip then error("no lease for " .. cni.container_id .. " in " .. r.subnet) end
      if not have[ip .. "/" .. r.plen] then error(cni.ifname .. " lacks its address " .. ip) end
    end
  end)
end

local function gc()
  local valid = {}
  for _, a in ipairs(cfg["cni.dev/valid-attachments"] or {}) do
    valid[a.containerID .. "\r\n" .. a.ifname] = true
  end
  for _, r in ipairs(ranges()) do
    for n = r.first, r.last do
      local lease = leasebase .. cidr.host(r.subnet, n)
      local who = readfile(lease)
      if who and not valid[who] then os.remove(lease) end
    end
  end
end

local commands = {ADD = add, DEL = del, CHECK = check, GC = gc, STATUS = function() end}
return commands[cni.command]()
