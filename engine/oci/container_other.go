//go:build !linux

package oci

import (
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/nlsh/nlsh/core/netns"
)

// Container is a container as a hook sees it, with its namespace target.
type Container struct {
	State    specs.State
	Hook     string
	Netns    netns.Target
	HasNetns bool
}

// Open needs Linux (pidfd_open).
func Open(st specs.State, hook string) (*Container, error) {
	return nil, errors.New("OCI hook mode needs Linux")
}

// Close does nothing off Linux.
func (c *Container) Close() error { return nil }
