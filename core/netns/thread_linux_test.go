package netns_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/internal/testutil"
)

// socketNS returns the inode of the namespace socket fd belongs to
// (SIOCGSKNS).
func socketNS(fd int) (uint64, error) {
	nsfd, err := unix.IoctlRetInt(fd, unix.SIOCGSKNS)
	if err != nil {
		return 0, fmt.Errorf("SIOCGSKNS: %w", err)
	}
	defer unix.Close(nsfd)
	var st unix.Stat_t
	if err := unix.Fstat(nsfd, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// fdNS returns the inode of a namespace descriptor.
func fdNS(t *testing.T, fd int) uint64 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		t.Fatal(err)
	}
	return st.Ino
}

func mustID(t *testing.T, tg netns.Target) uint64 {
	t.Helper()
	id, err := tg.ID()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// netlinkIn makes a netlink socket in tg on th and returns the inode of the
// namespace it landed in.
func netlinkIn(th *netns.Thread, tg netns.Target) (uint64, error) {
	fd, err := th.Socket(tg, unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return 0, err
	}
	defer unix.Close(fd)
	return socketNS(fd)
}

// bothWays runs fn with a Thread of each way: sockets made on the calling
// thread (what root gets) and on a kept thread.
func bothWays(t *testing.T, fn func(t *testing.T, newThread func() *netns.Thread)) {
	t.Run("here", func(t *testing.T) {
		fn(t, func() *netns.Thread {
			th := netns.NewThread()
			if !th.Here() {
				t.Fatal("as root, a Thread does not make sockets on the calling thread")
			}
			return th
		})
	})
	t.Run("kept", func(t *testing.T) {
		fn(t, func() *netns.Thread {
			th := netns.NewThread()
			th.ForceKept()
			return th
		})
	})
}

// A Thread makes sockets in one namespace after another, each in the
// namespace asked for, and between calls no thread of the process is
// anywhere but home.
func TestThreadSocketsLandWhereAsked(t *testing.T) {
	bothWays(t, testSocketsLandWhereAsked)
}

func testSocketsLandWhereAsked(t *testing.T, newThread func() *netns.Thread) {
	a, b := testutil.NewNetNS(t), testutil.NewNetNS(t)
	want := map[string]uint64{"host": mustID(t, netns.Host()), a.Name: mustID(t, a.Target), b.Name: mustID(t, b.Target)}
	th := newThread()
	defer th.Close()
	for i := range 20 {
		for name, tg := range map[string]netns.Target{"host": netns.Host(), a.Name: a.Target, b.Name: b.Target} {
			got, err := netlinkIn(th, tg)
			if err != nil {
				t.Fatalf("round %d, %s: %v", i, name, err)
			}
			if got != want[name] {
				t.Fatalf("round %d: socket for %s is in namespace %d, want %d", i, name, got, want[name])
			}
		}
		if err := testutil.CheckThreads(); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
}

// The kept thread opens a name each time: a namespace deleted and made
// again under the same name is the new one, and a missing one is an
// error that says so; the thread goes on serving after it.
func TestThreadFollowsARecreatedName(t *testing.T) {
	testutil.RequireRoot(t)
	name := fmt.Sprintf("nlsh-thread-%d", os.Getpid())
	first, err := netns.Add(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { netns.Del(name) })
	th := netns.NewThread()
	defer th.Close()
	// Keep the first namespace alive while it has no name, so the new one
	// cannot reuse its inode.
	keep, err := first.OpenFD()
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(keep)
	old, err := netlinkIn(th, first)
	if err != nil {
		t.Fatal(err)
	}
	if old != fdNS(t, keep) {
		t.Fatalf("socket in namespace %d, want %d", old, fdNS(t, keep))
	}
	if err := netns.Del(name); err != nil {
		t.Fatal(err)
	}
	if _, err := netlinkIn(th, first); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket in a deleted namespace: %v, want ErrNotExist", err)
	}
	second, err := netns.Add(name)
	if err != nil {
		t.Fatal(err)
	}
	got, err := netlinkIn(th, second)
	if err != nil {
		t.Fatal(err)
	}
	if got == old || got != mustID(t, second) {
		t.Fatalf("socket in namespace %d after re-creation; old %d, new %d", got, old, mustID(t, second))
	}
}

// Many goroutines share one Thread; each socket lands where asked.
func TestThreadConcurrentCalls(t *testing.T) {
	bothWays(t, testConcurrentCalls)
}

func testConcurrentCalls(t *testing.T, newThread func() *netns.Thread) {
	a, b := testutil.NewNetNS(t), testutil.NewNetNS(t)
	ids := []uint64{mustID(t, a.Target), mustID(t, b.Target)}
	targets := []netns.Target{a.Target, b.Target}
	th := newThread()
	defer th.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := netlinkIn(th, targets[i%2])
			if err == nil && got != ids[i%2] {
				err = fmt.Errorf("call %d: namespace %d, want %d", i, got, ids[i%2])
			}
			errs <- err
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

// Close ends the kept thread; calls after it still land where asked (here,
// or on discarded threads), Close twice is fine, and the nil Thread works
// too.
func TestThreadAfterClose(t *testing.T) {
	bothWays(t, testAfterClose)
}

func testAfterClose(t *testing.T, newThread func() *netns.Thread) {
	ns := testutil.NewNetNS(t)
	want := mustID(t, ns.Target)
	th := newThread()
	if _, err := netlinkIn(th, ns.Target); err != nil {
		t.Fatal(err)
	}
	th.Close()
	th.Close()
	var none *netns.Thread
	for _, th := range []*netns.Thread{th, none} {
		got, err := netlinkIn(th, ns.Target)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("socket in namespace %d, want %d", got, want)
		}
	}
	if err := testutil.CheckThreads(); err != nil {
		t.Fatal(err)
	}
}

// A thread that cannot go home after making a socket elsewhere fails that
// call and every later one, host included, with ErrStuck, and its
// goroutine stays locked to it, so no other goroutine runs there. (The
// injected setns does go home, then reports a failure, so the test
// process is never left elsewhere.)
func TestThreadStuckAwayFromHome(t *testing.T) {
	ns := testutil.NewNetNS(t)
	th := netns.NewThread()
	defer th.Close()
	if !th.Here() {
		t.Skip("needs a Thread that works on the calling thread (root)")
	}
	type result struct {
		first, host, again error
		sameThread         bool
	}
	done := make(chan result)
	go func() {
		var r result
		var tid int
		calls := 0
		th.SetSetns(func(fd, nstype int) error {
			calls++
			err := unix.Setns(fd, nstype)
			if calls == 2 { // going home
				tid = unix.Gettid()
				if err == nil {
					err = unix.EPERM
				}
			}
			return err
		})
		_, r.first = netlinkIn(th, ns.Target)
		_, r.host = netlinkIn(th, netns.Host())
		_, r.again = netlinkIn(th, ns.Target)
		// Still locked: however often it yields, the goroutine is on the
		// thread that failed to go home.
		r.sameThread = true
		for range 100 {
			runtime.Gosched()
			if unix.Gettid() != tid {
				r.sameThread = false
			}
		}
		done <- r // the goroutine ends locked: Go discards the thread
	}()
	r := <-done
	for name, err := range map[string]error{"the failing call": r.first, "a later host call": r.host, "a later call": r.again} {
		if !errors.Is(err, netns.ErrStuck) {
			t.Errorf("%s: %v, want ErrStuck", name, err)
		}
	}
	if !errors.Is(r.first, unix.EPERM) {
		t.Errorf("the failing call does not carry setns's error: %v", r.first)
	}
	if !r.sameThread {
		t.Error("the goroutine left the thread that could not go home")
	}
	if err := testutil.CheckThreads(); err != nil {
		t.Fatal(err)
	}
}

// OpenFD gives a descriptor of the very namespace each kind of target
// names, without entering it; what is not a network namespace is
// refused, and a gone process's pidfd is an error.
func TestOpenFD(t *testing.T) {
	ns := testutil.NewNetNS(t)
	child := startChild(t)
	pid := child.Process.Pid
	byPID, _ := netns.PID(pid)
	byFD, err := netns.PidFD(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer byFD.Close()
	path, _ := netns.Path("/run/netns/" + ns.Name)
	held, err := unix.Open("/run/netns/"+ns.Name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(held)
	fdTarget, _ := netns.FD(held)
	childID := mustID(t, byPID)
	for _, c := range []struct {
		tg   netns.Target
		want uint64
	}{
		{netns.Host(), mustID(t, netns.Host())},
		{ns.Target, mustID(t, ns.Target)},
		{path, mustID(t, ns.Target)},
		{fdTarget, mustID(t, ns.Target)},
		{byPID, childID},
		{byFD, childID},
	} {
		fd, err := c.tg.OpenFD()
		if err != nil {
			t.Fatalf("%s: %v", c.tg, err)
		}
		got := fdNS(t, fd)
		unix.Close(fd)
		if got != c.want {
			t.Fatalf("%s: descriptor of namespace %d, want %d", c.tg, got, c.want)
		}
	}
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, []byte("not a namespace\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/proc/self/ns/uts", plain} {
		tg, _ := netns.Path(p)
		if fd, err := tg.OpenFD(); !errors.Is(err, netns.ErrInvalid) {
			if err == nil {
				unix.Close(fd)
			}
			t.Fatalf("%s: OpenFD returned %v, want ErrInvalid", p, err)
		}
	}
	missing, _ := netns.Named("nlsh-no-such-namespace")
	if _, err := missing.OpenFD(); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing namespace: %v, want ErrNotExist", err)
	}
	child.Process.Kill()
	child.Wait()
	if fd, err := byFD.OpenFD(); err == nil {
		unix.Close(fd)
		t.Fatal("pidfd target of an exited process still opens")
	}
}

// As root a Thread makes sockets on the calling thread; in a user
// namespace of its own (root there, but the network namespace belongs to
// the parent user namespace, so a thread that left might not get back) it
// keeps a thread instead. The child is this test binary, asked to say.
func TestThreadWayFollowsWhoOwnsHome(t *testing.T) {
	if os.Getenv("NLSH_THREAD_WAY_PROBE") != "" {
		fmt.Printf("here=%v\n", netns.NewThread().Here())
		return
	}
	testutil.RequireRoot(t)
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare (util-linux)")
	}
	for _, c := range []struct {
		name string
		argv []string
		want string
	}{
		{"root", []string{os.Args[0]}, "here=true"},
		{"user namespace", []string{unshare, "--user", "--map-root-user", os.Args[0]}, "here=false"},
	} {
		cmd := exec.Command(c.argv[0], append(c.argv[1:], "-test.run=^TestThreadWayFollowsWhoOwnsHome$", "-test.count=1")...)
		cmd.Env = append(os.Environ(), "NLSH_THREAD_WAY_PROBE=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, out)
		}
		if !strings.Contains(string(out), c.want+"\n") {
			t.Errorf("%s: child says %q, want %s", c.name, out, c.want)
		}
	}
}
