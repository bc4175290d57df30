package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// perSend is how many messages go into one sendmsg.
const perSend = 256

// msgBuf is an append-only buffer of netlink messages, each patched with its
// length when finished.
type msgBuf struct {
	b     []byte
	start int
	seq   uint32
	count int
	// ends[i] is the offset just past message i, so the sender can cut the
	// buffer into chunks of perSend messages.
	ends []int
}

func (m *msgBuf) begin(typ, flags uint16) {
	m.start = len(m.b)
	m.seq++
	var h [16]byte
	binary.NativeEndian.PutUint16(h[4:], typ)
	binary.NativeEndian.PutUint16(h[6:], flags)
	binary.NativeEndian.PutUint32(h[8:], m.seq)
	m.b = append(m.b, h[:]...)
}

func (m *msgBuf) end() {
	binary.NativeEndian.PutUint32(m.b[m.start:], uint32(len(m.b)-m.start))
	m.count++
	m.ends = append(m.ends, len(m.b))
}

func (m *msgBuf) raw(p []byte) { m.b = append(m.b, p...) }

func (m *msgBuf) attr(typ uint16, p []byte) {
	var h [4]byte
	binary.NativeEndian.PutUint16(h[0:], uint16(4+len(p)))
	binary.NativeEndian.PutUint16(h[2:], typ)
	m.b = append(m.b, h[:]...)
	m.b = append(m.b, p...)
	for len(m.b)%4 != 0 {
		m.b = append(m.b, 0)
	}
}

func (m *msgBuf) u32(typ uint16, v uint32) {
	var p [4]byte
	binary.NativeEndian.PutUint32(p[:], v)
	m.attr(typ, p[:])
}

func (m *msgBuf) str(typ uint16, s string) { m.attr(typ, append([]byte(s), 0)) }

// nest opens a nested attribute and returns its offset for close.
func (m *msgBuf) nest(typ uint16) int {
	off := len(m.b)
	m.attr(typ|unix.NLA_F_NESTED, nil)
	return off
}

func (m *msgBuf) close(off int) {
	binary.NativeEndian.PutUint16(m.b[off:], uint16(len(m.b)-off))
}

// conn is one NETLINK_ROUTE socket.
type conn struct {
	fd   int
	rbuf []byte
	// for recvmmsg
	hdrs []unix.Mmsghdr
	iovs []unix.Iovec
	bufs [][]byte
}

func dial() *conn {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	check(err)
	check(unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}))
	_ = unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_CAP_ACK, 1)
	_ = unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1)
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 8<<20)
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, 8<<20)
	c := &conn{fd: fd, rbuf: make([]byte, 64<<10)}
	c.hdrs = make([]unix.Mmsghdr, perSend)
	c.iovs = make([]unix.Iovec, perSend)
	c.bufs = make([][]byte, perSend)
	slab := make([]byte, perSend*256)
	for i := range c.hdrs {
		c.bufs[i] = slab[i*256 : (i+1)*256]
		c.iovs[i].Base = &c.bufs[i][0]
		c.iovs[i].SetLen(256)
		c.hdrs[i].Hdr.Iov = &c.iovs[i]
		c.hdrs[i].Hdr.SetIovlen(1)
	}
	return c
}

// dialIn opens a socket inside the named namespace (/run/netns/NAME) from the
// locked main thread and returns to the namespace the thread was in.
func dialIn(name string) *conn {
	if name == "" {
		return dial()
	}
	self, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	check(err)
	defer unix.Close(self)
	target, err := unix.Open("/run/netns/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	check(err)
	defer unix.Close(target)
	check(unix.Setns(target, unix.CLONE_NEWNET))
	c := dial()
	check(unix.Setns(self, unix.CLONE_NEWNET))
	return c
}

// sendAll sends every message of m, perSend per sendmsg, and after each
// sendmsg reads that many acks with recvmmsg. Any error ack is fatal.
func (c *conn) sendAll(m *msgBuf) {
	prev := 0
	for i := 0; i < m.count; i += perSend {
		j := min(i+perSend, m.count)
		end := m.ends[j-1]
		_, err := unix.Write(c.fd, m.b[prev:end])
		check(err)
		prev = end
		c.acks(j - i)
	}
}

func (c *conn) acks(n int) {
	for n > 0 {
		got, _, errno := unix.Syscall6(unix.SYS_RECVMMSG, uintptr(c.fd),
			uintptr(unsafe.Pointer(&c.hdrs[0])), uintptr(min(n, perSend)), 0, 0, 0)
		runtime.KeepAlive(c.bufs)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			check(errno)
		}
		for k := 0; k < int(got); k++ {
			p := c.bufs[k][:c.hdrs[k].Len]
			if len(p) >= 20 && binary.NativeEndian.Uint16(p[4:]) == unix.NLMSG_ERROR {
				if e := int32(binary.NativeEndian.Uint32(p[16:])); e != 0 {
					die(fmt.Errorf("seq %d: %v", binary.NativeEndian.Uint32(p[8:]), unix.Errno(-e)))
				}
			}
		}
		n -= int(got)
	}
}

// dump sends one dump request and calls fn with each message's payload
// (after the nlmsghdr) until NLMSG_DONE, reusing one receive buffer.
func (c *conn) dump(m *msgBuf, fn func(typ uint16, payload []byte)) {
	_, err := unix.Write(c.fd, m.b)
	check(err)
	for {
		n, _, err := unix.Recvfrom(c.fd, c.rbuf, 0)
		if err == unix.EINTR {
			continue
		}
		check(err)
		p := c.rbuf[:n]
		for len(p) >= 16 {
			l := int(binary.NativeEndian.Uint32(p))
			typ := binary.NativeEndian.Uint16(p[4:])
			if l < 16 || l > len(p) {
				die(fmt.Errorf("truncated message"))
			}
			switch typ {
			case unix.NLMSG_DONE:
				return
			case unix.NLMSG_ERROR:
				if e := int32(binary.NativeEndian.Uint32(p[16:])); e != 0 {
					die(unix.Errno(-e))
				}
			default:
				fn(typ, p[16:l])
			}
			p = p[(l+3)&^3:]
		}
	}
}

// attrs walks the attributes in p, calling fn for each type and value.
func attrs(p []byte, fn func(typ uint16, v []byte)) {
	for len(p) >= 4 {
		l := int(binary.NativeEndian.Uint16(p))
		if l < 4 || l > len(p) {
			return
		}
		fn(binary.NativeEndian.Uint16(p[2:])&0x3fff, p[4:l])
		p = p[min((l+3)&^3, len(p)):]
	}
}

func check(err error) {
	if err != nil {
		die(err)
	}
}

func die(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(1)
}
