package netns_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// threadNS returns the namespace inode of the calling thread.
func threadNS() (uint64, error) {
	var st unix.Stat_t
	err := unix.Stat(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()), &st)
	return st.Ino, err
}

func TestDoEntersNamespace(t *testing.T) {
	ns := testutil.NewNetNS(t)
	want, err := ns.Target.ID()
	if err != nil {
		t.Fatal(err)
	}
	host, err := netns.Host().ID()
	if err != nil {
		t.Fatal(err)
	}
	if want == host {
		t.Fatal("throwaway namespace has the host's inode")
	}
	var got uint64
	ns.Do(func() (err error) { got, err = threadNS(); return })
	if got != want {
		t.Fatalf("Do ran in namespace %d, want %d", got, want)
	}
	// What `ip netns exec` sees is the same namespace.
	out, err := ns.Exec("stat", "-L", "-c", "%i", "/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out) != strconv.FormatUint(want, 10) {
		t.Fatalf("ip netns exec sees namespace %s, netns.Add made %d", out, want)
	}
	if err := testutil.CheckThreads(); err != nil {
		t.Fatal(err)
	}
}

func TestDoErrorsAndPanics(t *testing.T) {
	ns := testutil.NewNetNS(t)
	sentinel := errors.New("sentinel")
	if err := ns.Target.Do(func() error { return sentinel }); !errors.Is(err, sentinel) {
		t.Fatalf("Do returned %v, want the function's error", err)
	}
	if err := ns.Target.Do(func() error { panic("boom") }); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Do after panic returned %v", err)
	}
	if err := ns.Target.Do(func() error { runtime.Goexit(); return nil }); err == nil {
		t.Fatal("Do after runtime.Goexit returned no error")
	}
	missing, _ := netns.Named("nlsh-no-such-namespace")
	if err := missing.Do(func() error { return nil }); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Do in a missing namespace returned %v, want ErrNotExist", err)
	}
	if err := testutil.CheckThreads(); err != nil {
		t.Fatal(err)
	}
}

func TestNamedVisibleToIP(t *testing.T) {
	ns := testutil.NewNetNS(t)
	out, err := testutil.Run("ip", "netns", "list")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, ns.Name) {
		t.Fatalf("ip netns list does not show %s:\n%s", ns.Name, out)
	}
	names, err := netns.List()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, ns.Name) {
		t.Fatalf("netns.List() = %v, lacks %s", names, ns.Name)
	}
	if _, err := netns.Add(ns.Name); !errors.Is(err, os.ErrExist) {
		t.Fatalf("adding an existing name returned %v, want ErrExist", err)
	}
}

func TestIPMadeNamespaceUsable(t *testing.T) {
	testutil.RequireRoot(t)
	name := fmt.Sprintf("nlsh-ipmade-%d", os.Getpid())
	if _, err := testutil.Run("ip", "netns", "add", name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testutil.Run("ip", "netns", "del", name) })
	target, err := netns.Named(name)
	if err != nil {
		t.Fatal(err)
	}
	// Make a link there with ip, then see it from inside through sysfs-free
	// means: the interface index table of the thread's namespace.
	if _, err := testutil.Run("ip", "-n", name, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1"); err != nil {
		t.Fatal(err)
	}
	var ifaces []string
	err = target.Do(func() error {
		b, err := os.ReadFile("/proc/thread-self/net/dev")
		for _, line := range strings.Split(string(b), "\n")[2:] {
			if n, _, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
				ifaces = append(ifaces, n)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ifaces)
	if want := []string{"lo", "probe0", "probe1"}; !slices.Equal(ifaces, want) {
		t.Fatalf("interfaces inside ip-made namespace = %v, want %v", ifaces, want)
	}
	if err := netns.Del(name); err != nil {
		t.Fatal(err)
	}
	out, _ := testutil.Run("ip", "netns", "list")
	if strings.Contains(out, name) {
		t.Fatalf("ip netns list still shows %s after netns.Del", name)
	}
}

// A child in its own network namespace, as a container at its start
// checkpoint would be.
func startChild(t *testing.T) *exec.Cmd {
	t.Helper()
	testutil.RequireRoot(t)
	cmd := exec.Command("unshare", "-n", "sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// unshare execs sleep in the same process; wait until it has (for a
	// bounded time: a count of yields ran out first on a busy host and
	// under the VM lane's emulated CPU).
	for start := time.Now(); ; {
		self, _ := os.Readlink("/proc/self/ns/net")
		child, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", cmd.Process.Pid))
		if err == nil && child != self {
			exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", cmd.Process.Pid))
			if strings.HasSuffix(exe, "sleep") {
				return cmd
			}
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("child never entered its own namespace")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestPIDAndPidFD(t *testing.T) {
	child := startChild(t)
	pid := child.Process.Pid
	var st unix.Stat_t
	if err := unix.Stat(fmt.Sprintf("/proc/%d/ns/net", pid), &st); err != nil {
		t.Fatal(err)
	}
	byPID, _ := netns.PID(pid)
	byFD, err := netns.PidFD(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer byFD.Close()
	for _, target := range []netns.Target{byPID, byFD} {
		var got uint64
		if err := target.Do(func() (err error) { got, err = threadNS(); return }); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if got != st.Ino {
			t.Fatalf("%s: ran in namespace %d, child is in %d", target, got, st.Ino)
		}
	}
	// Once the child is gone, the pidfd target refuses instead of naming
	// whatever process reuses the pid.
	child.Process.Kill()
	child.Wait()
	if err := byFD.Do(func() error { return nil }); err == nil {
		t.Fatal("pidfd target of an exited process still usable")
	}
}

func TestConcurrentDoKeepsThreadsHome(t *testing.T) {
	a, b := testutil.NewNetNS(t), testutil.NewNetNS(t)
	ids := map[string]uint64{}
	for _, ns := range []*testutil.NS{a, b} {
		id, err := ns.Target.ID()
		if err != nil {
			t.Fatal(err)
		}
		ids[ns.Name] = id
	}
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for i := 0; i < 400; i++ {
		ns := a
		if i%2 == 1 {
			ns = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- ns.Target.Do(func() error {
				got, err := threadNS()
				if err != nil {
					return err
				}
				if got != ids[ns.Name] {
					return fmt.Errorf("in %s: thread namespace %d, want %d", ns.Name, got, ids[ns.Name])
				}
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := testutil.CheckThreads(); err != nil {
		t.Fatal(err)
	}
}
