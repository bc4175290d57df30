package netns

import (
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// Thread is one OS thread kept for making sockets inside namespaces, so
// that a socket in another namespace does not cost a new thread each time
// (Do's thread is made for the call and discarded after it: clone, the Go
// runtime's start and exit, 100 µs and more a call here, against a few µs
// for a request to a kept thread).
//
// The thread keeps the discipline Do keeps: its goroutine locks it and
// never unlocks it, so no other goroutine ever runs there; it runs only
// this package's own operations (make a socket, open the namespace's
// file), never a caller's function; after each it goes back to the
// namespace it started in, and if it cannot, its goroutine exits still
// locked, so Go discards the thread, and the next call starts another.
// The zero value is not usable; make one with NewThread. It is safe for
// use by several goroutines (calls are served one at a time).
type Thread struct {
	mu     sync.Mutex
	reqs   chan threadReq // nil until the first call, and after a loss
	exited chan struct{}  // closed when the serving goroutine returns
	closed bool
}

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

// NewThread returns a Thread; its OS thread starts on first use.
func NewThread() *Thread { return &Thread{} }

// Socket makes a socket(domain, typ, proto) inside t's namespace and
// returns its descriptor, which the caller closes. For the host target it
// is made on the calling thread; on a closed Thread, on a discarded one
// (Do).
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

// run runs op inside t: on the calling thread for the host, else on the
// kept thread (or on a discarded one once th is closed).
func (th *Thread) run(t Target, op func() error) error {
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

// Close ends the kept thread (its goroutine exits locked, so Go discards
// it) and waits for that; later calls run on discarded threads. It is
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
