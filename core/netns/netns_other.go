//go:build !linux

package netns

import "errors"

// ErrNotSupported is returned by every operation off Linux.
var ErrNotSupported = errors.New("network namespaces are only supported on Linux")

// PidFD is not supported off Linux.
func PidFD(pid int) (Target, error) { return Target{}, ErrNotSupported }

// Do runs fn for the host target and fails for any other off Linux.
func (t Target) Do(fn func() error) error {
	if t.IsHost() {
		return fn()
	}
	return ErrNotSupported
}

// ID is not supported off Linux.
func (t Target) ID() (uint64, error) { return 0, ErrNotSupported }

// Add is not supported off Linux.
func Add(name string) (Target, error) { return Target{}, ErrNotSupported }

// Del is not supported off Linux.
func Del(name string) error { return ErrNotSupported }

// List is not supported off Linux.
func List() ([]string, error) { return nil, ErrNotSupported }

// OpenFD is not supported off Linux.
func (t Target) OpenFD() (int, error) { return -1, ErrNotSupported }
