package nfnl

import (
	"fmt"
	"strconv"
	"strings"
)

// NFPROTO_* values of the table families.
var familyNums = map[string]uint8{"inet": 1, "ip": 2, "arp": 3, "netdev": 5, "bridge": 7, "ip6": 10}

func familyNum(f string) (uint8, error) {
	n, ok := familyNums[f]
	if !ok {
		return 0, fmt.Errorf("unknown family %q (want ip, ip6, inet, arp, bridge or netdev)", f)
	}
	return n, nil
}

func familyName(n uint8) string {
	for k, v := range familyNums {
		if v == n {
			return k
		}
	}
	return strconv.Itoa(int(n))
}

// hookNums names hook numbers per family.
func hookNum(family, hook string) (uint32, error) {
	var hooks []string
	switch family {
	case "netdev":
		hooks = []string{"ingress", "egress"}
	case "arp":
		hooks = []string{"input", "output", "forward"}
	default:
		hooks = []string{"prerouting", "input", "forward", "output", "postrouting", "ingress"}
	}
	for i, h := range hooks {
		if h == hook {
			return uint32(i), nil
		}
	}
	return 0, fmt.Errorf("unknown hook %q for family %s", hook, family)
}

func hookName(family string, n uint32) string {
	var hooks []string
	switch family {
	case "netdev":
		hooks = []string{"ingress", "egress"}
	case "arp":
		hooks = []string{"input", "output", "forward"}
	default:
		hooks = []string{"prerouting", "input", "forward", "output", "postrouting", "ingress"}
	}
	if int(n) < len(hooks) {
		return hooks[n]
	}
	return strconv.Itoa(int(n))
}

// stdPrio is a named chain priority and the hooks it is valid for (nil:
// all).
type stdPrio struct {
	name  string
	value int
	hooks []string
}

func stdPrios(family string) []stdPrio {
	if family == "bridge" {
		return []stdPrio{{"dstnat", -300, []string{"prerouting"}}, {"filter", -200, nil}, {"out", 100, []string{"output"}}, {"srcnat", 300, []string{"postrouting"}}}
	}
	return []stdPrio{
		{"raw", -300, nil}, {"mangle", -150, nil}, {"dstnat", -100, []string{"prerouting"}},
		{"filter", 0, nil}, {"security", 50, nil}, {"srcnat", 100, []string{"postrouting"}},
	}
}

// ParsePriority reads a chain priority: a number, a name ("filter",
// "srcnat", ...), or a name with an offset ("filter + 5", "mangle-10").
func ParsePriority(family, s string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	name, off, sign := s, "", 1
	if i := strings.IndexAny(s, "+-"); i > 0 {
		name, off = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
		if s[i] == '-' {
			sign = -1
		}
	}
	for _, p := range stdPrios(family) {
		if p.name != name {
			continue
		}
		if off == "" {
			return p.value, nil
		}
		n, err := strconv.Atoi(off)
		if err != nil {
			return 0, fmt.Errorf("bad priority offset in %q", s)
		}
		return p.value + sign*n, nil
	}
	return 0, fmt.Errorf("unknown priority %q", s)
}

// FormatPriority prints a priority as nft does: a standard name where
// one fits the hook (with an offset of up to 10), else the number.
func FormatPriority(family, hook string, prio int) string {
	for _, p := range stdPrios(family) {
		if p.hooks != nil && !contains(p.hooks, hook) {
			continue
		}
		if family == "netdev" && p.name != "filter" {
			continue
		}
		d := prio - p.value
		switch {
		case d == 0:
			return p.name
		case d > 0 && d <= 10:
			return fmt.Sprintf("%s + %d", p.name, d)
		case d < 0 && d >= -10:
			return fmt.Sprintf("%s - %d", p.name, -d)
		}
	}
	return strconv.Itoa(prio)
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
