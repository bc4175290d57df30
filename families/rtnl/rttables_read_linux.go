package rtnl

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"
)

// readTablePath reads the file p, or the *.conf files of the directory p
// in name order; nothing when p does not exist. Every route call that
// names a table reads these files once per process, so it reads with
// plain syscalls (open, read, close: a missing path is one failed open)
// where package os would stat first and try each file on the runtime
// poller: 30 syscalls for iproute2's four paths, 40-60 µs of a hook's
// start, against about 10.
func readTablePath(p string) ([]tableFile, error) {
	fd, err := openTables(p)
	if errors.Is(err, unix.ENOENT) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	names, err := tableConfs(fd)
	if errors.Is(err, unix.ENOTDIR) {
		b, err := readAll(fd, p)
		unix.Close(fd)
		if err != nil {
			return nil, err
		}
		return []tableFile{{p, b}}, nil
	}
	unix.Close(fd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	files := make([]tableFile, 0, len(names))
	for _, name := range names {
		f := filepath.Join(p, name)
		fd, err := openTables(f)
		if err != nil {
			return nil, err
		}
		b, err := readAll(fd, f)
		unix.Close(fd)
		if err != nil {
			return nil, err
		}
		files = append(files, tableFile{f, b})
	}
	return files, nil
}

// openTables opens a path of table names for reading.
func openTables(p string) (int, error) {
	for {
		fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, &fs.PathError{Op: "open", Path: p, Err: err}
		}
		return fd, nil
	}
}

// tableConfs lists the *.conf names of the directory fd in name order;
// ENOTDIR when fd is not a directory.
func tableConfs(fd int) ([]string, error) {
	var names []string
	buf := make([]byte, 4096)
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			break
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names)
	}
	names = slices.DeleteFunc(names, func(n string) bool { return !isTableConf(n) })
	slices.Sort(names)
	return names, nil
}

// maxTablesFile bounds a file of table names (iproute2's is 100 bytes).
const maxTablesFile = 1 << 20

// readAll reads fd to its end.
func readAll(fd int, p string) ([]byte, error) {
	b := make([]byte, 0, 512)
	for {
		if len(b) == cap(b) {
			if len(b) >= maxTablesFile {
				return nil, fmt.Errorf("%s: over %d bytes", p, maxTablesFile)
			}
			b = slices.Grow(b, len(b))
		}
		n, err := unix.Read(fd, b[len(b):cap(b)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: p, Err: err}
		}
		if n == 0 {
			return b, nil
		}
		b = b[:len(b)+n]
	}
}
