package codec

import (
	"strings"
	"testing"
)

// IfnameBadByte finds exactly the bytes the kernel's dev_valid_name
// refuses ('/', ':', its isspace's six and 0xa0), NUL and the template
// mark '%', where they are.
func TestIfnameBadByte(t *testing.T) {
	refused := map[byte]bool{'/': true, ':': true, '%': true, ' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true, 0xa0: true, 0: true}
	for c := 0; c < 256; c++ {
		s := string([]byte{'e', 't', byte(c), 'h'})
		want := -1
		if refused[byte(c)] {
			want = 2
		}
		if got := IfnameBadByte(s); got != want {
			t.Errorf("IfnameBadByte(%q) = %d, want %d", s, got, want)
		}
	}
	if got := IfnameBadByte(""); got != -1 {
		t.Errorf(`IfnameBadByte("") = %d`, got)
	}
}

// The reason names the byte and where it is, and what '%' would do.
func TestIfnameBadByteReason(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"e/0", `byte 1, "/": interface names hold no`},
		{"eth\xa0", `byte 3, "\xa0":`},
		{"x%d", `byte 1, "%", makes the name a template`},
	} {
		i := IfnameBadByte(c.name)
		if i < 0 {
			t.Fatalf("IfnameBadByte(%q) = -1", c.name)
		}
		if got := IfnameBadByteReason(c.name, i); !strings.Contains(got, c.want) {
			t.Errorf("IfnameBadByteReason(%q) = %q, want it to say %q", c.name, got, c.want)
		}
	}
}
