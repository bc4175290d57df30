package kernel

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// The probes build their few netlink messages by hand so that this package
// depends on nothing in nlsh it might be used to test.

func release() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

// probeLinkKind asks a new, empty network namespace to create a link of
// kind. The namespace belongs to a locked OS thread that is never unlocked
// (onThrowawayThread): when its goroutine returns the runtime ends the
// thread, and the namespace, with the probe link in it, is freed. The
// caller's namespace is untouched.
func probeLinkKind(kind string) (bool, error) {
	if kind == "" {
		return false, errors.New("empty link kind")
	}
	var ok bool
	err := onThrowawayThread(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("new network namespace for the probe: %w (needs root)", err)
		}
		var err error
		ok, err = newLink(kind)
		return err
	})
	return ok, err
}

// onThrowawayThread runs fn on an OS thread that no other goroutine will
// use again: its goroutine locks the thread and returns without unlocking
// it, so the runtime terminates the thread with whatever namespace fn
// entered. The process's main thread is never terminated (the runtime
// parks it instead, and /proc/self, which is the main thread's view, would
// then show the probe's namespace), so fn never runs there: a goroutine
// that finds itself on the main thread keeps it locked, so that a second
// goroutine lands on another thread and runs fn, and then unlocks it
// untouched. This is core/netns's discipline, repeated here because this
// package depends on nothing in nlsh.
func onThrowawayThread(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // no Unlock (but on the main thread): the thread dies with us
		if unix.Gettid() != unix.Getpid() {
			errc <- fn()
			return
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			runtime.LockOSThread() // not the main thread: that one is taken
			errc <- fn()
		}()
		<-done
		runtime.UnlockOSThread() // the main thread never entered anything
	}()
	return <-errc
}

// newLink sends RTM_NEWLINK for "nlshprobe0" of kind in the current
// thread's namespace. EOPNOTSUPP is the kernel's "Unknown device type".
func newLink(kind string) (bool, error) {
	var b msgBuilder
	// struct ifinfomsg: family, pad, type, index, flags, change.
	b.bytes(make([]byte, unix.SizeofIfInfomsg))
	b.attr(unix.IFLA_IFNAME, cstring("nlshprobe0"))
	li := b.begin(unix.IFLA_LINKINFO)
	b.attr(unix.IFLA_INFO_KIND, []byte(kind))
	b.end(li)
	flags := uint16(unix.NLM_F_REQUEST | unix.NLM_F_ACK | unix.NLM_F_CREATE | unix.NLM_F_EXCL)
	errno, _, err := transact(unix.NETLINK_ROUTE, unix.RTM_NEWLINK, flags, b.buf)
	switch {
	case err != nil:
		return false, err
	case errno == unix.EOPNOTSUPP:
		return false, nil
	default:
		// 0, or the driver's own complaint about the probe's (missing)
		// attributes: either way the kind is known.
		return true, nil
	}
}

// probeGenlFamily resolves name with CTRL_CMD_GETFAMILY.
func probeGenlFamily(name string) (bool, error) {
	if name == "" {
		return false, errors.New("empty family name")
	}
	if len(name) >= unix.GENL_NAMSIZ {
		return false, nil // too long to be a family's name
	}
	var b msgBuilder
	b.bytes([]byte{unix.CTRL_CMD_GETFAMILY, 1, 0, 0}) // struct genlmsghdr
	b.attr(unix.CTRL_ATTR_FAMILY_NAME, cstring(name))
	flags := uint16(unix.NLM_F_REQUEST | unix.NLM_F_ACK)
	errno, replies, err := transact(unix.NETLINK_GENERIC, unix.GENL_ID_CTRL, flags, b.buf)
	switch {
	case err != nil:
		return false, err
	case errno == unix.ENOENT:
		return false, nil
	case errno != 0:
		return false, fmt.Errorf("CTRL_CMD_GETFAMILY %q: %w", name, errno)
	default:
		return replies > 0, nil
	}
}

// probeModule looks for a loaded or built-in module.
func probeModule(name string) (bool, error) {
	name = normModule(name)
	if name == "" || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." {
		return false, fmt.Errorf("bad module name %q", name)
	}
	if _, err := os.Stat("/sys/module/" + name); err == nil {
		return true, nil
	}
	f, err := os.Open("/lib/modules/" + release() + "/modules.builtin")
	if err != nil {
		return false, nil // no list: only /sys/module can tell
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// Lines look like "kernel/net/ipv6/ipv6.ko".
		base := path.Base(sc.Text())
		base = strings.TrimSuffix(base, path.Ext(base))
		if normModule(base) == name {
			return true, nil
		}
	}
	return false, nil
}

// transact sends one request on a fresh netlink socket of protocol proto
// and reads until its ack. It returns the ack's errno (0 for success), how
// many non-error replies came before it, or an error when the exchange
// itself failed.
func transact(proto int, typ, flags uint16, payload []byte) (unix.Errno, int, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return 0, 0, fmt.Errorf("netlink socket: %w", err)
	}
	defer unix.Close(fd)
	tv := unix.NsecToTimeval((5 * time.Second).Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return 0, 0, fmt.Errorf("netlink socket timeout: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, 0, fmt.Errorf("netlink bind: %w", err)
	}
	const seq = 1
	msg := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(payload))
	ne := binary.NativeEndian
	ne.PutUint32(msg[0:], uint32(unix.SizeofNlMsghdr+len(payload)))
	ne.PutUint16(msg[4:], typ)
	ne.PutUint16(msg[6:], flags)
	ne.PutUint32(msg[8:], seq)
	msg = append(msg, payload...)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, 0, fmt.Errorf("netlink send: %w", err)
	}
	buf := make([]byte, 1<<16)
	replies := 0
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return 0, replies, fmt.Errorf("netlink receive: %w", err)
		}
		for b := buf[:n]; len(b) >= unix.SizeofNlMsghdr; {
			l := int(ne.Uint32(b[0:]))
			if l < unix.SizeofNlMsghdr || l > len(b) {
				return 0, replies, fmt.Errorf("netlink: bad message length %d", l)
			}
			t, s := ne.Uint16(b[4:]), ne.Uint32(b[8:])
			m := b[:l]
			b = b[min(nlmAlign(l), len(b)):]
			if s != seq {
				continue
			}
			if t == unix.NLMSG_ERROR {
				if l < unix.SizeofNlMsghdr+4 {
					return 0, replies, errors.New("netlink: short NLMSG_ERROR")
				}
				code := int32(ne.Uint32(m[unix.SizeofNlMsghdr:]))
				return unix.Errno(-code), replies, nil
			}
			replies++
		}
	}
}

func nlmAlign(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }

func cstring(s string) []byte { return append([]byte(s), 0) }

// msgBuilder appends netlink attributes to a message body.
type msgBuilder struct{ buf []byte }

func (b *msgBuilder) bytes(p []byte) { b.buf = append(b.buf, p...) }

func (b *msgBuilder) pad() {
	for len(b.buf)%unix.NLA_ALIGNTO != 0 {
		b.buf = append(b.buf, 0)
	}
}

func (b *msgBuilder) attr(typ uint16, val []byte) {
	b.pad()
	var h [unix.SizeofNlAttr]byte
	binary.NativeEndian.PutUint16(h[0:], uint16(unix.SizeofNlAttr+len(val)))
	binary.NativeEndian.PutUint16(h[2:], typ)
	b.buf = append(append(b.buf, h[:]...), val...)
}

// begin starts a nested attribute; end closes it.
func (b *msgBuilder) begin(typ uint16) int {
	b.pad()
	at := len(b.buf)
	b.attr(typ|unix.NLA_F_NESTED, nil)
	return at
}

func (b *msgBuilder) end(at int) {
	binary.NativeEndian.PutUint16(b.buf[at:], uint16(len(b.buf)-at))
}
