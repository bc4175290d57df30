-- pp: the pretty printer for REPL results and `nlsh -e`.
--
--   pp(v, ...)        prints each value
--   pp.format(v)      returns the text
--
-- Tables print with sorted keys (numbers, then strings), lists compact on
-- one line when short, nested tables indented; output is stable, so it can
-- be compared in tests.

local M = {}

local WIDTH = 80
-- Bounds, so that a deep or shared-subtable (exponentially many paths)
-- table prints an ellipsis instead of running out of Lua stack or time.
local MAX_DEPTH = 32
local MAX_VALUES = 20000

local function is_ident(s)
  return type(s) == "string" and s:match("^[%a_][%w_]*$") ~= nil
end

local function sorted_keys(t)
  local nums, strs, other = {}, {}, {}
  for k in pairs(t) do
    local tk = type(k)
    if tk == "number" then nums[#nums + 1] = k
    elseif tk == "string" then strs[#strs + 1] = k
    else other[#other + 1] = k end
  end
  table.sort(nums)
  table.sort(strs)
  table.sort(other, function(a, b) return tostring(a) < tostring(b) end)
  local keys = {}
  for _, k in ipairs(nums) do keys[#keys + 1] = k end
  for _, k in ipairs(strs) do keys[#keys + 1] = k end
  for _, k in ipairs(other) do keys[#keys + 1] = k end
  return keys
end

local function is_list(t)
  local n = #t
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  return count == n, n
end

local function scalar(v)
  local tv = type(v)
  if tv == "string" then
    return string.format("%q", v):gsub("\\\n", "\\n")
  elseif tv == "number" then
    if v == math.floor(v) and v > -2^53 and v < 2^53 then
      return string.format("%d", v)
    end
    return tostring(v)
  end
  return tostring(v)
end

local format

local function format_table(t, indent, seen)
  if seen[t] then return "<cycle>" end
  seen.n = (seen.n or 0) + 1
  if #indent > 2 * MAX_DEPTH or seen.n > MAX_VALUES then return "{...}" end
  local mt = getmetatable(t)
  if type(mt) == "table" and mt.__tostring then return tostring(t) end
  seen[t] = true
  local list, n = is_list(t)
  local parts = {}
  if list then
    for i = 1, n do parts[i] = format(t[i], indent .. "  ", seen) end
  else
    for _, k in ipairs(sorted_keys(t)) do
      local key = is_ident(k) and k or ("[" .. scalar(k) .. "]")
      parts[#parts + 1] = key .. " = " .. format(t[k], indent .. "  ", seen)
    end
  end
  seen[t] = nil
  if #parts == 0 then return "{}" end
  local one = "{ " .. table.concat(parts, ", ") .. " }"
  if #one + #indent <= WIDTH and not one:find("\n") then
    return one
  end
  return "{\n" .. indent .. "  " .. table.concat(parts, ",\n" .. indent .. "  ") .. "\n" .. indent .. "}"
end

format = function(v, indent, seen)
  if type(v) == "table" then return format_table(v, indent or "", seen or {}) end
  return scalar(v)
end

--- Returns the pretty text of v.
function M.format(v) return format(v, "", {}) end

setmetatable(M, {
  __call = function(_, ...)
    local n = select("#", ...)
    for i = 1, n do print(format((select(i, ...)), "", {})) end
  end,
})

return M
