package netns

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// PidFD opens a pidfd for process pid now, so the target keeps naming that
// process even if the pid is reused after it exits. Close the target when
// done. It needs Linux 5.8 or newer (setns on a pidfd).
func PidFD(pid int) (Target, error) {
	if pid <= 0 {
		return Target{}, fmt.Errorf("pidfd %d: %w", pid, ErrInvalid)
	}
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	if err != nil {
		return Target{}, fmt.Errorf("pidfd_open %d: %w", pid, err)
	}
	f := os.NewFile(uintptr(fd), fmt.Sprintf("pidfd:%d", pid))
	return Target{kind: KindPidFD, pid: pid, fd: fd, file: f}, nil
}

// open returns a descriptor for the namespace and a function that releases
// it (a no-op for descriptors the target does not own).
func (t Target) open() (int, func(), error) {
	switch t.kind {
	case KindFD:
		return t.fd, func() {}, nil
	case KindPidFD:
		if t.file == nil {
			return -1, nil, fmt.Errorf("%s: %w", t, ErrInvalid)
		}
		// Check the process is still alive: a pidfd of a dead process
		// must not silently name nothing.
		if err := unix.PidfdSendSignal(t.fd, 0, nil, 0); err != nil {
			return -1, nil, fmt.Errorf("namespace %s: process gone: %w", t, err)
		}
		return t.fd, func() {}, nil
	}
	p := t.path()
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, nil, fmt.Errorf("namespace %s: open %s: %w", t, p, err)
	}
	return fd, func() { unix.Close(fd) }, nil
}

// Do runs fn on an OS thread inside t's namespace and returns fn's error.
// For the host target fn runs on the calling goroutine. The thread that
// entered t is never reused: its goroutine exits still locked to it.
// A panic in fn is recovered and returned as an error.
func (t Target) Do(fn func() error) error {
	if t.IsHost() {
		return fn()
	}
	fd, release, err := t.open()
	if err != nil {
		return err
	}
	defer release()
	return onDiscardedThread(func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("in namespace %s: panic: %v", t, r)
			}
		}()
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("setns %s: %w", t, err)
		}
		return fn()
	})
}

// onDiscardedThread runs fn on an OS thread that no other goroutine will
// ever use: its goroutine locks the thread and exits without unlocking, so
// the runtime terminates the thread. The process's main thread cannot be
// terminated (the runtime would park it, and /proc/self would then show
// the namespace fn entered), so fn never runs there: a goroutine that
// finds itself on the main thread keeps it locked while a second goroutine,
// which therefore lands on another thread, runs fn.
func onDiscardedThread(fn func() error) error {
	errc := make(chan error, 1)
	run := func() {
		// fn may end its goroutine with runtime.Goexit (t.Fatal does);
		// the deferred send answers the caller all the same.
		sent := false
		defer func() {
			if !sent {
				errc <- errors.New("netns: function exited its goroutine (runtime.Goexit)")
			}
		}()
		err := fn()
		errc <- err
		sent = true
	}
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			run() // returns locked: the thread is discarded
			return
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			runtime.LockOSThread()
			run()
		}()
		<-done
		runtime.UnlockOSThread() // the main thread never entered anything
	}()
	return <-errc
}

// ID returns an identifier of t's namespace (its inode number), so two
// targets can be compared: equal IDs name the same namespace.
func (t Target) ID() (uint64, error) {
	if t.IsHost() {
		// The calling thread's own, which is the process's: a thread
		// that enters another namespace (Thread, Do) is locked to the
		// goroutine doing so, while /proc/self follows the main thread,
		// which may be one of them for a moment.
		var st unix.Stat_t
		if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
			return 0, fmt.Errorf("stat host namespace: %w", err)
		}
		return st.Ino, nil
	}
	if t.kind == KindPidFD {
		var id uint64
		err := t.Do(func() error {
			var st unix.Stat_t
			if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
				return err
			}
			id = st.Ino
			return nil
		})
		return id, err
	}
	var st unix.Stat_t
	if p := t.path(); p != "" {
		// One stat, which follows the bind mount to the namespace, as an
		// open and fstat would.
		if err := unix.Stat(p, &st); err != nil {
			return 0, fmt.Errorf("namespace %s: stat %s: %w", t, p, err)
		}
		return st.Ino, nil
	}
	fd, release, err := t.open()
	if err != nil {
		return 0, err
	}
	defer release()
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, fmt.Errorf("stat namespace %s: %w", t, err)
	}
	return st.Ino, nil
}

// Add creates a named namespace the way `ip netns add NAME` does: an empty
// file /run/netns/NAME on which a new namespace is bind-mounted, with
// /run/netns a shared mount so the name is visible across mount
// namespaces. `ip netns list` sees it and `ip netns del` can remove it.
func Add(name string) (Target, error) {
	if err := checkName(name); err != nil {
		return Target{}, err
	}
	if err := prepareRunDir(); err != nil {
		return Target{}, err
	}
	p := RunDir + "/" + name
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o444)
	if err != nil {
		if errors.Is(err, unix.EEXIST) {
			return Target{}, fmt.Errorf("netns add %s: %w", name, os.ErrExist)
		}
		return Target{}, fmt.Errorf("netns add %s: %w", name, err)
	}
	unix.Close(fd)
	err = onDiscardedThread(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("unshare: %w", err)
		}
		src := "/proc/thread-self/ns/net"
		if err := unix.Mount(src, p, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s: %w", src, err)
		}
		return nil
	})
	if err != nil {
		os.Remove(p)
		return Target{}, fmt.Errorf("netns add %s: %w", name, err)
	}
	return Target{kind: KindNamed, name: name}, nil
}

// prepareRunDir makes /run/netns and a shared mount point of it, as `ip`
// does, so namespaces bound there propagate to other mount namespaces.
func prepareRunDir() error {
	if err := os.MkdirAll(RunDir, 0o755); err != nil {
		return fmt.Errorf("netns: %w", err)
	}
	err := unix.Mount("", RunDir, "none", unix.MS_SHARED|unix.MS_REC, "")
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("netns: make %s shared: %w", RunDir, err)
	}
	// Not a mount point yet: bind it onto itself, then make it shared.
	if err := unix.Mount(RunDir, RunDir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("netns: bind %s: %w", RunDir, err)
	}
	if err := unix.Mount("", RunDir, "none", unix.MS_SHARED|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("netns: make %s shared: %w", RunDir, err)
	}
	return nil
}

// Del removes a named namespace as `ip netns del NAME` does: it detaches
// the bind mount and removes the file. The namespace itself lives on while
// processes or sockets still use it.
func Del(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	p := RunDir + "/" + name
	if _, err := os.Stat(p); err != nil {
		return fmt.Errorf("netns del %s: %w", name, err)
	}
	if err := unix.Unmount(p, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("netns del %s: umount: %w", name, err)
	}
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("netns del %s: %w", name, err)
	}
	return nil
}

// List returns the names in /run/netns, as `ip netns list` shows them.
func List() ([]string, error) {
	ents, err := os.ReadDir(RunDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("netns list: %w", err)
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// pidfdGetNetNamespace is PIDFD_GET_NET_NAMESPACE, _IO(0xFF, 4) (Linux
// 6.11), which x/sys/unix does not name: NS_GET_NSTYPE is _IO(0xb7, 3),
// so its high bits are the architecture's _IO direction bits.
const pidfdGetNetNamespace = unix.NS_GET_NSTYPE&^0xffff | 0xff04

// OpenFD returns a new descriptor of t's network namespace, which the
// caller closes: for the kernel to take as a namespace (IFLA_NET_NS_FD,
// setns). A name, a path or a pid is opened as its file (no thread
// enters anything), and checked to be a network namespace; a pidfd is
// asked for its process's namespace (PIDFD_GET_NET_NAMESPACE), or on a
// kernel without that, a discarded thread enters it and opens its own;
// an fd target is duplicated; the host is the process's own.
func (t Target) OpenFD() (int, error) {
	var (
		fd  int
		err error
	)
	switch t.kind {
	case KindHost:
		fd, err = unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0) // as in ID
	case KindFD:
		fd, err = unix.FcntlInt(uintptr(t.fd), unix.F_DUPFD_CLOEXEC, 0)
	case KindPidFD:
		if t.file == nil {
			return -1, fmt.Errorf("%s: %w", t, ErrInvalid)
		}
		fd, err = unix.IoctlRetInt(t.fd, pidfdGetNetNamespace)
		if errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EINVAL) {
			return t.openInside()
		}
		if err != nil {
			return -1, fmt.Errorf("namespace %s: %w", t, err)
		}
		return fd, nil
	default:
		p := t.path()
		fd, err = unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return -1, fmt.Errorf("namespace %s: open %s: %w", t, p, err)
		}
	}
	if err != nil {
		return -1, fmt.Errorf("namespace %s: %w", t, err)
	}
	if typ, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE); err != nil || typ != unix.CLONE_NEWNET {
		unix.Close(fd)
		return -1, fmt.Errorf("namespace %s: not a network namespace: %w", t, ErrInvalid)
	}
	return fd, nil
}

// openInside enters t on a discarded thread and opens that thread's own
// namespace file there.
func (t Target) openInside() (int, error) {
	fd := -1
	err := t.Do(func() error {
		var err error
		fd, err = unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return -1, fmt.Errorf("open namespace %s: %w", t, err)
	}
	return fd, nil
}
