package nfnl

import (
	"fmt"
	"strconv"
	"strings"
)

// Text prints the ruleset as `nft list ruleset` does.
func (rs *Ruleset) Text() string {
	var b strings.Builder
	for _, t := range rs.Tables {
		fmt.Fprintf(&b, "table %s %s {\n", t.Family, t.Name)
		var blocks []string
		if t.Comment != "" {
			blocks = append(blocks, "\tcomment "+strconv.Quote(t.Comment)+"\n")
		}
		if fl := t.FlagNames(); len(fl) > 0 {
			blocks = append(blocks, "\tflags "+strings.Join(fl, ",")+"\n")
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
	fmt.Fprintf(&b, "\t%s %s {\n\t\ttype %s", kw, s.Name, s.Type)
	if s.Map != "" {
		fmt.Fprintf(&b, " : %s", s.Map)
	}
	b.WriteString("\n")
	if fl := s.FlagNames(); len(fl) > 0 {
		fmt.Fprintf(&b, "\t\tflags %s\n", strings.Join(fl, ","))
	}
	if s.Timeout != 0 {
		fmt.Fprintf(&b, "\t\ttimeout %s\n", formatSeconds(s.Timeout))
	}
	if s.Comment != "" {
		fmt.Fprintf(&b, "\t\tcomment %s\n", strconv.Quote(s.Comment))
	}
	if len(s.Elements) > 0 {
		parts := make([]string, len(s.Elements))
		for i, e := range s.Elements {
			parts[i] = e.Key
			if e.Value != "" {
				parts[i] += " : " + e.Value
			}
		}
		fmt.Fprintf(&b, "\t\telements = { %s }\n", strings.Join(parts, ", "))
	}
	b.WriteString("\t}\n")
	return b.String()
}

func formatSeconds(s uint64) string {
	var b strings.Builder
	for _, u := range []struct {
		n    uint64
		unit string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if s >= u.n {
			fmt.Fprintf(&b, "%d%s", s/u.n, u.unit)
			s %= u.n
		}
	}
	return b.String()
}

func (o *Object) text() string {
	var body string
	switch {
	case o.Counter != nil:
		body = fmt.Sprintf("packets %d bytes %d", o.Counter.Packets, o.Counter.Bytes)
	case o.Quota != nil:
		over := ""
		if o.Quota.Flags&1 != 0 {
			over = "over "
		}
		body = fmt.Sprintf("%s%d bytes used %d bytes", over, o.Quota.Bytes, o.Quota.Consumed)
	case o.Limit != nil:
		body = fmt.Sprintf("rate %d/%s", o.Limit.Rate, unitName(o.Limit.Unit))
	}
	return fmt.Sprintf("\t%s %s {\n\t\t%s\n\t}\n", o.Type, o.Name, body)
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
