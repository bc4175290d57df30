// Package netns names network namespaces and runs code inside them.
//
// A Target is one of: the caller's own namespace (Host), a process's
// (PID, or PidFD which cannot be redirected by pid reuse), a named
// namespace as `ip netns` makes them (Named), a file (Path), or an open
// file descriptor (FD).
//
// Do runs a function on an OS thread that has entered the target
// namespace. That thread is locked to its goroutine and never unlocked, so
// Go discards it when the function returns: a thread that entered another
// namespace never runs another goroutine. Sockets created inside Do stay
// bound to the namespace they were created in and can be used from any
// goroutine afterwards. Thread makes sockets in namespaces without a new
// thread per call (see its doc).
package netns

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Kind says how a Target names its namespace.
type Kind uint8

// Target kinds.
const (
	KindHost Kind = iota
	KindPID
	KindPidFD
	KindNamed
	KindPath
	KindFD
)

// RunDir is where `ip netns` keeps named namespaces.
const RunDir = "/run/netns"

// ErrInvalid reports a target that cannot name a namespace.
var ErrInvalid = errors.New("invalid network namespace target")

// Target names a network namespace. The zero value is the host (the
// caller's own) namespace. Targets made by PidFD hold a file descriptor
// and should be closed when no longer needed; the others hold nothing.
type Target struct {
	kind Kind
	pid  int
	name string // name or path
	fd   int
	file *os.File // owned descriptor for KindPidFD
}

// Host is the namespace the process started in.
func Host() Target { return Target{} }

// PID is the namespace of process pid, opened through /proc/PID/ns/net
// each time the target is used.
func PID(pid int) (Target, error) {
	if pid <= 0 {
		return Target{}, fmt.Errorf("pid %d: %w", pid, ErrInvalid)
	}
	return Target{kind: KindPID, pid: pid}, nil
}

// Named is a namespace made by `ip netns add NAME` (or by Add), found in
// /run/netns/NAME.
func Named(name string) (Target, error) {
	if err := checkName(name); err != nil {
		return Target{}, err
	}
	return Target{kind: KindNamed, name: name}, nil
}

// Path is a namespace file, such as /proc/N/ns/net or a bind mount of one.
func Path(p string) (Target, error) {
	if p == "" || strings.IndexByte(p, 0) >= 0 {
		return Target{}, fmt.Errorf("path %q: %w", p, ErrInvalid)
	}
	return Target{kind: KindPath, name: p}, nil
}

// FD is a namespace given as an open file descriptor the caller owns and
// keeps open while the target is in use.
func FD(fd int) (Target, error) {
	if fd < 0 {
		return Target{}, fmt.Errorf("fd %d: %w", fd, ErrInvalid)
	}
	return Target{kind: KindFD, fd: fd}, nil
}

// Parse reads a target as the CLI spells it: "host", "pid:N", "pidfd:N",
// "name:NAME", "fd:N", "path:P", or a bare path starting with "/" or ".".
func Parse(s string) (Target, error) {
	kind, val, ok := strings.Cut(s, ":")
	switch {
	case s == "host" || s == "":
		return Host(), nil
	case strings.HasPrefix(s, "/") || strings.HasPrefix(s, "."):
		return Path(s)
	case !ok:
		return Target{}, fmt.Errorf("namespace %q: want host, pid:N, pidfd:N, name:NAME, fd:N or a path: %w", s, ErrInvalid)
	}
	num := func() (int, error) {
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("namespace %q: %q is not a number: %w", s, val, ErrInvalid)
		}
		return n, nil
	}
	switch kind {
	case "pid":
		n, err := num()
		if err != nil {
			return Target{}, err
		}
		return PID(n)
	case "pidfd":
		n, err := num()
		if err != nil {
			return Target{}, err
		}
		return PidFD(n)
	case "name":
		return Named(val)
	case "fd":
		n, err := num()
		if err != nil {
			return Target{}, err
		}
		return FD(n)
	case "path":
		return Path(val)
	}
	return Target{}, fmt.Errorf("namespace %q: unknown kind %q (want pid, pidfd, name, fd or path): %w", s, kind, ErrInvalid)
}

func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") || len(name) > 255 {
		return fmt.Errorf("namespace name %q: %w", name, ErrInvalid)
	}
	return nil
}

// Kind says how t names its namespace.
func (t Target) Kind() Kind { return t.kind }

// IsHost reports whether t is the caller's own namespace.
func (t Target) IsHost() bool { return t.kind == KindHost }

// Name is the name of a Named target.
func (t Target) Name() string {
	if t.kind == KindNamed {
		return t.name
	}
	return ""
}

// PID is the process id of a PID or PidFD target.
func (t Target) PID() int { return t.pid }

// String spells t the way Parse reads it.
func (t Target) String() string {
	switch t.kind {
	case KindPID:
		return "pid:" + strconv.Itoa(t.pid)
	case KindPidFD:
		return "pidfd:" + strconv.Itoa(t.pid)
	case KindNamed:
		return "name:" + t.name
	case KindPath:
		if strings.HasPrefix(t.name, "/") || strings.HasPrefix(t.name, ".") {
			return t.name
		}
		return "path:" + t.name // a relative path Parse would not read bare
	case KindFD:
		return "fd:" + strconv.Itoa(t.fd)
	}
	return "host"
}

// path is the namespace file of a path-like target.
func (t Target) path() string {
	switch t.kind {
	case KindPID:
		return "/proc/" + strconv.Itoa(t.pid) + "/ns/net"
	case KindNamed:
		return filepath.Join(RunDir, t.name)
	case KindPath:
		return t.name
	}
	return ""
}

// Close releases a descriptor the target owns (PidFD). It is safe to call
// on any target, and more than once.
func (t Target) Close() error {
	if t.file != nil {
		return t.file.Close()
	}
	return nil
}
