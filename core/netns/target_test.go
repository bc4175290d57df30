package netns

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind Kind
		str  string
	}{
		{"host", KindHost, "host"},
		{"", KindHost, "host"},
		{"pid:42", KindPID, "pid:42"},
		{"name:blue", KindNamed, "name:blue"},
		{"/proc/1/ns/net", KindPath, "/proc/1/ns/net"},
		{"./ns", KindPath, "./ns"},
		{"path:/var/run/netns/x", KindPath, "/var/run/netns/x"},
		{"fd:3", KindFD, "fd:3"},
	} {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got.Kind() != tc.kind || got.String() != tc.str {
			t.Errorf("Parse(%q) = kind %d %q, want kind %d %q", tc.in, got.Kind(), got.String(), tc.kind, tc.str)
		}
		// What String prints, Parse reads back to the same target.
		again, err := Parse(got.String())
		if err != nil || again.String() != got.String() {
			t.Errorf("Parse(%q) does not round-trip: %v %v", got.String(), again, err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		"pid:", "pid:x", "pid:-1", "pid:0", "name:", "name:a/b", "name:..",
		"name:a\x00b", "fd:-3", "blue", "proc:1", "path:",
	} {
		if _, err := Parse(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want ErrInvalid", in, err)
		}
	}
}
