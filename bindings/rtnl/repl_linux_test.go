package rtnl_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/nlsh/nlsh/internal/testutil"
)

var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// TestREPLCompletion drives the REPL through a pseudo-terminal: rtnl.li<TAB>
// completes to rtnl.link, and an interface name inside a string completes
// from the live namespace (the rtnl completion hook).
func TestREPLCompletion(t *testing.T) {
	c := buildNlsh(t)
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "brcomplete0", "type", "bridge")
	cmd := exec.Command(c.bin, "--netns", "name:"+ns.Name)
	cmd.Env = append(os.Environ(), "NLSH_HISTORY="+filepath.Join(t.TempDir(), "history"), "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu  sync.Mutex
		out strings.Builder
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill() // by pid: the REPL we started
		cmd.Wait()
		tty.Close()
		<-done
	})
	expect := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			text := ansiEscape.ReplaceAllString(out.String(), "")
			mu.Unlock()
			if strings.Contains(text, want) {
				return
			}
			select {
			case <-done:
				t.Fatalf("REPL exited; terminal shows:\n%s", text)
			case <-time.After(20 * time.Millisecond):
			}
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("terminal never showed %q; it shows:\n%s", want, ansiEscape.ReplaceAllString(out.String(), ""))
	}
	send := func(s string) {
		t.Helper()
		if _, err := tty.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	expect("nlsh> ")
	send("rtnl.li\t")
	expect("rtnl.link")
	send(".ad\t")
	expect("rtnl.link.add")
	send("\x15") // Ctrl-U: clear the line
	send(`l = rtnl.link.get{ifname = "brcom` + "\t")
	expect(`"brcomplete0`)
	send("\"}\r")
	send("l.ifname .. ' ' .. l.linkinfo.info_kind\r")
	expect("brcomplete0 bridge")
}
