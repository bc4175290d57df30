package codec

// IfnameBadByte returns the index of the first byte of s the kernel
// refuses in an interface name (dev_valid_name: '/', ':' and what its
// isspace calls space, byte 0xa0 among them), or of a NUL, which would
// cut the name short; -1 when there is none. The other rules (1 to 15
// bytes, not "." or "..") are the caller's, which words the error.
func IfnameBadByte(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/', ':', ' ', '\t', '\n', '\v', '\f', '\r', 0xa0, 0:
			return i
		}
	}
	return -1
}
