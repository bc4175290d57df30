package socket

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Dial opens a netlink socket for protocol (such as unix.NETLINK_ROUTE)
// inside cfg.NetNS and returns a Conn over it. The socket is made on
// cfg.Thread, or without one on a thread made for it and discarded
// (netns.Target.Do).
//
// The socket is non-blocking and served by the Go runtime poller, bound to
// a kernel-assigned port id, and connected to the kernel (port 0) so that
// other processes cannot unicast forged replies to it. NETLINK_EXT_ACK,
// NETLINK_CAP_ACK and NETLINK_GET_STRICT_CHK are enabled where the kernel
// has them.
func Dial(protocol int, cfg *Config) (*Conn, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	fd, err := cfg.Thread.Socket(cfg.NetNS, unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, protocol)
	if err != nil {
		return nil, fmt.Errorf("netlink dial protocol %d in %s: %w", protocol, cfg.NetNS, err)
	}
	k, err := newKernel(fd, cfg)
	if err != nil {
		return nil, fmt.Errorf("netlink dial protocol %d in %s: %w", protocol, cfg.NetNS, err)
	}
	if cfg.WrapTransport != nil {
		return NewConn(cfg.WrapTransport(k), cfg), nil
	}
	return NewConn(k, cfg), nil
}

// kernel is the Transport over an AF_NETLINK socket.
type kernel struct {
	f      *os.File
	rc     syscall.RawConn
	port   uint32
	rcvbuf int
	sndbuf int
	capAck bool

	// Scratch for one Send or Receive at a time (the Conn serialises
	// them), kept here so the poller callbacks allocate nothing.
	wbuf    []byte
	werr    error
	rbuf    []byte
	rn      int
	rerr    error
	rtry    bool // TryReceive: do not wait
	rempty  bool // TryReceive found nothing
	sa      unix.RawSockaddrNetlink
	iov     unix.Iovec
	hdr     unix.Msghdr
	readFn  func(fd uintptr) bool
	writeFn func(fd uintptr) bool

	// Scratch for ReceiveMany (recvmmsg): per datagram a header, an iovec
	// and the sender's address, kept for reuse.
	mds        []Datagram
	mn         int
	mhdr       []unix.Mmsghdr
	miov       []unix.Iovec
	msa        []unix.RawSockaddrNetlink
	readManyFn func(fd uintptr) bool
}

// newKernel sets fd up; on failure it closes fd.
func newKernel(fd int, cfg *Config) (*kernel, error) {
	k, err := setup(fd, cfg)
	if err != nil {
		if k != nil && k.f != nil {
			k.f.Close()
		} else {
			unix.Close(fd)
		}
		return nil, err
	}
	return k, nil
}

func setup(fd int, cfg *Config) (*kernel, error) {
	k := &kernel{}
	for _, o := range []struct {
		opt  int
		flag *bool
	}{
		{unix.NETLINK_EXT_ACK, nil},
		{unix.NETLINK_CAP_ACK, &k.capAck},
		{unix.NETLINK_GET_STRICT_CHK, nil},
	} {
		err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, o.opt, 1)
		switch {
		case err == nil:
			if o.flag != nil {
				*o.flag = true
			}
		case errors.Is(err, unix.ENOPROTOOPT):
		default:
			return nil, fmt.Errorf("setsockopt netlink option %d: %w", o.opt, err)
		}
	}
	if n := cfg.ReceiveBuffer; n >= 0 {
		if n == 0 {
			n = DefaultReceiveBuffer
		}
		if err := setBuf(fd, unix.SO_RCVBUFFORCE, unix.SO_RCVBUF, n); err != nil {
			return nil, err
		}
	}
	if n := cfg.SendBuffer; n > 0 {
		if err := setBuf(fd, unix.SO_SNDBUFFORCE, unix.SO_SNDBUF, n); err != nil {
			return nil, err
		}
	}
	var err error
	if k.rcvbuf, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF); err != nil {
		return nil, fmt.Errorf("getsockopt SO_RCVBUF: %w", err)
	}
	if k.sndbuf, err = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF); err != nil {
		return nil, fmt.Errorf("getsockopt SO_SNDBUF: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("bind: %w", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return nil, fmt.Errorf("getsockname: %w", err)
	}
	nl, ok := sa.(*unix.SockaddrNetlink)
	if !ok {
		return nil, fmt.Errorf("getsockname: unexpected address %T", sa)
	}
	k.port = nl.Pid
	// Connected to the kernel, the socket refuses unicasts from other
	// ports; multicast still arrives.
	if err := unix.Connect(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	k.f = os.NewFile(uintptr(fd), "netlink")
	rc, err := k.f.SyscallConn()
	if err != nil {
		return k, fmt.Errorf("netlink: %w", err)
	}
	k.rc = rc
	k.readFn = k.read
	k.readManyFn = k.readMany
	k.writeFn = k.write
	return k, nil
}

// setBuf sets a socket buffer size, with the FORCE variant (which needs
// CAP_NET_ADMIN) first.
func setBuf(fd, force, plain, n int) error {
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, force, n); err == nil {
		return nil
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, plain, n); err != nil {
		return fmt.Errorf("setsockopt buffer size %d: %w", n, err)
	}
	return nil
}

func (k *kernel) Send(b []byte) error {
	k.wbuf, k.werr = b, nil
	err := k.rc.Write(k.writeFn)
	k.wbuf = nil
	if err != nil {
		return err
	}
	return k.werr
}

func (k *kernel) write(fd uintptr) bool {
	for {
		n, err := unix.Write(int(fd), k.wbuf)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return false
		case err != nil:
			k.werr = fmt.Errorf("sendmsg: %w", err)
		case n != len(k.wbuf):
			k.werr = fmt.Errorf("sendmsg: %d of %d bytes sent", n, len(k.wbuf))
		}
		return true
	}
}

func (k *kernel) TryReceive(b []byte) ([]byte, uint32, bool, error) {
	k.rtry = true
	b, g, err := k.Receive(b)
	k.rtry = false
	if k.rempty {
		return nil, 0, false, nil
	}
	return b, g, err == nil, err
}

func (k *kernel) Receive(b []byte) ([]byte, uint32, error) {
	k.rbuf, k.rerr, k.rn, k.rempty = b, nil, 0, false
	err := k.rc.Read(k.readFn)
	b, k.rbuf = k.rbuf, nil
	if err != nil {
		return nil, 0, err
	}
	if k.rerr != nil {
		return nil, 0, k.rerr
	}
	return b[:k.rn], k.sa.Groups, nil
}

// read peeks at the next datagram to learn its size (MSG_TRUNC), grows
// the buffer if it does not fit, and then takes it off the queue, so a
// large message is never cut short.
func (k *kernel) read(fd uintptr) bool {
	for {
		n, err := k.recvmsg(fd, k.rbuf, unix.MSG_PEEK|unix.MSG_TRUNC)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN && k.rtry:
			k.rempty = true
			return true
		case err == unix.EAGAIN:
			return false
		case err != nil:
			k.rerr = fmt.Errorf("recvmsg: %w", err)
			return true
		}
		if n > len(k.rbuf) {
			k.rbuf = make([]byte, (n+4095)&^4095)
			continue // peek again into the larger buffer
		}
		var m int
		for {
			// Dequeue without copying: the peek already did.
			m, err = k.recvmsg(fd, nil, unix.MSG_TRUNC)
			if err != unix.EINTR {
				break
			}
		}
		if err != nil {
			k.rerr = fmt.Errorf("recvmsg: %w", err)
			return true
		}
		if m != n {
			k.rerr = fmt.Errorf("recvmsg: datagram of %d bytes changed to %d while reading it", n, m)
			return true
		}
		if k.sa.Pid != 0 {
			continue // not from the kernel: drop it
		}
		k.rn = n
		return true
	}
}

// recvmsg calls recvmsg(2) without allocating; the sender's address
// lands in k.sa.
func (k *kernel) recvmsg(fd uintptr, b []byte, flags int) (int, error) {
	k.sa = unix.RawSockaddrNetlink{}
	k.hdr = unix.Msghdr{Name: (*byte)(unsafe.Pointer(&k.sa)), Namelen: unix.SizeofSockaddrNetlink}
	if len(b) > 0 {
		k.iov = unix.Iovec{Base: &b[0]}
		k.iov.SetLen(len(b))
		k.hdr.Iov = &k.iov
		k.hdr.SetIovlen(1)
	}
	n, _, e := unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&k.hdr)), uintptr(flags))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// ReceiveMany implements MultiReceiver with recvmmsg(2).
func (k *kernel) ReceiveMany(ds []Datagram) (int, error) {
	if len(ds) == 0 {
		return 0, nil
	}
	if len(k.mhdr) < len(ds) {
		k.mhdr = make([]unix.Mmsghdr, len(ds))
		k.miov = make([]unix.Iovec, len(ds))
		k.msa = make([]unix.RawSockaddrNetlink, len(ds))
	}
	for i := range ds {
		b := ds[i].Data[:cap(ds[i].Data)]
		if len(b) == 0 {
			return 0, fmt.Errorf("recvmmsg: datagram buffer %d is empty", i)
		}
		k.miov[i] = unix.Iovec{Base: &b[0]}
		k.miov[i].SetLen(len(b))
		k.mhdr[i] = unix.Mmsghdr{Hdr: unix.Msghdr{
			Name:    (*byte)(unsafe.Pointer(&k.msa[i])),
			Namelen: unix.SizeofSockaddrNetlink,
			Iov:     &k.miov[i],
		}}
		k.mhdr[i].Hdr.SetIovlen(1)
	}
	k.mds, k.mn, k.rerr = ds, 0, nil
	err := k.rc.Read(k.readManyFn)
	n := k.mn
	k.mds = nil
	if err != nil {
		return 0, err
	}
	if k.rerr != nil {
		return 0, k.rerr
	}
	return n, nil
}

// readMany takes the queued datagrams off the socket, up to len(k.mds),
// keeping those the kernel sent (as read does) in order at the front of
// k.mds.
func (k *kernel) readMany(fd uintptr) bool {
	for {
		for i := range k.mds {
			k.msa[i] = unix.RawSockaddrNetlink{}
		}
		r, _, e := unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&k.mhdr[0])), uintptr(len(k.mds)),
			unix.MSG_TRUNC, 0, 0)
		switch {
		case e == unix.EINTR:
			continue
		case e == unix.EAGAIN:
			return false
		case e != 0:
			k.rerr = fmt.Errorf("recvmmsg: %w", e)
			return true
		}
		n := 0
		for i := 0; i < int(r); i++ {
			if k.msa[i].Pid != 0 {
				continue // not from the kernel: drop it
			}
			size := int(k.mhdr[i].Len) // the full size (MSG_TRUNC)
			b := k.mds[i].Data[:cap(k.mds[i].Data)]
			k.mds[n] = Datagram{Data: b[:min(size, len(b))], Size: size, Group: k.msa[i].Groups}
			if n != i {
				k.mds[i].Data = nil // its buffer now backs k.mds[n]; never alias two
			}
			n++
		}
		if n == 0 {
			continue
		}
		k.mn = n
		return true
	}
}

func (k *kernel) SetReadDeadline(t time.Time) error { return k.f.SetReadDeadline(t) }

func (k *kernel) PortID() uint32 { return k.port }

func (k *kernel) JoinGroup(g uint32) error {
	return k.setsockopt(unix.NETLINK_ADD_MEMBERSHIP, int(g))
}

func (k *kernel) LeaveGroup(g uint32) error {
	return k.setsockopt(unix.NETLINK_DROP_MEMBERSHIP, int(g))
}

func (k *kernel) setsockopt(opt, v int) error {
	var serr error
	err := k.rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_NETLINK, opt, v)
	})
	if err != nil {
		return err
	}
	return serr
}

func (k *kernel) Close() error { return k.f.Close() }

// BufferSizes returns SO_RCVBUF and SO_SNDBUF as the kernel set them.
func (k *kernel) BufferSizes() (int, int) { return k.rcvbuf, k.sndbuf }

// CapAck reports whether NETLINK_CAP_ACK is on.
func (k *kernel) CapAck() bool { return k.capAck }
