//go:build !linux

package runtime

import (
	"fmt"
	"io/fs"
)

// CheckScriptFile refuses a script that users other than its owner may
// write. Off Linux the owner is not checked.
func CheckScriptFile(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("script %s: not a regular file: %w", path, ErrSandbox)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("script %s: writable by group or others (mode %04o); refusing to run it: %w", path, perm, ErrSandbox)
	}
	return nil
}
