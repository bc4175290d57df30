package rtnl

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// prefixInputs are strings to parse as prefixes: good ones of both
// families and every way one can be off.
func prefixInputs() []string {
	in := []string{"", "default", "all", "any", "10.0.0.0/8", "10.1.2.3/32", "10.0.0.1/8", "0.0.0.0/0",
		"2001:db8::/32", "2001:db8::1/128", "2001:db8::1/64", "::/0", "::ffff:1.2.3.4/128", "::ffff:1.2.3.0/120",
		"::1.2.3.4/128", "10.0.0.0/08", "10.0.0.0/008", "10.0.0.0/0008", " 10.0.0.0/8", "10.0.0.0/8 ", "10.0.0.1",
		"fe80::1%eth0/64", "fe80::1%eth0", "10.0.0.0/33", "::/129", "10.0.0.0/", "/8", "junk", "10.0.0.0/8/8",
		"10.0.0.0/+8", "10.0.0.0/-1", "10.0.0.0/x", "1.2.3.4/ 8", "010.0.0.0/8", "::ffff:10.0.0.1"}
	for bits := range 34 {
		in = append(in, fmt.Sprintf("192.168.%d.0/%d", bits*7%256, bits))
		in = append(in, fmt.Sprintf("2001:db8:%x::/%d", bits*1000, bits*4))
	}
	return in
}

// ParsePrefix's shortcut gives what its checks give, error text included.
func TestParsePrefixShortcut(t *testing.T) {
	for _, s := range prefixInputs() {
		for _, fam := range []string{"", "inet", "inet6", "bogus"} {
			p, err := ParsePrefix("dst", s, fam)
			q, qerr := parsePrefix("dst", s, fam)
			if p != q || fmt.Sprint(err) != fmt.Sprint(qerr) || !reflect.DeepEqual(err, qerr) {
				t.Errorf("ParsePrefix(%q, %q) = %v, %v; its checks give %v, %v", s, fam, p, err, q, qerr)
			}
			var ae *ArgError
			if err != nil && !errors.As(err, &ae) {
				t.Errorf("ParsePrefix(%q, %q): %v is not an *ArgError", s, fam, err)
			}
		}
	}
}
