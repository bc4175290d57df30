//go:build linux

// Command gengolden captures real kernel netlink replies as golden files
// for core/codec's tests. It needs root and never touches the caller's
// network namespace: it re-executes itself in a fresh, empty one (a clone
// with CLONE_NEWNET) and does all its work there; the namespace vanishes
// when it exits.
//
//	go run ./core/codec/internal/gengolden -out core/codec/testdata
//
// Each capture is written as NAME.req.hex (the request as sent) and
// NAME.reply.hex (every reply datagram, concatenated), with a comment
// header saying how it was produced.
package main

import (
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"golang.org/x/sys/unix"
)

const childEnv = "NLSH_GENGOLDEN_IN_FRESH_NETNS"

func main() {
	out := flag.String("out", "core/codec/testdata", "directory for the golden files")
	flag.Parse()
	if os.Getenv(childEnv) != "1" {
		os.Exit(reexecInFreshNetns())
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gengolden:", err)
		os.Exit(1)
	}
}

// reexecInFreshNetns runs this program again as a child cloned into a new
// network namespace and returns its exit status.
func reexecInFreshNetns() int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gengolden:", err)
		return 1
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "gengolden: child in fresh netns:", err)
		return 1
	}
	return 0
}

type conn struct {
	fd  int
	seq uint32
}

func dial(proto int, capAck bool) (*conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, err
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1); err != nil {
		return nil, err
	}
	if capAck {
		if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_CAP_ACK, 1); err != nil {
			return nil, err
		}
	}
	tv := unix.NsecToTimeval(int64(2 * time.Second))
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return nil, err
	}
	return &conn{fd: fd, seq: 100}, nil
}

// exchange sends one message and collects every reply datagram until an
// NLMSG_ERROR or NLMSG_DONE. It returns the request as sent and the
// replies concatenated.
func (c *conn) exchange(typ, flags uint16, payload []byte) (req, reply []byte, err error) {
	c.seq++
	req = codec.Message{Header: codec.Header{Type: typ, Flags: flags, Seq: c.seq}, Data: payload}.Append(nil)
	if err := unix.Sendto(c.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, nil, err
	}
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(c.fd, buf, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("recv: %w", err)
		}
		reply = append(reply, buf[:n]...)
		it := codec.NewMessageIter(buf[:n])
		for it.Next() {
			if t := it.Message().Header.Type; t == codec.TypeError || t == codec.TypeDone {
				return req, reply, it.Err()
			}
		}
		if err := it.Err(); err != nil {
			return nil, nil, err
		}
	}
}

func ifinfomsg(index int32) []byte {
	b := make([]byte, 16) // family, pad, type u16, index s32, flags u32, change u32
	binary.LittleEndian.PutUint32(b[4:], uint32(index))
	return b
}

func genlmsghdr(cmd uint8) []byte { return []byte{cmd, 1, 0, 0} }

type capture struct {
	name, about string
	req, reply  []byte
}

func run(out string) error {
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	rt, err := dial(unix.NETLINK_ROUTE, false)
	if err != nil {
		return err
	}
	rtCapped, err := dial(unix.NETLINK_ROUTE, true)
	if err != nil {
		return err
	}
	var caps []capture
	add := func(name, about string, req, reply []byte, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		caps = append(caps, capture{name, about, req, reply})
		return nil
	}

	// A fresh namespace holds only lo; refuse to go on anywhere else.
	req, reply, err := rt.exchange(unix.RTM_GETLINK, codec.Request|codec.Dump, ifinfomsg(0))
	if err := add("dumplink", "RTM_GETLINK NLM_F_DUMP in a fresh netns: one RTM_NEWLINK (lo) and NLMSG_DONE", req, reply, err); err != nil {
		return err
	}
	if countType(reply, unix.RTM_NEWLINK) != 1 {
		return fmt.Errorf("not in a fresh network namespace: %d links", countType(reply, unix.RTM_NEWLINK))
	}

	req, reply, err = rt.exchange(unix.RTM_GETLINK, codec.Request|codec.Acknowledge, ifinfomsg(1))
	if err := add("getlink_lo", "RTM_GETLINK ifindex 1 (lo), NLM_F_REQUEST|NLM_F_ACK: the RTM_NEWLINK reply, then the ack", req, reply, err); err != nil {
		return err
	}

	newlink := func(fn func(e *codec.Encoder)) []byte {
		e := codec.NewEncoder(ifinfomsg(0))
		fn(e)
		b, err := e.Encode()
		if err != nil {
			panic(err)
		}
		return b
	}
	create := codec.Request | codec.Acknowledge | codec.Create | codec.Excl

	unknownKind := newlink(func(e *codec.Encoder) {
		e.String(unix.IFLA_IFNAME, "nl0")
		e.Nested(unix.IFLA_LINKINFO, func(e *codec.Encoder) { e.String(unix.IFLA_INFO_KIND, "nosuchkind") })
	})
	req, reply, err = rt.exchange(unix.RTM_NEWLINK, create, unknownKind)
	if err := add("newlink_unknown_kind", `RTM_NEWLINK ifname "nl0" linkinfo kind "nosuchkind", NLM_F_ACK, NETLINK_EXT_ACK: error with the request echoed`, req, reply, err); err != nil {
		return err
	}

	badVNI := newlink(func(e *codec.Encoder) {
		e.String(unix.IFLA_IFNAME, "vx0")
		e.Nested(unix.IFLA_LINKINFO, func(e *codec.Encoder) {
			e.String(unix.IFLA_INFO_KIND, "vxlan")
			e.Nested(unix.IFLA_INFO_DATA, func(e *codec.Encoder) {
				e.Uint32(unix.IFLA_VXLAN_ID, 1<<24) // VNIs have 24 bits
			})
		})
	})
	req, reply, err = rt.exchange(unix.RTM_NEWLINK, create, badVNI)
	if err := add("newlink_vxlan_badid", "RTM_NEWLINK vxlan with IFLA_VXLAN_ID 1<<24, NETLINK_EXT_ACK: error, extack msg and offset, request echoed", req, reply, err); err != nil {
		return err
	}
	req, reply, err = rtCapped.exchange(unix.RTM_NEWLINK, create, badVNI)
	if err := add("newlink_vxlan_badid_capped", "the same request on a socket with NETLINK_CAP_ACK: NLM_F_CAPPED|NLM_F_ACK_TLVS", req, reply, err); err != nil {
		return err
	}

	veth := newlink(func(e *codec.Encoder) {
		e.String(unix.IFLA_IFNAME, "nl0")
		e.Uint32(unix.IFLA_MTU, 1400)
		e.Nested(unix.IFLA_LINKINFO, func(e *codec.Encoder) {
			e.String(unix.IFLA_INFO_KIND, "veth")
			e.Nested(unix.IFLA_INFO_DATA, func(e *codec.Encoder) {
				e.Nested(1 /* VETH_INFO_PEER */, func(e *codec.Encoder) {
					e.Raw(ifinfomsg(0))
					e.String(unix.IFLA_IFNAME, "nl1")
				})
			})
		})
	})
	req, reply, err = rt.exchange(unix.RTM_NEWLINK, create, veth)
	if err := add("newlink_veth_ack", `RTM_NEWLINK veth "nl0" peer "nl1" mtu 1400, NLM_F_ACK: a positive ack (always capped)`, req, reply, err); err != nil {
		return err
	}
	req, reply, err = rt.exchange(unix.RTM_NEWLINK, create, veth)
	if err := add("newlink_exists", `the same veth request again with NLM_F_EXCL: EEXIST`, req, reply, err); err != nil {
		return err
	}

	// Generic netlink: resolve "netdev", then ask NETDEV_CMD_DEV_GET
	// without its required ifindex, which the kernel reports as a missing
	// attribute (NLMSGERR_ATTR_MISS_TYPE).
	gn, err := dial(unix.NETLINK_GENERIC, true)
	if err != nil {
		return err
	}
	e := codec.NewEncoder(genlmsghdr(unix.CTRL_CMD_GETFAMILY))
	e.String(unix.CTRL_ATTR_FAMILY_NAME, "netdev")
	getFamily, _ := e.Encode()
	req, reply, err = gn.exchange(unix.GENL_ID_CTRL, codec.Request|codec.Acknowledge, getFamily)
	if err := add("genl_getfamily_netdev", `nlctrl CTRL_CMD_GETFAMILY name "netdev": the CTRL_CMD_NEWFAMILY reply with ops and mcast groups`, req, reply, err); err != nil {
		return err
	}
	family, err := familyID(reply)
	if err != nil {
		return err
	}
	req, reply, err = gn.exchange(family, codec.Request|codec.Acknowledge, genlmsghdr(1 /* NETDEV_CMD_DEV_GET */))
	if err := add("genl_netdev_missing_ifindex", "netdev NETDEV_CMD_DEV_GET without NETDEV_A_DEV_IFINDEX, NETLINK_CAP_ACK: missing-attribute extack", req, reply, err); err != nil {
		return err
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, c := range caps {
		head := fmt.Sprintf("# %s\n# Captured by `go run ./core/codec/internal/gengolden` in a fresh network namespace, kernel %s", c.about, strings.TrimSpace(string(kernel)))
		if err := writeHex(filepath.Join(out, c.name+".req.hex"), head+"\n# request as sent\n", c.req); err != nil {
			return err
		}
		if err := writeHex(filepath.Join(out, c.name+".reply.hex"), head+"\n# reply datagrams, concatenated\n", c.reply); err != nil {
			return err
		}
		fmt.Printf("%-32s req %4d bytes, reply %5d bytes\n", c.name, len(c.req), len(c.reply))
	}
	return nil
}

func countType(b []byte, typ uint16) int {
	n := 0
	it := codec.NewMessageIter(b)
	for it.Next() {
		if it.Message().Header.Type == typ {
			n++
		}
	}
	return n
}

func familyID(reply []byte) (uint16, error) {
	it := codec.NewMessageIter(reply)
	for it.Next() {
		m := it.Message()
		if m.Header.Type != unix.GENL_ID_CTRL || len(m.Data) < 4 {
			continue
		}
		d := codec.NewDecoder(m.Data[4:])
		for d.Next() {
			if d.Type() == unix.CTRL_ATTR_FAMILY_ID {
				return d.Uint16(), d.Err()
			}
		}
	}
	return 0, fmt.Errorf("no family id in the nlctrl reply")
}

func writeHex(path, head string, b []byte) error {
	var s strings.Builder
	s.WriteString(head)
	for len(b) > 0 {
		n := min(32, len(b))
		s.WriteString(hex.EncodeToString(b[:n]))
		s.WriteByte('\n')
		b = b[n:]
	}
	return os.WriteFile(path, []byte(s.String()), 0o644)
}
