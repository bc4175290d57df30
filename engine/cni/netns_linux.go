package cni

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/netns"
)

// openNetns opens CNI_NETNS once, so the script's target cannot be
// redirected while it runs. DEL, GC and STATUS run without a namespace
// when it is empty or gone; ADD and CHECK need it.
func (inv *invocation) openNetns() error {
	needed := inv.command == "ADD" || inv.command == "CHECK"
	if inv.args.Netns == "" {
		if needed {
			return netnsError(inv.args, errors.New("empty"))
		}
		return nil
	}
	fd, err := unix.Open(inv.args.Netns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		if !needed && (errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EINVAL)) {
			return nil
		}
		return netnsError(inv.args, err)
	}
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil || (st.Type != unix.NSFS_MAGIC && st.Type != unix.PROC_SUPER_MAGIC) {
		unix.Close(fd)
		if !needed {
			return nil
		}
		return netnsError(inv.args, errors.New("not a network namespace file"))
	}
	t, err := netns.FD(fd)
	if err != nil {
		unix.Close(fd)
		return netnsError(inv.args, err)
	}
	inv.netns, inv.hasNS = t, true
	inv.nsFile = os.NewFile(uintptr(fd), inv.args.Netns)
	return nil
}

func (inv *invocation) closeNetns() {
	if inv.nsFile != nil {
		inv.nsFile.Close()
	}
}
