package bindings

import (
	"fmt"
	"testing"
)

// ParsePrefix's shortcut gives what its checks give, error text included.
func TestParsePrefixShortcut(t *testing.T) {
	in := []string{"", "10.0.0.2/24", "10.0.0.2", "10.0.0.0/8", "fe80::1/64", "::ffff:1.2.3.4/96", "::ffff:1.2.3.4/128",
		"10.0.0.2/33", "10.0.0.2/024", " 10.0.0.2/24", "10.0.0.2/24 ", "fe80::1%eth0/64", "10.0.0.2/", "/24",
		"10.0.0.2/24/8", "10.0.0.2/+8", "junk/8", "::/0", "::/129", "0.0.0.0/0"}
	for bits := range 34 {
		in = append(in, fmt.Sprintf("192.168.%d.1/%d", bits, bits), fmt.Sprintf("2001:db8::%x/%d", bits, bits*4))
	}
	for _, s := range in {
		p, err := ParsePrefix(s)
		q, qerr := parsePrefix(s)
		if p != q || fmt.Sprint(err) != fmt.Sprint(qerr) {
			t.Errorf("ParsePrefix(%q) = %v, %v; its checks give %v, %v", s, p, err, q, qerr)
		}
	}
}

// CheckIfname takes what the kernel's dev_valid_name takes: 1 to 15
// bytes, not "." or "..", none of '/', ':', the bytes its isspace calls
// space (0xa0 among them) or NUL.
func TestCheckIfname(t *testing.T) {
	for _, s := range []string{"eth0", "a", "br-lan.100", "veth@x", "wg0_é", "abcdefghijklmno", "...", "-"} {
		if err := CheckIfname(s); err != nil {
			t.Errorf("CheckIfname(%q) = %v, want nil", s, err)
		}
	}
	bad := []string{"", ".", "..", "abcdefghijklmnop"}
	for _, c := range []byte{'/', ':', '%', ' ', '\t', '\n', '\v', '\f', '\r', 0xa0, 0} {
		bad = append(bad, string([]byte{'e', c, '0'}), string([]byte{c}))
	}
	for _, s := range bad {
		if err := CheckIfname(s); err == nil {
			t.Errorf("CheckIfname(%q) = nil, want an error", s)
		}
	}
}
