// Package kernel lets a test state which kernel features it needs.
//
// nlsh is tested on two kernels: the host's, and Debian's kernel with all
// its modules booted under qemu by `make test-vm` (the VM lane, see
// vm/README.md). A test names what it needs:
//
//	kernel.Require(t, kernel.Root(), kernel.LinkKind("vlan"),
//		kernel.GenlFamily("wireguard"), kernel.Module("mac80211_hwsim"))
//
// When the running kernel has every feature the test goes on. When one is
// missing the test is skipped with a message naming the feature, the kernel
// and the VM lane; but in the VM lane (NLSH_VM_LANE=1) a missing feature
// fails the test, so that the lane cannot pass by skipping.
//
// Detection never changes the caller's network namespace:
//
//   - LinkKind creates a link of that kind in a new, empty network
//     namespace owned by a short-lived OS thread (unshare(CLONE_NEWNET) on a
//     locked thread that is never unlocked, so it exits with its goroutine
//     and the namespace and the probe link go with it). The kind is missing
//     when the kernel answers EOPNOTSUPP ("Unknown device type"); any other
//     answer, including a complaint about missing attributes, means the
//     kind's driver is there. It needs CAP_SYS_ADMIN (root).
//   - GenlFamily sends a generic netlink CTRL_CMD_GETFAMILY for the name on
//     a raw socket in the caller's namespace; ENOENT means missing. It needs
//     no privilege.
//   - Module looks for /sys/module/NAME (a loaded module, or a built-in one
//     with parameters) and for NAME in the running kernel's modules.builtin.
//
// Probes are cheap and not cached; each Require probes again.
package kernel

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// VMLaneEnv is the environment variable set to "1" inside the VM lane.
const VMLaneEnv = "NLSH_VM_LANE"

// vmLaneHint is the part of a skip message that tells where the test runs.
const vmLaneHint = "runs in the VM lane: make test-vm"

// A Feature is something a test needs from the running kernel. Make one
// with LinkKind, GenlFamily, Module or Root.
type Feature struct {
	desc    string               // e.g. `link kind "vlan"`
	probe   func() (bool, error) // present?, or why it cannot tell
	notHere string               // why it is missing, when not "not in this kernel"
	since   [2]int               // {major, minor}: older kernels cannot have it
}

// Since marks f as new in Linux major.minor: on an older kernel its absence
// skips the test even in the VM lane, since no module could provide it
// there. For example kernel.GenlFamily("netdev").Since(6, 3).
func (f Feature) Since(major, minor int) Feature {
	f.since = [2]int{major, minor}
	return f
}

// String names the feature, e.g. `link kind "vlan"`.
func (f Feature) String() string { return f.desc }

// LinkKind is the rtnetlink link kind (IFLA_INFO_KIND) kind, as in
// `ip link add NAME type KIND`: "dummy", "vlan", "bond", "wireguard"...
// Probing it needs root.
func LinkKind(kind string) Feature {
	return Feature{
		desc:  fmt.Sprintf("link kind %q", kind),
		probe: func() (bool, error) { return probeLinkKind(kind) },
	}
}

// GenlFamily is the generic netlink family called name, e.g. "wireguard",
// "nl80211", "ethtool", as resolved in the caller's network namespace.
func GenlFamily(name string) Feature {
	return Feature{
		desc:  fmt.Sprintf("generic netlink family %q", name),
		probe: func() (bool, error) { return probeGenlFamily(name) },
	}
}

// Module is the kernel module name, loaded or built in, e.g.
// "mac80211_hwsim". Dashes and underscores are the same, as for modprobe.
func Module(name string) Feature {
	return Feature{
		desc:  fmt.Sprintf("module %q", name),
		probe: func() (bool, error) { return probeModule(name) },
	}
}

// Root is the privilege to change networking: an effective user id of 0.
// Tests that touch the kernel require it so that, run by a normal user,
// they skip saying why.
func Root() Feature {
	return Feature{
		desc:    "root",
		probe:   func() (bool, error) { return os.Geteuid() == 0, nil },
		notHere: "not running as root",
	}
}

// Has reports whether the running kernel has f. The error is set when the
// probe could not tell (for example LinkKind without root).
func Has(f Feature) (bool, error) {
	if f.probe == nil {
		return false, fmt.Errorf("kernel: zero Feature")
	}
	return f.probe()
}

// InVMLane reports whether the process runs in the VM lane, that is
// NLSH_VM_LANE=1 is set. There, a missing feature fails a test.
func InVMLane() bool { return os.Getenv(VMLaneEnv) == "1" }

// Release is the running kernel's release, as printed by `uname -r`, or ""
// when it cannot be read.
func Release() string { return release() }

// AtLeast reports whether the running kernel is Linux major.minor or
// later (true when its release cannot be read), for a test whose
// expectation legitimately changed with a kernel version, such as an
// extack text a later kernel added: kernel.AtLeast(6, 6).
func AtLeast(major, minor int) bool { return !olderThan(Release(), [2]int{major, minor}) }

// Require checks every feature in order and stops the test at the first
// one that is missing: outside the VM lane it skips the test, in the VM lane
// it fails it (unless the feature is marked Since a later kernel than the
// running one). A feature whose probe cannot tell counts as missing, with
// the reason in the message.
func Require(t testing.TB, features ...Feature) {
	t.Helper()
	if msg, tooOld := missing(features, Release()); msg != "" {
		if InVMLane() && !tooOld {
			t.Fatalf("%s; the VM lane must have it", msg)
		} else {
			t.Skipf("%s; %s", msg, vmLaneHint)
		}
	}
}

// missing returns a message for the first missing feature, or "", and
// whether that feature is newer than kernel release rel.
func missing(features []Feature, rel string) (msg string, tooOld bool) {
	for _, f := range features {
		ok, err := Has(f)
		if ok && err == nil {
			continue
		}
		shown := rel
		if shown == "" {
			shown = "unknown release"
		}
		switch {
		case err != nil:
			msg = fmt.Sprintf("needs %s: cannot tell on this kernel (%s): %v", f, shown, err)
		case f.notHere != "":
			msg = fmt.Sprintf("needs %s: %s", f, f.notHere)
		default:
			msg = fmt.Sprintf("needs %s: not in this kernel (%s)", f, shown)
		}
		if f.since != [2]int{} && olderThan(rel, f.since) {
			return fmt.Sprintf("%s; it is new in Linux %d.%d", msg, f.since[0], f.since[1]), true
		}
		return msg, false
	}
	return "", false
}

// olderThan reports whether release rel ("6.1.0-57-amd64") is before
// major.minor. An unreadable release is not older.
func olderThan(rel string, since [2]int) bool {
	var major, minor int
	if n, _ := fmt.Sscanf(rel, "%d.%d", &major, &minor); n != 2 {
		return false
	}
	return major < since[0] || major == since[0] && minor < since[1]
}

// normModule turns a module name into its /sys/module spelling.
func normModule(name string) string { return strings.ReplaceAll(name, "-", "_") }
