package kernel

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fakeTB records what Require does instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Skipf(format string, a ...any)  { f.skipped = sprintf(format, a...) }
func (f *fakeTB) Fatalf(format string, a ...any) { f.failed = sprintf(format, a...) }
func fixed(desc string, ok bool, err error) Feature {
	return Feature{desc: desc, probe: func() (bool, error) { return ok, err }}
}

func TestRequireDecides(t *testing.T) {
	present := fixed(`link kind "veth"`, true, nil)
	absent := fixed(`link kind "vlan"`, false, nil)
	unknown := fixed(`link kind "bond"`, false, errors.New("needs root"))

	for _, tc := range []struct {
		name     string
		vm       bool
		features []Feature
		skip     string // substrings expected in the skip message, "" for none
		fail     string // substrings expected in the failure, "" for none
	}{
		{name: "all present", features: []Feature{present, present}},
		{name: "none", features: nil},
		{name: "absent on host", features: []Feature{present, absent},
			skip: `needs link kind "vlan": not in this kernel (` + Release() + "); runs in the VM lane: make test-vm"},
		{name: "unknown on host", features: []Feature{unknown},
			skip: `needs link kind "bond": cannot tell`},
		{name: "absent in VM lane", vm: true, features: []Feature{absent},
			fail: `needs link kind "vlan": not in this kernel`},
		{name: "first missing wins", features: []Feature{absent, unknown},
			skip: `"vlan"`},
		{name: "zero feature", features: []Feature{{desc: "zero"}},
			skip: "zero Feature"},
		{name: "newer than this kernel, VM lane", vm: true, features: []Feature{absent.Since(99, 0)},
			skip: "new in Linux 99.0; runs in the VM lane"},
		{name: "not newer than this kernel, VM lane", vm: true, features: []Feature{absent.Since(2, 6)},
			fail: `needs link kind "vlan": not in this kernel`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.vm {
				t.Setenv(VMLaneEnv, "1")
			} else {
				t.Setenv(VMLaneEnv, "")
			}
			var f fakeTB
			Require(&f, tc.features...)
			check := func(what, got, want string) {
				if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
					t.Errorf("%s = %q, want it to contain %q", what, got, want)
				}
			}
			check("skip", f.skipped, tc.skip)
			check("failure", f.failed, tc.fail)
		})
	}
}

func TestRootMessage(t *testing.T) {
	t.Setenv(VMLaneEnv, "")
	var f fakeTB
	r := Root()
	r.probe = func() (bool, error) { return false, nil }
	Require(&f, r)
	if !strings.Contains(f.skipped, "needs root: not running as root") {
		t.Errorf("skip = %q", f.skipped)
	}
}

func TestInVMLane(t *testing.T) {
	for v, want := range map[string]bool{"1": true, "": false, "0": false, "yes": false} {
		t.Setenv(VMLaneEnv, v)
		if got := InVMLane(); got != want {
			t.Errorf("%s=%q: InVMLane() = %v, want %v", VMLaneEnv, v, got, want)
		}
	}
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func TestOlderThan(t *testing.T) {
	for _, tc := range []struct {
		rel  string
		want bool
	}{
		{"6.1.0-57-amd64", true},
		{"6.3.0", false},
		{"6.18.44-fc-v669", false},
		{"5.19.1", true},
		{"7.0", false},
		{"", false},
		{"garbage", false},
	} {
		if got := olderThan(tc.rel, [2]int{6, 3}); got != tc.want {
			t.Errorf("olderThan(%q, 6.3) = %v, want %v", tc.rel, got, tc.want)
		}
	}
}

func TestAtLeast(t *testing.T) {
	if !AtLeast(2, 6) {
		t.Errorf("AtLeast(2, 6) = false on %s", Release())
	}
	if AtLeast(99, 0) {
		t.Errorf("AtLeast(99, 0) = true on %s", Release())
	}
}
