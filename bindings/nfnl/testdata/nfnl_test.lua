local nfnl, netns, nftx = require "nfnl", require "netns", require "nftx"

-- a few lines of the rule corpus: each, added from Lua, prints back in
-- nft list ruleset exactly as written
local corpus = {
  "tcp dport 22 accept",
  "tcp dport 22 counter packets 0 bytes 0 accept comment \"ssh\"",
  "tcp dport { 80, 443 } accept",
  "ip saddr 10.0.0.0/8 accept",
  "ip6 daddr fe80::/10 accept",
  "ct state established,related accept",
  "iifname \"lo\" accept",
  "meta l4proto icmp accept",
  "udp dport 53 drop",
}

local function skeleton(tx)
  tx.table.add{family = "inet", name = "t"}
  tx.chain.add{family = "inet", table = "t", name = "input", type = "filter", hook = "input",
               priority = "filter", policy = "drop"}
  tx.chain.add{family = "inet", table = "t", name = "other"}
end

function TestTransactionPrintsBack(t)
  local target, name = t:netns()
  netns.run(target, function()
    nfnl.transaction(function(tx)
      skeleton(tx)
      for _, r in ipairs(corpus) do
        tx.rule.add{family = "inet", table = "t", chain = "input", rule = r}
      end
    end)
    local out = nftx.run(name, "list", "ruleset")
    for _, r in ipairs(corpus) do
      if not out:find("\t\t" .. r .. "\n", 1, true) then t:error("missing in nft list ruleset: " .. r .. "\n" .. out) end
    end
    if not out:find("type filter hook input priority filter; policy drop;", 1, true) then
      t:error("base chain: " .. out)
    end
    if nfnl.text() ~= out then t:error("nfnl.text differs from nft list ruleset:\n" .. nfnl.text() .. "---\n" .. out) end
    local rules = nfnl.rule.list{family = "inet", table = "t", chain = "input"}
    if #rules ~= #corpus then t:fatal("listed " .. #rules .. " rules") end
    for i, r in ipairs(rules) do
      local want = corpus[i]
      if r.text ~= want then t:error("rule " .. i .. " text " .. tostring(r.text) .. ", want " .. want) end
      if type(r.handle) ~= "number" or #r.expr == 0 then t:error("rule " .. i .. " lacks handle or expr") end
    end
    if rules[2].comment ~= "ssh" then t:error("comment " .. tostring(rules[2].comment)) end
  end)
end

function TestExprsRoundTrip(t)
  local target = t:netns()
  netns.run(target, function()
    nfnl.transaction(skeleton)
    nfnl.rule.add{family = "inet", table = "t", chain = "input", rule = "tcp dport 22 ct state new counter packets 0 bytes 0 accept"}
    local r = nfnl.rule.list{family = "inet", table = "t", chain = "input"}[1]
    if r.expr[1].type ~= "meta" or r.expr[1].key ~= "l4proto" or r.expr[1].dreg ~= 1 then
      t:error("first expression: " .. tostring(r.expr[1].type) .. " " .. tostring(r.expr[1].key))
    end
    -- written back through exprs, the copy reads the same
    nfnl.rule.add{family = "inet", table = "t", chain = "other", exprs = r.expr}
    local c = nfnl.rule.list{family = "inet", table = "t", chain = "other"}[1]
    if c.text ~= r.text then t:error("copy reads " .. tostring(c.text) .. ", want " .. r.text) end
    -- hand-written expressions
    nfnl.rule.add{family = "inet", table = "t", chain = "other", exprs = {
      {type = "meta", key = "l4proto", dreg = 1},
      {type = "cmp", sreg = 1, op = "eq", data = "11"},
      {type = "immediate", dreg = 0, verdict = "drop"},
    }}
    local l = nfnl.rule.list{family = "inet", table = "t", chain = "other"}
    if l[2].text ~= "meta l4proto udp drop" then t:error("hand-written rule reads " .. tostring(l[2].text)) end
  end)
end

function TestVerbsSetsElements(t)
  local target, name = t:netns()
  local h = nfnl.open{netns = target}
  h.table.add{family = "inet", name = "f"}
  h.chain.add{family = "inet", table = "f", name = "in", type = "filter", hook = "input", priority = 0}
  h.set.add{family = "inet", table = "f", name = "allowed", type = "ipv4_addr", flags = {"interval"}, elements = {"10.0.0.0/8"}}
  h.element.add{family = "inet", table = "f", set = "allowed", elements = {"192.168.1.0/24", {key = "172.16.0.1", comment = "lab"}}}
  h.rule.add{family = "inet", table = "f", chain = "in", rule = "ip saddr @allowed accept"}
  local out = nftx.run(name, "list", "set", "inet", "f", "allowed")
  if not out:find('elements = { 10.0.0.0/8, 172.16.0.1 comment "lab",', 1, true) or not out:find("192.168.1.0/24 }", 1, true) then
    t:error("set: " .. out)
  end
  local es = h.element.list{family = "inet", table = "f", set = "allowed"}
  if #es ~= 3 then t:error("listed " .. #es .. " elements") end
  if es[2].key ~= "172.16.0.1" or es[2].comment ~= "lab" then t:error("element listed as " .. pp(es[2])) end
  h.element.del{family = "inet", table = "f", set = "allowed", elements = {"172.16.0.1"}}
  local rs = h.ruleset{family = "inet", table = "f"}
  if #rs.tables ~= 1 or rs.chains[1].hook ~= "input" or rs.chains[1].prio ~= 0 or rs.sets[1].type ~= "ipv4_addr" then
    t:error("ruleset tables")
  end
  if rs.sets[1].flags[1] ~= "interval" or #rs.sets[1].elem ~= 2 then t:error("set flags/elements") end
  local r = rs.rules[1]
  h.rule.replace{family = "inet", table = "f", chain = "in", handle = r.handle, rule = "ip saddr @allowed drop"}
  if h.rule.list{family = "inet", table = "f"}[1].text ~= "ip saddr @allowed drop" then t:error("replace") end
  h.rule.del{family = "inet", table = "f", chain = "in", handle = r.handle}
  if #h.rule.list{family = "inet", table = "f"} ~= 0 then t:error("del") end
  h.table.del{family = "inet", name = "f"}
  if nftx.run(name, "list", "ruleset") ~= "" then t:error("table del left something") end
end

function TestAtomicErrorNamesOperation(t)
  local target, name = t:netns()
  netns.run(target, function()
    nfnl.transaction(skeleton)
    local before = nftx.run(name, "list", "ruleset")
    local ok, err = pcall(nfnl.transaction, function(tx)
      tx.table.add{family = "inet", name = "fresh"}
      tx.rule.add{family = "inet", table = "t", chain = "input", rule = "udp dport 53 accept"}
      tx.rule.add{family = "inet", table = "t", chain = "input", rule = "jump nowhere"}
      tx.rule.add{family = "inet", table = "t", chain = "input", rule = "drop"}
    end)
    if ok then t:fatal("a batch with a jump to nowhere went through") end
    local msg = tostring(err)
    if not msg:find("operation 3", 1, true) or not msg:find('"jump nowhere"', 1, true) then t:error("error: " .. msg) end
    if err.errno ~= "ENOENT" then t:error("errno " .. tostring(err.errno)) end
    if nftx.run(name, "list", "ruleset") ~= before then t:error("a refused batch changed the ruleset") end
    -- an error raised by the function sends nothing
    ok = pcall(nfnl.transaction, function(tx)
      tx.table.add{family = "inet", name = "never"}
      error("changed my mind")
    end)
    if ok or nftx.run(name, "list", "ruleset") ~= before then t:error("a failed function applied its operations") end
  end)
end

function TestMonitor(t)
  local target = t:netns()
  local h = nfnl.open{netns = target}
  local evs = h.monitor{timeout = 0.2}
  if #evs ~= 0 then t:error("events from nowhere") end
end

-- sets the packet path adds to: a dynamic set with a size and timeouts,
-- rules that add and update its elements, NAT flags, nflog and a byte
-- limit, written from Lua; nft lists each as written, and nlsh lists the
-- set's size back
function TestSetUpdatesAndStatements(t)
  local target, name = t:netns()
  netns.run(target, function()
    local rules = {
      "update @seen { ip saddr timeout 30s } accept",
      "add @seen { ip saddr limit rate over 1 mbytes/second burst 512 kbytes } drop",
      "log prefix \"in \" group 2 snaplen 64",
      "quota over 100 mbytes drop",
    }
    nfnl.transaction(function(tx)
      skeleton(tx)
      tx.set.add{family = "inet", table = "t", name = "seen", type = "ipv4_addr", flags = {"dynamic", "timeout"}, size = 1024}
      for _, r in ipairs(rules) do
        tx.rule.add{family = "inet", table = "t", chain = "input", rule = r}
      end
      tx.chain.add{family = "inet", table = "t", name = "post", type = "nat", hook = "postrouting", priority = "srcnat"}
      tx.rule.add{family = "inet", table = "t", chain = "post", rule = "oifname \"eth0\" masquerade random,persistent"}
    end)
    local out = nftx.run(name, "list", "ruleset")
    for _, r in ipairs(rules) do
      if not out:find("\t\t" .. r .. "\n", 1, true) then t:error("missing in nft list ruleset: " .. r .. "\n" .. out) end
    end
    if not out:find("\t\toifname \"eth0\" masquerade random,persistent\n", 1, true) then t:error("masquerade: " .. out) end
    if not out:find("\t\tsize 1024\n", 1, true) or not out:find("\t\tflags dynamic,timeout\n", 1, true) then
      t:error("set: " .. out)
    end
    local s = nfnl.set.list{family = "inet", table = "t"}[1]
    if s.size ~= 1024 then t:error("set size listed as " .. tostring(s.size)) end
    local listed = nfnl.rule.list{family = "inet", table = "t", chain = "input"}
    for i, r in ipairs(rules) do
      if listed[i].text ~= r then t:error("rule " .. i .. " listed as " .. tostring(listed[i].text)) end
    end
    local ok, err = pcall(nfnl.set.add, {family = "inet", table = "t", name = "x", type = "ipv4_addr", size = 0})
    if ok or not tostring(err):find("size", 1, true) then t:error("size 0 accepted: " .. tostring(err)) end
  end)
end

-- Conntrack objects made from Lua are what nft makes of its own text, and
-- nfnl.object.list shows them field for field (a ct timeout policy with
-- every state; a synproxy made by nft).
function TestConntrackObjects(t)
  local target, name = t:netns()
  netns.run(target, function()
    nfnl.transaction(function(tx)
      tx.table.add{family = "inet", name = "o"}
      tx.object.add{family = "inet", table = "o", name = "ftp", type = "ct helper", comment = "ftp on 21",
                    ct_helper = {type = "ftp", protocol = "tcp"}}
      tx.object.add{family = "inet", table = "o", name = "pg", type = "ct expectation",
                    ct_expectation = {protocol = "tcp", dport = 5432, timeout_ms = 3600000, size = 12, l3proto = "ip"}}
      tx.object.add{family = "inet", table = "o", name = "slow", type = "ct timeout",
                    ct_timeout = {protocol = "tcp", l3proto = "ip", policy = {established = 600}}}
      tx.object.add{family = "inet", table = "o", name = "sl", type = "synproxy", synproxy = {mss = 1400, wscale = 5, flags = 3}}
    end)
    nftx.load(name, "table inet o {\n\tsynproxy sp { mss 1460; wscale 7; }\n}\n")
    local want = [[
table inet o {
	ct helper ftp {
		comment "ftp on 21"
		type "ftp" protocol tcp
		l3proto inet
	}

	ct expectation pg {
		protocol tcp
		dport 5432
		timeout 1h
		size 12
		l3proto ip
	}

	ct timeout slow {
		protocol tcp
		l3proto ip
		policy = { established : 600 }
	}

	synproxy sl {
		mss 1400
		wscale 5
	}

	synproxy sp {
		mss 1460
		wscale 7
	}
}
]]
    local out = nftx.run(name, "list", "ruleset")
    if out ~= want then t:error("nft lists:\n" .. out .. "want:\n" .. want) end
    local objs = nfnl.object.list{family = "inet", table = "o"}
    if #objs ~= 5 then t:fatal("listed " .. #objs .. " objects, want 5") end
    local h, x, slow, sp = objs[1], objs[2], objs[3], objs[5]
    if h.type ~= "ct helper" or h.ct_helper.type ~= "ftp" or h.ct_helper.protocol ~= "tcp" or h.ct_helper.l3proto ~= "inet" or h.comment ~= "ftp on 21" then
      t:error("ct helper listed as " .. pp(h))
    end
    if x.type ~= "ct expectation" or x.ct_expectation.dport ~= 5432 or x.ct_expectation.timeout_ms ~= 3600000 or x.ct_expectation.size ~= 12 then
      t:error("ct expectation listed as " .. pp(x))
    end
    if slow.type ~= "ct timeout" or slow.ct_timeout.policy.established ~= 600 or slow.ct_timeout.policy.close ~= 10 then
      t:error("ct timeout listed as " .. pp(slow))
    end
    if sp.type ~= "synproxy" or sp.synproxy.mss ~= 1460 or sp.synproxy.wscale ~= 7 then t:error("synproxy listed as " .. pp(sp)) end
    local ok, e = pcall(function()
      nfnl.transaction(function(tx)
        tx.object.add{family = "inet", table = "o", name = "bad", type = "ct helper", ct_helper = {type = "ftp", protocol = "sctpx"}}
      end)
    end)
    if ok or not tostring(e):find("sctpx", 1, true) then t:error("a bad protocol: " .. tostring(e)) end
    -- a map of helpers by port, and a rule that takes the helper from it
    nfnl.transaction(function(tx)
      tx.set.add{family = "inet", table = "o", name = "helpers", type = "inet_service", map = "ct helper",
                 elements = {{key = "21", value = "ftp"}}}
      tx.chain.add{family = "inet", table = "o", name = "pre", type = "filter", hook = "prerouting", priority = 0}
      tx.rule.add{family = "inet", table = "o", chain = "pre", rule = "ct helper set tcp dport map @helpers"}
    end)
    out = nftx.run(name, "list", "table", "inet", "o")
    if not out:find('type inet_service : ct helper\n\t\telements = { 21 : "ftp" }', 1, true) or
       not out:find("ct helper set tcp dport map @helpers", 1, true) then
      t:error("object map: " .. out)
    end
    local r = nfnl.rule.list{family = "inet", table = "o", chain = "pre"}[1]
    if r.text ~= "ct helper set tcp dport map @helpers" then t:error("rule listed as " .. tostring(r.text)) end
  end)
end
