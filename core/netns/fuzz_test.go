package netns

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse reads --netns targets. A target that parses spells itself
// (String) the way Parse reads back to the same target; one that does not
// is an error matching ErrInvalid.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"host", "", "pid:1", "pidfd:1", "name:blue", "fd:3", "path:/run/netns/x",
		"/proc/1/ns/net", "./ns", "name:", "name:a/b", "pid:-1", "pid:x", "bogus:1", "path:rel", "path:a:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !strings.HasPrefix(s, "pidfd:") {
				// pidfd:N may fail with the errno of pidfd_open (no such
				// process); every other refusal is a spelling error.
				t.Fatalf("Parse(%q): %v does not match ErrInvalid", s, err)
			}
			return
		}
		defer tg.Close()
		if tg.Kind() == KindPidFD {
			return // String names the pid; parsing it opens another pidfd
		}
		again, err := Parse(tg.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %v, which does not parse back: %v", s, tg.String(), err)
		}
		defer again.Close()
		if again.Kind() != tg.Kind() || again.String() != tg.String() {
			t.Fatalf("Parse(%q) = %v (kind %d), reparsed as %v (kind %d)", s, tg, tg.Kind(), again, again.Kind())
		}
	})
}
