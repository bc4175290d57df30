package e2e

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/netns"
	"github.com/nlsh/nlsh/internal/testutil"
)

// containerProc starts a process inside ns standing in for a container's
// init held at its start checkpoint, and waits until it is in ns.
func containerProc(t testing.TB, ns *testutil.NS) int {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns.Name, "sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	want, err := os.Stat(netns.RunDir + "/" + ns.Name)
	if err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := os.Stat("/proc/" + strconv.Itoa(pid) + "/ns/net")
		if err == nil && os.SameFile(got, want) {
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d did not enter namespace %s", pid, ns.Name)
		}
		time.Sleep(time.Millisecond) // polling the condition above
	}
}
