package oci

import (
	"errors"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/netns"
)

// Container is a container as a hook sees it, with its namespace target.
type Container struct {
	State specs.State
	// Hook is the hook name the script was started for ("" if not given).
	Hook string
	// Netns is the child's network namespace, by pidfd; valid when
	// HasNetns.
	Netns    netns.Target
	HasNetns bool
}

// Open makes the Container for st and opens the child's namespace by
// pidfd now. A stopped container (or a poststop hook) whose process is
// gone gets no namespace; a live container whose process cannot be
// opened is an error.
func Open(st specs.State, hook string) (*Container, error) {
	c := &Container{State: st, Hook: hook}
	stopped := st.Status == specs.StateStopped || hook == "poststop"
	if st.Pid == 0 {
		if stopped {
			return c, nil
		}
		return nil, fmt.Errorf("container %s (%s): the state has no pid", st.ID, st.Status)
	}
	t, err := netns.PidFD(st.Pid)
	if err != nil {
		if stopped && errors.Is(err, unix.ESRCH) {
			return c, nil
		}
		return nil, fmt.Errorf("container %s: open its process %d: %w", st.ID, st.Pid, err)
	}
	c.Netns, c.HasNetns = t, true
	return c, nil
}

// Close releases the pidfd.
func (c *Container) Close() error {
	if c.HasNetns {
		return c.Netns.Close()
	}
	return nil
}
