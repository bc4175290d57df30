//go:build !linux

package socket

// Dial is not supported off Linux; NewConn with a Transport such as
// core/nltest's fake works everywhere.
func Dial(protocol int, cfg *Config) (*Conn, error) {
	return nil, ErrNotSupported
}
