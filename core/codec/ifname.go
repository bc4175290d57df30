package codec

import "fmt"

// IfnameBadByte returns the index of the first byte of s that no
// interface name holds; -1 when there is none. Those are the bytes the
// kernel refuses (dev_valid_name: '/', ':' and what its isspace calls
// space, byte 0xa0 among them), NUL, which would cut the name short, and
// '%': the kernel takes a name with '%' as a template and picks the name
// itself ("x%d" makes x0, then x1; any other '%' it refuses), so a link
// asked for by such a name would not have it. The other rules (1 to 15
// bytes, not "." or "..") are the caller's, which words the error.
func IfnameBadByte(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/', ':', '%', ' ', '\t', '\n', '\v', '\f', '\r', 0xa0, 0:
			return i
		}
	}
	return -1
}

// IfnameBadByteReason says why the byte at i of an interface name, one
// IfnameBadByte found, is refused: the words of an error that names it.
func IfnameBadByteReason(s string, i int) string {
	if s[i] == '%' {
		return fmt.Sprintf("byte %d, \"%%\", makes the name a template the kernel fills in (\"x%%d\" becomes x0), not the name given", i)
	}
	return fmt.Sprintf("byte %d, %q: interface names hold no '/', ':', '%%', white space or NUL", i, s[i:i+1])
}
