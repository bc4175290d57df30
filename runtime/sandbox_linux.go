package runtime

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// CheckScriptFile refuses a script that users other than its owner may
// write (group or world write bits) or whose owner is neither root nor
// the calling user. fi describes the file named path; stat the opened file
// (not the path again) so the check and the read see the same file.
func CheckScriptFile(path string, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("script %s: not a regular file: %w", path, ErrSandbox)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("script %s: writable by group or others (mode %04o); refusing to run it: %w", path, perm, ErrSandbox)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("script %s: cannot read its owner: %w", path, ErrSandbox)
	}
	if uid := os.Geteuid(); st.Uid != 0 && int(st.Uid) != uid {
		return fmt.Errorf("script %s: owned by uid %d, neither root nor the caller (uid %d); refusing to run it: %w", path, st.Uid, uid, ErrSandbox)
	}
	return nil
}
