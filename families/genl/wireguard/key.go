package wireguard

import (
	"encoding/base64"
	"fmt"
)

// Key is a WireGuard key (private, public or preshared). It prints and
// parses as base64, as wg(8) shows keys.
type Key [KeyLen]byte

// ParseKey reads a base64 key.
func ParseKey(s string) (Key, error) {
	var k Key
	if len(s) != base64.StdEncoding.EncodedLen(KeyLen) {
		// Also refuses the line breaks the decoder would skip.
		return k, fmt.Errorf("wireguard: key %q: %d characters, want %d", s, len(s), base64.StdEncoding.EncodedLen(KeyLen))
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s) // one spelling per key
	if err != nil {
		return k, fmt.Errorf("wireguard: key %q: not base64: %w", s, err)
	}
	if len(b) != KeyLen {
		return k, fmt.Errorf("wireguard: key %q: %d bytes, want %d", s, len(b), KeyLen)
	}
	copy(k[:], b)
	return k, nil
}

// String returns the key in base64.
func (k Key) String() string { return base64.StdEncoding.EncodeToString(k[:]) }

// MarshalText returns the key in base64.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a base64 key.
func (k *Key) UnmarshalText(b []byte) error {
	v, err := ParseKey(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// IsZero reports whether the key is all zeroes (what the kernel reports
// for an unset key).
func (k Key) IsZero() bool { return k == Key{} }
