package nfnl

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// Text prints the ruleset as `nft list ruleset` does.
func (rs *Ruleset) Text() string {
	var b strings.Builder
	for _, t := range rs.Tables {
		fmt.Fprintf(&b, "table %s %s {\n", t.Family, t.Name)
		var blocks []string
		if fl := t.FlagNames(); len(fl) > 0 {
			b.WriteString("\tflags " + strings.Join(fl, ",") + "\n")
		}
		if t.Comment != "" {
			b.WriteString("\tcomment " + strconv.Quote(t.Comment) + "\n")
		}
		for _, o := range rs.Objects {
			if o.Family == t.Family && o.Table == t.Name {
				blocks = append(blocks, o.text())
			}
		}
		for _, s := range rs.Sets {
			if s.Family == t.Family && s.Table == t.Name {
				blocks = append(blocks, s.text())
			}
		}
		for _, f := range rs.Flowtables {
			if f.Family == t.Family && f.Table == t.Name {
				blocks = append(blocks, f.text())
			}
		}
		for _, c := range rs.Chains {
			if c.Family == t.Family && c.Table == t.Name {
				blocks = append(blocks, c.text(rs.Rules))
			}
		}
		b.WriteString(strings.Join(blocks, "\n"))
		b.WriteString("}\n")
	}
	return b.String()
}

func (c *Chain) text(rules []*Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\tchain %s {\n", c.Name)
	if c.Comment != "" {
		fmt.Fprintf(&b, "\t\tcomment %s\n", strconv.Quote(c.Comment))
	}
	if c.IsBase() {
		fmt.Fprintf(&b, "\t\ttype %s hook %s", c.Type, c.Hook)
		if c.Dev != "" {
			fmt.Fprintf(&b, " device %s", strconv.Quote(c.Dev))
		} else if len(c.Devices) > 0 {
			fmt.Fprintf(&b, " devices = { %s }", strings.Join(c.Devices, ", "))
		}
		fmt.Fprintf(&b, " priority %s; policy %s;\n", FormatPriority(c.Family, c.Hook, c.Prio), c.Policy)
	}
	for _, r := range rules {
		if r.Family != c.Family || r.Table != c.Table || r.Chain != c.Name {
			continue
		}
		text := r.Text
		if text == "" {
			text = "# rule with expressions nlsh cannot print: " + exprNames(r)
		}
		fmt.Fprintf(&b, "\t\t%s\n", text)
	}
	b.WriteString("\t}\n")
	return b.String()
}

func exprNames(r *Rule) string {
	n := make([]string, len(r.Exprs))
	for i, x := range r.Exprs {
		n[i] = x.Kind()
	}
	return strings.Join(n, " ")
}

func (s *Set) text() string {
	var b strings.Builder
	kw := "set"
	if s.Map != "" {
		kw = "map"
	}
	switch typeofData := s.typeofData; {
	case s.typeofKey != "" && (s.Map == "" || typeofData != "" || s.Map == "verdict"):
		// as nft describes a set made with typeof
		fmt.Fprintf(&b, "\t%s %s {\n\t\ttypeof %s", kw, s.Name, s.typeofKey)
		if typeofData == "" {
			typeofData = s.Map
		}
		if s.Map != "" {
			fmt.Fprintf(&b, " : %s", typeofData)
		}
	default:
		fmt.Fprintf(&b, "\t%s %s {\n\t\ttype %s", kw, s.Name, s.Type)
		if s.Map != "" {
			fmt.Fprintf(&b, " : %s", s.Map)
		}
	}
	b.WriteString("\n")
	if s.Policy == "memory" {
		b.WriteString("\t\tpolicy memory\n")
	}
	if s.Size != 0 {
		fmt.Fprintf(&b, "\t\tsize %d\n", s.Size)
	}
	if fl := s.FlagNames(); len(fl) > 0 {
		fmt.Fprintf(&b, "\t\tflags %s\n", strings.Join(fl, ","))
	}
	if s.stmtText != "" {
		b.WriteString("\t\t" + s.stmtText + "\n")
	}
	if s.AutoMerge {
		b.WriteString("\t\tauto-merge\n")
	}
	if s.Timeout != 0 {
		fmt.Fprintf(&b, "\t\ttimeout %s\n", formatSeconds(s.Timeout))
	}
	if s.GCInterval != 0 {
		fmt.Fprintf(&b, "\t\tgc-interval %s\n", formatSeconds(uint64(s.GCInterval)))
	}
	if s.Comment != "" {
		fmt.Fprintf(&b, "\t\tcomment %s\n", strconv.Quote(s.Comment))
	}
	if len(s.Elements) > 0 {
		b.WriteString("\t\telements = { ")
		perLine := elementsPerLine(s.Type)
		for i, e := range s.Elements {
			if i > 0 {
				if perLine > 0 && i%perLine != 0 {
					b.WriteString(", ")
				} else {
					b.WriteString(",\n\t\t\t     ")
				}
			}
			b.WriteString(e.Key)
			if e.Value != "" {
				b.WriteString(" : " + e.Value)
			}
			if e.exprText != "" {
				b.WriteString(" " + e.exprText)
			}
			if e.Timeout != 0 && e.Timeout != s.Timeout {
				b.WriteString(" timeout " + formatSeconds(e.Timeout))
			}
			if e.Comment != "" {
				b.WriteString(" comment " + strconv.Quote(e.Comment))
			}
		}
		b.WriteString(" }\n")
	}
	b.WriteString("\t}\n")
	return b.String()
}

// elementsPerLine is how many elements nft prints on one line of a named
// set's "elements = { ... }" for a key type; 0 means one per line.
func elementsPerLine(keyType string) int {
	switch keyType {
	case "nf_proto", "integer", "arp_op", "inet_proto", "inet_service", "tcp_flag", "dccp_pkttype", "mark",
		"iface_index", "classid", "uid", "gid", "ct_dir":
		return 16
	case "ipv4_addr", "ct_state", "ct_status", "pkt_type":
		return 4
	case "ipv6_addr":
		return 2
	}
	return 0
}

// formatBytes prints a byte count as nft does, in the largest unit that
// divides it.
func formatBytes(n uint64) string {
	for _, u := range []struct {
		size uint64
		name string
	}{{1 << 30, "gbytes"}, {1 << 20, "mbytes"}, {1 << 10, "kbytes"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

func formatSeconds(s uint64) string {
	switch {
	case s == 0:
		return ""
	case s > math.MaxUint64/1000:
		return strconv.FormatUint(s, 10) + "s"
	}
	return formatMillis(s * 1000)
}

func (o *Object) text() string {
	var lines []string
	if o.Comment != "" {
		lines = append(lines, "comment "+strconv.Quote(o.Comment))
	}
	switch {
	case o.Counter != nil:
		lines = append(lines, fmt.Sprintf("packets %d bytes %d", o.Counter.Packets, o.Counter.Bytes))
	case o.Quota != nil:
		over := ""
		if o.Quota.Flags&1 != 0 {
			over = "over "
		}
		q := over + formatBytes(o.Quota.Bytes)
		if o.Quota.Consumed != 0 {
			q += " used " + formatBytes(o.Quota.Consumed)
		}
		lines = append(lines, q)
	case o.Limit != nil:
		lines = append(lines, fmt.Sprintf("rate %d/%s", o.Limit.Rate, unitName(o.Limit.Unit)))
	case o.CtHelper != nil:
		h := o.CtHelper
		lines = append(lines, fmt.Sprintf("type %s protocol %s", strconv.Quote(h.Type), h.Protocol), "l3proto "+h.L3Proto)
	case o.CtExpectation != nil:
		x := o.CtExpectation
		lines = append(lines, "protocol "+x.Protocol, fmt.Sprintf("dport %d", x.DPort), "timeout "+formatMillis(uint64(x.TimeoutMS)),
			fmt.Sprintf("size %d", x.Size), "l3proto "+x.L3Proto)
	case o.CtTimeout != nil:
		x := o.CtTimeout
		lines = append(lines, "protocol "+x.Protocol, "l3proto "+x.L3Proto, "policy = "+x.policyText())
	case o.Synproxy != nil:
		x := o.Synproxy
		lines = append(lines, fmt.Sprintf("mss %d", x.MSS), fmt.Sprintf("wscale %d", x.Wscale))
		var opts []string
		if x.Flags&expr.SynproxyTimestamp != 0 {
			opts = append(opts, "timestamp")
		}
		if x.Flags&expr.SynproxySackPerm != 0 {
			opts = append(opts, "sack-perm")
		}
		if len(opts) > 0 {
			lines = append(lines, strings.Join(opts, " "))
		}
	case o.Secmark != nil:
		lines = append(lines, strconv.Quote(o.Secmark.Context))
	case o.Data != nil:
		lines = append(lines, fmt.Sprintf("# not shown: nlsh keeps this %s's state as the kernel lists it (%d bytes)", o.Type, len(o.Data)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\t%s %s {\n", o.Type, o.Name)
	for _, l := range lines {
		b.WriteString("\t\t" + l + "\n")
	}
	b.WriteString("\t}\n")
	return b.String()
}

// formatMillis prints a time in milliseconds as nft does: "1h", "1m30s",
// "1s500ms".
func formatMillis(ms uint64) string {
	if ms == 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		n    uint64
		unit string
	}{{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"}} {
		if ms >= u.n {
			fmt.Fprintf(&b, "%d%s", ms/u.n, u.unit)
			ms %= u.n
		}
	}
	return b.String()
}

func unitName(u uint64) string {
	switch u {
	case 1:
		return "second"
	case 60:
		return "minute"
	case 3600:
		return "hour"
	case 86400:
		return "day"
	}
	return "week"
}

func (f *Flowtable) text() string {
	quoted := make([]string, len(f.Devices))
	copy(quoted, f.Devices)
	return fmt.Sprintf("\tflowtable %s {\n\t\thook ingress priority %s\n\t\tdevices = { %s }\n\t}\n",
		f.Name, FormatPriority(f.Family, "ingress", f.Prio), strings.Join(quoted, ", "))
}
