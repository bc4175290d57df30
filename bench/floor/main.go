// Command floor is the raw floor of the benchmarks: the kernel's own cost
// plus almost nothing. Messages are encoded up front into one buffer, sent
// perSend to a sendmsg, and their acks read with recvmmsg; dumps are read
// into one reused buffer and their attributes walked minimally.
//
//	floor noop                       exit at once (start-up floor)
//	floor routes NS N                add N /32 routes on bench0 (W1, W2 setup)
//	floor dump-routes NS             dump IPv4 routes (W2)
//	floor addrs NS N                 add N /32 addresses on bench0 (W4)
//	floor veths NS PAIRS             create PAIRS veth pairs (W5 setup)
//	floor dump-links NS              dump links (W5)
//	floor wire HOSTNS PREFIX N       wire N containers PREFIX0.. (W3)
//
// NS is a name under /run/netns. The numbering of routes, addresses and
// containers is shared by every peer; see bench/README.md.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

func init() { runtime.LockOSThread() }

func main() {
	a := os.Args[1:]
	if len(a) == 0 {
		die(fmt.Errorf("usage: floor CMD ARGS"))
	}
	switch a[0] {
	case "noop":
	case "routes":
		c := dialIn(a[1])
		addRoutes(c, linkIndex(c, "bench0"), atoi(a[2]))
	case "dump-routes":
		fmt.Println(dumpRoutes(dialIn(a[1])))
	case "addrs":
		c := dialIn(a[1])
		addAddrs(c, linkIndex(c, "bench0"), atoi(a[2]))
	case "veths":
		addVeths(dialIn(a[1]), atoi(a[2]))
	case "dump-links":
		fmt.Println(dumpLinks(dialIn(a[1])))
	case "wire":
		wire(a[1], a[2], atoi(a[3]))
	default:
		die(fmt.Errorf("unknown command %q", a[0]))
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	check(err)
	return n
}

const (
	create = unix.NLM_F_REQUEST | unix.NLM_F_ACK | unix.NLM_F_CREATE | unix.NLM_F_EXCL
	dumpF  = unix.NLM_F_REQUEST | unix.NLM_F_DUMP
)

func ifinfomsg(index int32, flags, change uint32) []byte {
	var p [16]byte
	p[0] = unix.AF_UNSPEC
	binary.NativeEndian.PutUint32(p[4:], uint32(index))
	binary.NativeEndian.PutUint32(p[8:], flags)
	binary.NativeEndian.PutUint32(p[12:], change)
	return p[:]
}

// linkIndex asks the kernel for one link's index by name.
func linkIndex(c *conn, name string) uint32 {
	var m msgBuf
	m.begin(unix.RTM_GETLINK, unix.NLM_F_REQUEST)
	m.raw(ifinfomsg(0, 0, 0))
	m.str(unix.IFLA_IFNAME, name)
	m.end()
	_, err := unix.Write(c.fd, m.b)
	check(err)
	n, _, err := unix.Recvfrom(c.fd, c.rbuf, 0)
	check(err)
	p := c.rbuf[:n]
	if n < 36 || binary.NativeEndian.Uint16(p[4:]) != unix.RTM_NEWLINK {
		die(fmt.Errorf("link %s not found", name))
	}
	return binary.NativeEndian.Uint32(p[20:])
}

// RouteDst is the destination of route i: 10.0.0.0/8 counted up, /32.
func routeDst(i int) []byte { return []byte{10, byte(i >> 16), byte(i >> 8), byte(i)} }

func addRoutes(c *conn, oif uint32, n int) {
	m := msgBuf{b: make([]byte, 0, n*44), ends: make([]int, 0, n)}
	for i := range n {
		m.begin(unix.RTM_NEWROUTE, create)
		m.raw([]byte{unix.AF_INET, 32, 0, 0, unix.RT_TABLE_MAIN, unix.RTPROT_BOOT,
			unix.RT_SCOPE_LINK, unix.RTN_UNICAST, 0, 0, 0, 0})
		m.attr(unix.RTA_DST, routeDst(i))
		m.u32(unix.RTA_OIF, oif)
		m.end()
	}
	c.sendAll(&m)
}

func dumpRoutes(c *conn) int {
	var m msgBuf
	m.begin(unix.RTM_GETROUTE, dumpF)
	m.raw([]byte{unix.AF_INET, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	m.end()
	n := 0
	var sum uint32
	c.dump(&m, func(typ uint16, p []byte) {
		if typ != unix.RTM_NEWROUTE || len(p) < 12 || p[4] != unix.RT_TABLE_MAIN {
			return
		}
		n++
		attrs(p[12:], func(t uint16, v []byte) {
			if t == unix.RTA_DST && len(v) == 4 {
				sum += binary.BigEndian.Uint32(v)
			}
		})
	})
	_ = sum
	return n
}

// addrOf is address i: 172.16.0.0/12 counted up, /32.
func addrOf(i int) []byte { return []byte{172, byte(16 + i>>16), byte(i >> 8), byte(i)} }

func addAddrs(c *conn, index uint32, n int) {
	m := msgBuf{b: make([]byte, 0, n*40), ends: make([]int, 0, n)}
	for i := range n {
		m.begin(unix.RTM_NEWADDR, create)
		var h [8]byte
		h[0], h[1] = unix.AF_INET, 32
		binary.NativeEndian.PutUint32(h[4:], index)
		m.raw(h[:])
		m.attr(unix.IFA_LOCAL, addrOf(i))
		m.attr(unix.IFA_ADDRESS, addrOf(i))
		m.end()
	}
	c.sendAll(&m)
}

// veth appends an RTM_NEWLINK creating a veth pair. peerNS >= 0 creates the
// peer inside that namespace; up sets both ends up.
func veth(m *msgBuf, name, peer string, peerNS int, up bool) {
	var flags uint32
	if up {
		flags = unix.IFF_UP
	}
	m.begin(unix.RTM_NEWLINK, create)
	m.raw(ifinfomsg(0, flags, flags))
	m.str(unix.IFLA_IFNAME, name)
	li := m.nest(unix.IFLA_LINKINFO)
	m.str(unix.IFLA_INFO_KIND, "veth")
	data := m.nest(unix.IFLA_INFO_DATA)
	pe := m.nest(1) // VETH_INFO_PEER
	m.raw(ifinfomsg(0, 0, 0))
	m.str(unix.IFLA_IFNAME, peer)
	if peerNS >= 0 {
		m.u32(unix.IFLA_NET_NS_FD, uint32(peerNS))
	}
	m.close(pe)
	m.close(data)
	m.close(li)
	m.end()
}

func addVeths(c *conn, pairs int) {
	m := msgBuf{b: make([]byte, 0, pairs*100), ends: make([]int, 0, pairs)}
	for i := range pairs {
		veth(&m, fmt.Sprintf("va%d", i), fmt.Sprintf("vb%d", i), -1, false)
	}
	c.sendAll(&m)
}

func dumpLinks(c *conn) int {
	var m msgBuf
	m.begin(unix.RTM_GETLINK, dumpF)
	m.raw(ifinfomsg(0, 0, 0))
	m.u32(unix.IFLA_EXT_MASK, 1) // RTEXT_FILTER_VF, as ip does
	m.end()
	n, names := 0, 0
	c.dump(&m, func(typ uint16, p []byte) {
		if typ != unix.RTM_NEWLINK || len(p) < 16 {
			return
		}
		n++
		attrs(p[16:], func(t uint16, v []byte) {
			if t == unix.IFLA_IFNAME {
				names += len(v)
			}
		})
	})
	return n
}

// containerAddr is container i's address on eth0: 10.200.0.0/16 from .0.2 up;
// the gateway is 10.200.0.1.
func containerAddr(i int) []byte { return []byte{10, 200, byte((i + 2) >> 8), byte(i + 2)} }

// wire gives each of n containers (namespaces PREFIX0..) a veth whose host
// end hI is in hostNS and whose peer eth0 is created directly inside the
// container; then, over a socket opened inside the container, eth0 is set
// up and gets its address and a default route in one sendmsg.
func wire(hostNS, prefix string, n int) {
	fds := make([]int, n)
	for i := range n {
		fd, err := unix.Open("/run/netns/"+prefix+strconv.Itoa(i), unix.O_RDONLY|unix.O_CLOEXEC, 0)
		check(err)
		fds[i] = fd
	}
	host := dialIn(hostNS)
	m := msgBuf{b: make([]byte, 0, n*120), ends: make([]int, 0, n)}
	for i := range n {
		veth(&m, "h"+strconv.Itoa(i), "eth0", fds[i], true)
	}
	host.sendAll(&m)
	for i := range n {
		c := dialIn(prefix + strconv.Itoa(i))
		idx := linkIndex(c, "eth0")
		var m msgBuf
		m.begin(unix.RTM_NEWLINK, unix.NLM_F_REQUEST|unix.NLM_F_ACK)
		m.raw(ifinfomsg(int32(idx), unix.IFF_UP, unix.IFF_UP))
		m.end()
		m.begin(unix.RTM_NEWADDR, create)
		var h [8]byte
		h[0], h[1] = unix.AF_INET, 16
		binary.NativeEndian.PutUint32(h[4:], idx)
		m.raw(h[:])
		m.attr(unix.IFA_LOCAL, containerAddr(i))
		m.attr(unix.IFA_ADDRESS, containerAddr(i))
		m.end()
		m.begin(unix.RTM_NEWROUTE, create)
		m.raw([]byte{unix.AF_INET, 0, 0, 0, unix.RT_TABLE_MAIN, unix.RTPROT_BOOT,
			unix.RT_SCOPE_UNIVERSE, unix.RTN_UNICAST, 0, 0, 0, 0})
		m.attr(unix.RTA_GATEWAY, []byte{10, 200, 0, 1})
		m.u32(unix.RTA_OIF, idx)
		m.end()
		c.sendAll(&m)
		unix.Close(c.fd)
		unix.Close(fds[i])
	}
}
