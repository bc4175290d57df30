package netns

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// ErrStuck is the error of a thread that entered another namespace to make
// a socket and could not go back: every later call on its Thread fails
// with it, and the goroutine that made the call stays locked to that
// thread, so no other goroutine ever runs there.
var ErrStuck = errors.New("netns: a thread could not return to its namespace")

// Thread makes sockets inside namespaces, one way or the other:
//
//   - Here (the usual way): on the calling goroutine's own thread, locked
//     to it for the call: enter the namespace, make the socket, go home,
//     unlock. A few µs of syscalls, no other thread involved. It is taken
//     only when going home cannot be refused: the process holds
//     CAP_SYS_ADMIN in its user namespace, and that user namespace owns
//     the thread's home namespace (root, or a namespace made by a
//     rootless engine for itself). If going home fails all the same, the
//     thread stays locked to its goroutine (see ErrStuck): a thread that
//     is elsewhere never runs another goroutine.
//   - Kept: otherwise (a home owned by a parent user namespace, where a
//     thread that leaves may not get back), one OS thread kept for these
//     calls: its goroutine locks it and never unlocks it; it runs only
//     this package's own operations (make a socket, open the namespace's
//     file), never a caller's function; after each it goes back, and if it
//     cannot, its goroutine exits still locked, so Go discards the thread,
//     and the next call starts another. Each call is a hand-over to that
//     thread and back, 40-170 µs on a 2-vCPU VM, where a parked thread on
//     the other vCPU wakes slowly; a discarded thread per call (Do) would
//     cost its clone and exit on top.
//
// The first call into another namespace decides the way, once. The zero
// value is not usable; make one with NewThread. It is safe for use by
// several goroutines (kept-thread calls are served one at a time).
type Thread struct {
	mode  atomic.Int32          // modeUndecided, modeHere or modeKept
	stuck atomic.Pointer[error] // set once a call could not go home

	// setns enters a namespace; nil is unix.Setns (tests inject failures).
	setns func(fd, nstype int) error

	mu     sync.Mutex
	reqs   chan threadReq // nil until the first kept call, and after a loss
	exited chan struct{}  // closed when the serving goroutine returns
	closed bool
}

// The ways a Thread makes sockets (Thread.mode).
const (
	modeUndecided int32 = iota
	modeHere
	modeKept
)

// threadReq is one operation for the kept thread: enter the namespace fd
// names, run op, come back.
type threadReq struct {
	t     Target
	fd    int
	op    func() error
	reply chan threadReply
}

type threadReply struct {
	err  error
	lost bool // the thread could not go home and is gone
}

// NewThread returns a Thread; it decides its way on the first call into
// another namespace (and a kept thread starts then).
func NewThread() *Thread { return &Thread{} }

// Socket makes a socket(domain, typ, proto) inside t's namespace and
// returns its descriptor, which the caller closes. For the host target it
// is made on the calling thread; elsewhere as the Thread's doc says.
func (th *Thread) Socket(t Target, domain, typ, proto int) (int, error) {
	fd := -1
	op := func() error {
		s, err := unix.Socket(domain, typ, proto)
		if err != nil {
			return fmt.Errorf("socket: %w", err)
		}
		fd = s
		return nil
	}
	if err := th.run(t, op); err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return -1, err
	}
	return fd, nil
}

// run runs op inside t: on the calling thread for the host; else on the
// calling thread locked for the call (here), or on the kept thread (or on
// a discarded one once th is closed), as th's mode says.
func (th *Thread) run(t Target, op func() error) error {
	if th != nil {
		if err := th.stuck.Load(); err != nil {
			return *err
		}
	}
	if t.IsHost() {
		return op()
	}
	if th == nil {
		return t.Do(op)
	}
	fd, release, err := t.open()
	if err != nil {
		return err
	}
	defer release()
	if th.here() {
		return th.runHere(t, fd, op)
	}
	th.mu.Lock()
	defer th.mu.Unlock()
	if th.closed {
		return t.Do(op)
	}
	if th.reqs == nil {
		if err := th.start(); err != nil {
			return err
		}
	}
	reply := make(chan threadReply, 1)
	th.reqs <- threadReq{t: t, fd: fd, op: op, reply: reply}
	r := <-reply
	if r.lost {
		<-th.exited
		th.reqs, th.exited = nil, nil
	}
	return r.err
}

// here reports whether th makes sockets on the calling thread, deciding it
// on the first call.
func (th *Thread) here() bool {
	switch th.mode.Load() {
	case modeHere:
		return true
	case modeKept:
		return false
	}
	m := modeKept
	if canGoHome() {
		m = modeHere
	}
	th.mode.CompareAndSwap(modeUndecided, m)
	return th.mode.Load() == modeHere
}

// canGoHome reports whether a thread of this process that enters another
// network namespace can always enter its own again: setns needs
// CAP_SYS_ADMIN over the user namespace that owns the namespace entered,
// so the process must hold it in its own user namespace, and that one
// must own the thread's namespace.
func canGoHome() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var caps [2]unix.CapUserData
	if err := unix.Capget(&hdr, &caps[0]); err != nil || caps[0].Effective&(1<<unix.CAP_SYS_ADMIN) == 0 {
		return false
	}
	// In the initial user namespace, which owns every namespace there is
	// or is an ancestor of its owner, the capability covers them all.
	var self unix.Stat_t
	if unix.Stat("/proc/thread-self/ns/user", &self) != nil {
		return false
	}
	if self.Ino == initUserNSIno {
		return true
	}
	home, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(home)
	owner, err := unix.IoctlRetInt(home, unix.NS_GET_USERNS)
	if err != nil {
		return false
	}
	defer unix.Close(owner)
	var own unix.Stat_t
	if unix.Fstat(owner, &own) != nil {
		return false
	}
	return own.Ino == self.Ino && own.Dev == self.Dev
}

// initUserNSIno is the inode number of the initial user namespace, fixed
// by the kernel (PROC_USER_INIT_INO).
const initUserNSIno = 0xEFFFFFFD

// runHere runs op inside the namespace fd names on the calling goroutine's
// thread, locked to it until it is home again. If it cannot go home, the
// goroutine stays locked (Go discards the thread when the goroutine ends)
// and th fails every later call with ErrStuck.
func (th *Thread) runHere(t Target, fd int, op func() error) (err error) {
	setns := th.setns
	if setns == nil {
		setns = unix.Setns
	}
	runtime.LockOSThread()
	home, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("netns: open the thread's own namespace: %w", err)
	}
	defer unix.Close(home)
	if err := setns(fd, unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("setns %s: %w", t, err)
	}
	defer func() {
		if herr := setns(home, unix.CLONE_NEWNET); herr != nil {
			stuck := fmt.Errorf("%w: after entering %s: %w", ErrStuck, t, herr)
			th.stuck.CompareAndSwap(nil, &stuck)
			err = errors.Join(err, stuck)
			return // still locked: this thread never runs another goroutine
		}
		runtime.UnlockOSThread()
	}()
	return op()
}

// start starts the serving goroutine on a thread of its own: never the
// process's main thread, which Go cannot discard (see onDiscardedThread).
func (th *Thread) start() error {
	reqs, exited := make(chan threadReq), make(chan struct{})
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			serve(reqs, started, exited) // returns locked: the thread is discarded
			return
		}
		// Hold the main thread while a second goroutine, which therefore
		// lands on another thread, takes the work; let it go once that one
		// has locked its own.
		locked := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(locked)
			serve(reqs, started, exited)
		}()
		<-locked
		runtime.UnlockOSThread() // the main thread never entered anything
	}()
	if err := <-started; err != nil {
		<-exited
		return err
	}
	th.reqs, th.exited = reqs, exited
	return nil
}

// serve is the kept thread's loop. It reports on started once it knows
// its home namespace, then serves reqs until they close or it cannot go
// home; exited closes when it returns.
func serve(reqs <-chan threadReq, started chan<- error, exited chan<- struct{}) {
	defer close(exited)
	home, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		started <- fmt.Errorf("kept namespace thread: open its namespace: %w", err)
		return
	}
	defer unix.Close(home)
	started <- nil
	for r := range reqs {
		err := unix.Setns(r.fd, unix.CLONE_NEWNET)
		if err != nil {
			err = fmt.Errorf("setns %s: %w", r.t, err)
		} else {
			err = r.op()
		}
		if herr := unix.Setns(home, unix.CLONE_NEWNET); herr != nil {
			// What op made is made; the thread, stuck elsewhere, goes.
			r.reply <- threadReply{err: err, lost: true}
			return
		}
		r.reply <- threadReply{err: err}
	}
}

// Close ends the kept thread if one was started (its goroutine exits
// locked, so Go discards it) and waits for that; later calls into other
// namespaces run here, or on discarded threads where th kept one. It is
// safe to call more than once.
func (th *Thread) Close() error {
	th.mu.Lock()
	defer th.mu.Unlock()
	th.closed = true
	if th.reqs != nil {
		close(th.reqs)
		<-th.exited
		th.reqs, th.exited = nil, nil
	}
	return nil
}
