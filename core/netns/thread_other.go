//go:build !linux

package netns

// Thread is a kept thread for making sockets inside namespaces; off Linux
// it can make none outside the host.
type Thread struct{}

// NewThread returns a Thread.
func NewThread() *Thread { return &Thread{} }

// Socket is not supported off Linux.
func (th *Thread) Socket(t Target, domain, typ, proto int) (int, error) {
	return -1, ErrNotSupported
}

// Close does nothing off Linux.
func (th *Thread) Close() error { return nil }
