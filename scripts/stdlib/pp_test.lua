local pp = require "pp"

function TestScalars(t)
  local cases = {
    {1, "1"}, {-3, "-3"}, {1.5, "1.5"}, {"x", '"x"'}, {true, "true"}, {nil, "nil"},
    {"a\nb", '"a\\nb"'},
  }
  for _, c in ipairs(cases) do
    local got = pp.format(c[1])
    if got ~= c[2] then t:error("pp.format(", tostring(c[1]), ") =", got, "want", c[2]) end
  end
end

function TestTablesSortedAndCompact(t)
  local got = pp.format{mtu = 1500, ifname = "eth0", flags = {"UP", "BROADCAST"}, [1] = "first"}
  local want = '{ [1] = "first", flags = { "UP", "BROADCAST" }, ifname = "eth0", mtu = 1500 }'
  if got ~= want then t:error("got", got) end
  if pp.format({}) ~= "{}" then t:error("empty table") end
end

function TestNestedIndented(t)
  local v = {links = {{ifname = "lo", mtu = 65536, operstate = "UNKNOWN", flags = {"LOOPBACK", "UP", "LOWER_UP"}},
                      {ifname = "eth0", mtu = 1500, flags = {"BROADCAST"}}}}
  local got = pp.format(v)
  local want = [[
{
  links = {
    {
      flags = { "LOOPBACK", "UP", "LOWER_UP" },
      ifname = "lo",
      mtu = 65536,
      operstate = "UNKNOWN"
    },
    { flags = { "BROADCAST" }, ifname = "eth0", mtu = 1500 }
  }
}]]
  if got ~= want then t:error("got\n" .. got) end
  -- stable: same text every time
  for _ = 1, 5 do if pp.format(v) ~= got then t:fatal("unstable output") end end
end

function TestCycle(t)
  local a = {}
  a.self = a
  if pp.format(a) ~= "{ self = <cycle> }" then t:error("got", pp.format(a)) end
end
