package nfnl_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/bindings/bindingtest"
	"github.com/nlsh/nlsh/internal/testutil"
	"github.com/nlsh/nlsh/runtime"
)

// TestBadCalls: bad arguments raise one clear line before anything is
// sent.
func TestBadCalls(t *testing.T) {
	requireNft(t)
	ns := testutil.NewNetNS(t)
	pre := `local nfnl = require "nfnl" `
	bindingtest.RunBadCalls(t, runtime.Options{Modules: modules(), Netns: ns.Target}, []bindingtest.BadCall{
		bc("unknown field", pre+`nfnl.table.add{family = "inet", name = "t", nmae = "x"}`, "nfnl.table.add", "nmae"),
		bc("bad family", pre+`nfnl.table.add{family = "ipx", name = "t"}`, "family", "ipx"),
		bc("missing name", pre+`nfnl.table.add{family = "inet"}`, "name"),
		bc("bad hook", pre+`nfnl.chain.add{family = "inet", table = "t", name = "c", type = "filter", hook = "sideways", priority = 0}`, "nfnl.chain.add", "sideways"),
		bc("bad priority", pre+`nfnl.chain.add{family = "inet", table = "t", name = "c", type = "filter", hook = "input", priority = "loud"}`, "nfnl.chain.add", "loud"),
		bc("bad type", pre+`nfnl.chain.add{family = "inet", table = "t", name = "c", type = "mangle", hook = "input", priority = 0}`, "type", "mangle"),
		bc("policy without hook", pre+`nfnl.chain.add{family = "inet", table = "t", name = "c", policy = "drop"}`, "hook"),
		bc("rule text", pre+`nfnl.rule.add{family = "inet", table = "t", chain = "c", rule = "tcp dport frobnicate accept"}`, "nfnl.rule.add", "frobnicate"),
		bc("no rule", pre+`nfnl.rule.add{family = "inet", table = "t", chain = "c"}`, "rule"),
		bc("text and exprs", pre+`nfnl.rule.add{family = "inet", table = "t", chain = "c", rule = "accept", exprs = {{type = "counter"}}}`, "exprs"),
		bc("expr field", pre+`nfnl.rule.add{family = "inet", table = "t", chain = "c", exprs = {{type = "meta", key = "l4proto", dreg = 1, color = 2}}}`, "exprs[1]", "color"),
		bc("expr key name", pre+`nfnl.rule.add{family = "inet", table = "t", chain = "c", exprs = {{type = "meta", key = "l5proto"}}}`, "l5proto"),
		bc("unknown expr without data", pre+`nfnl.rule.add{family = "inet", table = "t", chain = "c", exprs = {{type = "frob"}}}`, "frob", "hex"),
		bc("replace without handle", pre+`nfnl.rule.replace{family = "inet", table = "t", chain = "c", rule = "accept"}`, "handle"),
		bc("set element", pre+`nfnl.set.add{family = "inet", table = "t", name = "s", type = "ipv4_addr", elements = {"10.0.0.300"}}`, "nfnl.set.add", "10.0.0.300"),
		bc("set flag", pre+`nfnl.set.add{family = "inet", table = "t", name = "s", type = "ipv4_addr", flags = {"sparkly"}}`, "flags", "sparkly"),
		bc("object type nlsh cannot make", pre+`nfnl.object.add{family = "inet", table = "t", name = "o", type = "connlimit"}`, "type", "connlimit"),
		bc("synproxy without its state", pre+`nfnl.object.add{family = "inet", table = "t", name = "o", type = "synproxy"}`, "synproxy", "mss"),
		bc("ct timeout state", pre+`nfnl.object.add{family = "inet", table = "t", name = "o", type = "ct timeout", ct_timeout = {protocol = "tcp", policy = {establihsed = 5}}}`, "establihsed", "established"),
		bc("ct timeout seconds", pre+`nfnl.object.add{family = "inet", table = "t", name = "o", type = "ct timeout", ct_timeout = {protocol = "udp", policy = {replied = -1}}}`, "policy.replied", "-1"),
		bc("ct helper without its state", pre+`nfnl.object.add{family = "inet", table = "t", name = "o", type = "ct helper"}`, "ct_helper"),
		bc("ct helper field", pre+`nfnl.object.add{family = "inet", table = "t", name = "o", type = "ct helper", ct_helper = {type = "ftp", protocol = "tcp", l3proto = "arp"}}`, "l3proto", "arp"),
		bc("ct expectation port", pre+`nfnl.object.add{family = "inet", table = "t", name = "o", type = "ct expectation", ct_expectation = {protocol = "tcp", dport = 70000, timeout_ms = 1, size = 1}}`, "dport", "70000"),
		bc("tx after end", pre+`local keep; nfnl.transaction(function(tx) keep = tx end); keep.table.add{family = "inet", name = "t"}`, "ended"),
		bc("transaction arg", pre+`nfnl.transaction({})`, "nfnl.transaction"),
		bc("monitor forever", pre+`nfnl.monitor{}`, "timeout"),
	})
	if out, _ := ns.Exec("nft", "list", "ruleset"); out != "" {
		t.Errorf("bad calls changed the ruleset:\n%s", out)
	}
}

func bc(name, code string, want ...string) bindingtest.BadCall {
	return bindingtest.BadCall{Name: name, Code: code, Want: want}
}

// TestDryRunTrace: --dry-run decodes the batch to the trace and sends
// nothing; --trace shows the messages of a real commit.
func TestDryRunTrace(t *testing.T) {
	requireNft(t)
	ns := testutil.NewNetNS(t)
	code := `require("nfnl").transaction(function(tx)
  tx.table.add{family = "inet", name = "t"}
  tx.rule.add{family = "inet", table = "t", chain = "c", rule = "tcp dport 22 accept"}
end)`
	for _, dry := range []bool{true, false} {
		var trace bytes.Buffer
		rt, err := runtime.New(runtime.Options{Modules: modules(), Netns: ns.Target, DryRun: dry, Trace: &trace})
		if err != nil {
			t.Fatal(err)
		}
		_, err = rt.RunString(context.Background(), "dry.lua", code)
		rt.Close()
		out := trace.String()
		if !strings.Contains(out, "NFT_MSG_NEWTABLE") || !strings.Contains(out, "NFT_MSG_NEWRULE") {
			t.Errorf("dry=%v: trace lacks the batch:\n%s", dry, out)
		}
		if dry {
			if err != nil {
				t.Fatalf("dry run: %v", err)
			}
			if l, _ := ns.Exec("nft", "list", "ruleset"); l != "" {
				t.Errorf("dry run changed the ruleset:\n%s", l)
			}
		} else if err == nil || !strings.Contains(err.Error(), "operation 2") {
			t.Errorf("a rule for a missing chain: %v", err)
		}
	}
}
