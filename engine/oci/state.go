package oci

import (
	"encoding/json"
	"fmt"
	"io"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// maxState bounds the state JSON read from standard input.
const maxState = 1 << 20

// Hooks are the OCI hook names; the first script argument that is one of
// them becomes container.hook.
var hooks = map[string]bool{
	"prestart": true, "createRuntime": true, "createContainer": true,
	"startContainer": true, "poststart": true, "poststop": true,
}

// IsHook reports whether name is an OCI hook name such as "createRuntime".
func IsHook(name string) bool { return hooks[name] }

// ReadState decodes the container state a runtime writes to a hook's
// standard input, and checks the fields a hook relies on.
func ReadState(r io.Reader) (specs.State, error) {
	var st specs.State
	data, err := io.ReadAll(io.LimitReader(r, maxState+1))
	if err != nil {
		return st, fmt.Errorf("read OCI state from standard input: %w", err)
	}
	if len(data) > maxState {
		return st, fmt.Errorf("OCI state on standard input is larger than %d bytes", maxState)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, fmt.Errorf("OCI state on standard input: %w", err)
	}
	if st.ID == "" {
		return st, fmt.Errorf("OCI state on standard input: no container id")
	}
	if st.Pid < 0 {
		return st, fmt.Errorf("OCI state of %s: bad pid %d", st.ID, st.Pid)
	}
	return st, nil
}
