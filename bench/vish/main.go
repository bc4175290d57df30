// Command vish drives github.com/vishvananda/netlink through the benchmark
// workloads, the way its users write them: either one Handle opened in the
// namespace, or the package functions from a thread moved into it.
//
//	vish routes NS N handle|pkg      add N /32 routes on bench0 (W1)
//	vish dump-routes NS              list IPv4 routes of the main table (W2)
//	vish addrs NS N handle|pkg       add N /32 addresses on bench0 (W4)
//	vish dump-links NS               list links (W5)
//	vish wire HOSTNS PREFIX N direct|move
//	                                 wire N containers (W3): the veth peer
//	                                 created inside the container, or
//	                                 created in HOSTNS and then moved
package main

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

func init() { runtime.LockOSThread() }

func main() {
	a := os.Args[1:]
	if len(a) < 2 {
		die(fmt.Errorf("usage: vish CMD NS ARGS"))
	}
	switch a[0] {
	case "routes":
		n := atoi(a[2])
		if a[3] == "pkg" {
			enter(a[1])
			link, err := netlink.LinkByName("bench0")
			check(err)
			for i := range n {
				check(netlink.RouteAdd(route(i, link.Attrs().Index)))
			}
			return
		}
		h := handle(a[1])
		link, err := h.LinkByName("bench0")
		check(err)
		for i := range n {
			check(h.RouteAdd(route(i, link.Attrs().Index)))
		}
	case "dump-routes":
		rs, err := handle(a[1]).RouteList(nil, netlink.FAMILY_V4)
		check(err)
		fmt.Println(len(rs))
	case "addrs":
		n := atoi(a[2])
		if a[3] == "pkg" {
			enter(a[1])
			link, err := netlink.LinkByName("bench0")
			check(err)
			for i := range n {
				check(netlink.AddrAdd(link, addr(i)))
			}
			return
		}
		h := handle(a[1])
		link, err := h.LinkByName("bench0")
		check(err)
		for i := range n {
			check(h.AddrAdd(link, addr(i)))
		}
	case "dump-links":
		ls, err := handle(a[1]).LinkList()
		check(err)
		fmt.Println(len(ls))
	case "wire":
		wire(a[1], a[2], atoi(a[3]), a[4] == "move")
	default:
		die(fmt.Errorf("unknown command %q", a[0]))
	}
}

func route(i, index int) *netlink.Route {
	return &netlink.Route{
		LinkIndex: index,
		Scope:     netlink.SCOPE_LINK,
		Dst:       &net.IPNet{IP: net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)), Mask: net.CIDRMask(32, 32)},
	}
}

func addr(i int) *netlink.Addr {
	return &netlink.Addr{IPNet: &net.IPNet{IP: net.IPv4(172, byte(16+i>>16), byte(i>>8), byte(i)), Mask: net.CIDRMask(32, 32)}}
}

func nsOf(name string) netns.NsHandle {
	ns, err := netns.GetFromName(name)
	check(err)
	return ns
}

func handle(name string) *netlink.Handle {
	h, err := netlink.NewHandleAt(nsOf(name))
	check(err)
	return h
}

// enter moves the locked main thread into the namespace, so the package
// functions (a fresh socket per call) work there.
func enter(name string) { check(netns.Set(nsOf(name))) }

func wire(hostNS, prefix string, n int, move bool) {
	host := handle(hostNS)
	gw := net.IPv4(10, 200, 0, 1)
	for i := range n {
		cns := nsOf(prefix + strconv.Itoa(i))
		hostName := "h" + strconv.Itoa(i)
		v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: hostName}, PeerName: "eth0"}
		if move {
			v.PeerName = "p" + strconv.Itoa(i)
		} else {
			v.PeerNamespace = netlink.NsFd(cns)
		}
		check(host.LinkAdd(v))
		if move {
			peer, err := host.LinkByName(v.PeerName)
			check(err)
			check(host.LinkSetNsFd(peer, int(cns)))
		}
		hl, err := host.LinkByName(hostName)
		check(err)
		check(host.LinkSetUp(hl))
		c, err := netlink.NewHandleAt(cns)
		check(err)
		name := "eth0"
		if move {
			name = v.PeerName
		}
		l, err := c.LinkByName(name)
		check(err)
		if move {
			check(c.LinkSetName(l, "eth0"))
		}
		check(c.LinkSetUp(l))
		ip := net.IPv4(10, 200, byte((i+2)>>8), byte(i+2))
		check(c.AddrAdd(l, &netlink.Addr{IPNet: &net.IPNet{IP: ip, Mask: net.CIDRMask(16, 32)}}))
		check(c.RouteAdd(&netlink.Route{LinkIndex: l.Attrs().Index, Gw: gw}))
		c.Close()
		cns.Close()
	}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	check(err)
	return n
}

func check(err error) {
	if err != nil {
		die(err)
	}
}

func die(err error) {
	fmt.Fprintln(os.Stderr, "vish:", err)
	os.Exit(1)
}
