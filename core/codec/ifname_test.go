package codec

import "testing"

// IfnameBadByte finds exactly the bytes the kernel's dev_valid_name
// refuses ('/', ':', its isspace's six and 0xa0) and NUL, where they are.
func TestIfnameBadByte(t *testing.T) {
	refused := map[byte]bool{'/': true, ':': true, ' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true, 0xa0: true, 0: true}
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
