package netns_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// One kept thread makes sockets in one namespace after another, each in
// the namespace asked for, and between calls no thread of the process is
// anywhere but home.
func TestThreadSocketsLandWhereAsked(t *testing.T) {
	a, b := testutil.NewNetNS(t), testutil.NewNetNS(t)
	want := map[string]uint64{"host": mustID(t, netns.Host()), a.Name: mustID(t, a.Target), b.Name: mustID(t, b.Target)}
	th := netns.NewThread()
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

// Many goroutines share one kept thread; each socket lands where asked.
func TestThreadConcurrentCalls(t *testing.T) {
	a, b := testutil.NewNetNS(t), testutil.NewNetNS(t)
	ids := []uint64{mustID(t, a.Target), mustID(t, b.Target)}
	targets := []netns.Target{a.Target, b.Target}
	th := netns.NewThread()
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

// Close ends the kept thread; calls after it still land where asked (on
// discarded threads), Close twice is fine, and the nil Thread works too.
func TestThreadAfterClose(t *testing.T) {
	ns := testutil.NewNetNS(t)
	want := mustID(t, ns.Target)
	th := netns.NewThread()
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
