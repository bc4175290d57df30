local cidr = require "cidr"

local function eq(t, got, want, what)
  if got ~= want then t:error(what, "=", tostring(got), "want", tostring(want)) end
end

function TestIPv4(t)
  eq(t, cidr.host("10.0.0.0/24", 2), "10.0.0.2", "host")
  eq(t, cidr.host("10.0.0.0/24", -1), "10.0.0.255", "host -1")
  eq(t, cidr.host("10.0.0.77/24", 1), "10.0.0.1", "host of unmasked")
  eq(t, cidr.network("10.0.0.7/24"), "10.0.0.0/24", "network")
  eq(t, cidr.broadcast("10.0.0.0/24"), "10.0.0.255", "broadcast")
  eq(t, cidr.prefixlen("10.0.0.2/24"), 24, "prefixlen")
  eq(t, cidr.addr("10.0.0.2/24"), "10.0.0.2", "addr")
  eq(t, cidr.subnet("10.0.0.0/16", 8, 3), "10.0.3.0/24", "subnet")
  eq(t, cidr.netmask("10.0.0.0/20"), "255.255.240.0", "netmask")
  eq(t, cidr.contains("10.0.0.0/8", "10.1.2.3"), true, "contains addr")
  eq(t, cidr.contains("10.0.0.0/8", "10.1.0.0/16"), true, "contains prefix")
  eq(t, cidr.contains("10.0.0.0/16", "10.0.0.0/8"), false, "contains wider")
  eq(t, cidr.contains("10.0.0.0/8", "11.0.0.1"), false, "not contains")
  eq(t, cidr.contains("10.0.0.0/8", "::1"), false, "family mismatch")
  eq(t, cidr.size("10.0.0.0/24"), 256, "size")
  eq(t, cidr.family("10.0.0.1"), 4, "family")
end

function TestIPv6(t)
  eq(t, cidr.host("2001:db8::/64", 1), "2001:db8::1", "host")
  eq(t, cidr.host("2001:db8::/64", -1), "2001:db8::ffff:ffff:ffff:ffff", "host -1")
  eq(t, cidr.subnet("2001:db8::/32", 16, 5), "2001:db8:5::/48", "subnet")
  eq(t, cidr.network("2001:db8::1/64"), "2001:db8::/64", "network")
  eq(t, cidr.prefixlen("fe80::1/64"), 64, "prefixlen")
  eq(t, cidr.contains("2001:db8::/32", "2001:db8:1::1"), true, "contains")
  eq(t, cidr.family("fe80::1/64"), 6, "family")
end

function TestErrors(t)
  local bad = {
    {function() return cidr.host("10.0.0.0/24", 256) end, "outside"},
    {function() return cidr.host("10.0.0.0/33", 1) end, "bad prefix length"},
    {function() return cidr.host("10.0.0.0", 1) end, "want an address with prefix"},
    {function() return cidr.host("10.0.0.0/24", 1.5) end, "want an integer"},
    {function() return cidr.subnet("10.0.0.0/24", 4, 16) end, "does not fit"},
    {function() return cidr.subnet("10.0.0.0/24", 9, 0) end, "out of range"},
    {function() return cidr.network(42) end, "want a string"},
  }
  for i, c in ipairs(bad) do
    local ok, err = pcall(c[1])
    if ok then t:error("case", i, "did not fail")
    elseif not tostring(err):find(c[2], 1, true) then t:error("case", i, "error", tostring(err), "lacks", c[2]) end
  end
end
