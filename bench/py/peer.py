#!/usr/bin/python3
"""pyroute2 driver for the nlsh benchmarks (run with Debian's /usr/bin/python3).

    peer.py routes NS N            add N /32 routes on bench0 (W1)
    peer.py dump-routes NS         list IPv4 routes (W2)
    peer.py addrs NS N             add N /32 addresses on bench0 (W4)
    peer.py dump-links NS          list links (W5)
    peer.py wire HOSTNS PREFIX N   wire N containers (W3), the veth peer
                                   created inside the container

NS is a name under /run/netns; the process moves itself there with setns
(never creating it) before opening its IPRoute socket.
"""
import socket
import sys

from pyroute2 import IPRoute, netns


def enter(name):
    netns.setns(name, flags=0)


def routes(ns, n):
    enter(ns)
    with IPRoute() as ipr:
        oif = ipr.link_lookup(ifname="bench0")[0]
        for i in range(n):
            dst = "10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
            ipr.route("add", dst=dst, dst_len=32, oif=oif, scope=253)


def addrs(ns, n):
    enter(ns)
    with IPRoute() as ipr:
        idx = ipr.link_lookup(ifname="bench0")[0]
        for i in range(n):
            a = "172.%d.%d.%d" % (16 + (i >> 16), (i >> 8) & 255, i & 255)
            ipr.addr("add", index=idx, address=a, prefixlen=32)


def dump_routes(ns):
    enter(ns)
    with IPRoute() as ipr:
        print(sum(1 for _ in ipr.get_routes(family=socket.AF_INET, table=254)))


def dump_links(ns):
    enter(ns)
    with IPRoute() as ipr:
        print(sum(1 for _ in ipr.get_links()))


def wire(hostns, prefix, n):
    enter(hostns)
    with IPRoute() as ipr:
        for i in range(n):
            cname = prefix + str(i)
            host = "h%d" % i
            ipr.link("add", ifname=host, kind="veth",
                     peer={"ifname": "eth0", "net_ns_fd": cname})
            ipr.link("set", index=ipr.link_lookup(ifname=host)[0], state="up")
            netns.pushns(cname)
            try:
                with IPRoute() as c:
                    idx = c.link_lookup(ifname="eth0")[0]
                    c.link("set", index=idx, state="up")
                    a = "10.200.%d.%d" % ((i + 2) >> 8, (i + 2) & 255)
                    c.addr("add", index=idx, address=a, prefixlen=16)
                    c.route("add", dst="0.0.0.0/0", gateway="10.200.0.1", oif=idx)
            finally:
                netns.popns()


def main(a):
    cmd = a[0]
    if cmd == "routes":
        routes(a[1], int(a[2]))
    elif cmd == "addrs":
        addrs(a[1], int(a[2]))
    elif cmd == "dump-routes":
        dump_routes(a[1])
    elif cmd == "dump-links":
        dump_links(a[1])
    elif cmd == "wire":
        wire(a[1], a[2], int(a[3]))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv[1:])
