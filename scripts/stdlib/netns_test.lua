local netns = require "netns"

function TestTargets(t)
  if tostring(netns.host()) ~= "host" then t:error("host:", tostring(netns.host())) end
  if tostring(netns.pid(1)) ~= "pid:1" then t:error("pid") end
  if tostring(netns.named("blue")) ~= "name:blue" then t:error("named") end
  if tostring(netns.path("/proc/1/ns/net")) ~= "/proc/1/ns/net" then t:error("path") end
  if netns.named("blue").kind ~= "named" or netns.named("blue").name ~= "blue" then t:error("fields") end
  if netns.parse("pid:7") ~= netns.pid(7) then t:error("__eq") end
end

function TestRunRestoresOnError(t)
  local blue = netns.named("blue")
  local inside
  local ok, err = pcall(netns.run, blue, function()
    inside = tostring(netns.current())
    error("fail inside")
  end)
  if ok then t:fatal("netns.run did not propagate the error") end
  if not tostring(err):find("fail inside", 1, true) then t:error("error value", tostring(err)) end
  if inside ~= "name:blue" then t:error("inside run current() =", inside) end
  if tostring(netns.current()) ~= "host" then t:error("after run current() =", tostring(netns.current())) end
end

function TestRunNestsAndReturns(t)
  local a, b = netns.run("name:outer", function(x)
    return netns.run(netns.pid(1), function() return tostring(netns.current()), x end)
  end, 5)
  if a ~= "pid:1" or b ~= 5 then t:error("got", tostring(a), tostring(b)) end
  if tostring(netns.current()) ~= "host" then t:error("not restored") end
end

function TestAddListDel(t)
  local target, name = t:netns()
  local found = false
  for _, n in ipairs(netns.list()) do if n == name then found = true end end
  if not found then t:error(name, "not in netns.list()") end
  if netns.id(target) == netns.id(netns.host()) then t:error("throwaway namespace has the host's id") end
  local ok, err = pcall(netns.add, name)
  if ok then t:fatal("adding an existing namespace succeeded") end
  if err.op ~= "netns.add" or not tostring(err):find(name, 1, true) then t:error("error value", tostring(err)) end
end
