package main

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
)

// session is nlsh's REPL on a real pseudo-terminal.
type session struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

func startREPL(t *testing.T, hist string) *session {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "NLSH_HISTORY="+hist, "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	s := &session{t: t, cmd: cmd, tty: tty, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			s.mu.Lock()
			s.out.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill() // by pid: the child we started
			cmd.Wait()
		}
		tty.Close()
	})
	s.expect("nlsh> ")
	return s
}

// text is everything the terminal showed, without escape sequences.
func (s *session) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.ReplaceAllString(s.out.String(), "")
}

func (s *session) send(keys string) {
	s.t.Helper()
	if _, err := s.tty.Write([]byte(keys)); err != nil {
		s.t.Fatal(err)
	}
}

// expect waits until the output after the last mark contains want.
func (s *session) expect(want string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.text(), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("terminal never showed %q; it shows:\n%s", want, s.text())
}

// expectCount waits until want appears at least n times.
func (s *session) expectCount(want string, n int) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Count(s.text(), want) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("terminal never showed %q %d times; it shows:\n%s", want, n, s.text())
}

func (s *session) quit() {
	s.t.Helper()
	s.send("\x04") // Ctrl-D
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.t.Fatal("REPL did not exit on Ctrl-D")
	}
	if err := s.cmd.Wait(); err != nil {
		s.t.Fatalf("REPL exit: %v", err)
	}
}

func TestREPL(t *testing.T) {
	hist := filepath.Join(t.TempDir(), "history")
	s := startREPL(t, hist)

	// a statement and an expression
	s.send("x = 20 + 1\r")
	s.expectCount("nlsh> ", 2)
	s.send("x * 2\r")
	s.expect("42")

	// a multi-line function
	s.send("function sq(n)\r")
	s.expect("  >> ")
	s.send("  return n * n\r")
	s.expectCount("  >> ", 2)
	s.send("end\r")
	s.expectCount("nlsh> ", 5)
	s.send("sq(7)\r")
	s.expect("49")

	// a table result, pretty-printed
	s.send("{b = 1, a = {1, 2}}\r")
	s.expect("{ a = { 1, 2 }, b = 1 }")

	// tab completion of a module name and of a module field
	s.send("net\t")
	s.expect("netns")
	s.send(".cur\t")
	s.expect("netns.current")
	s.send("()\r")
	s.expect("host")

	// errors print one line and the REPL goes on
	s.send("error('oops')\r")
	s.expect("stdin:1: oops")
	// pcall keeps closures' upvalues across REPL lines (gopher-lua #448)
	s.send("do local a; function getA() return a end; function setA(v) a = v end end\r")
	s.send("pcall(error)\r")
	s.send("setA(5)\r")
	s.send("getA() + 100\r")
	s.expect("105")
	s.quit()

	// history across sessions: the last entry comes back with Up
	s2 := startREPL(t, hist)
	s2.send("\x1b[A") // Up: "getA() + 100"
	s2.expect("getA() + 100")
	s2.send("\x1b[A\x1b[A\x1b[A\x1b[A") // further back: "setA(5)", "pcall(error)", ...
	s2.send("\x15")                     // Ctrl-U clears the line
	s2.send("return 'second session'\r")
	s2.expect(`"second session"`)
	s2.quit()
	b, err := os.ReadFile(hist)
	if err != nil || !strings.Contains(string(b), "x = 20 + 1") || !strings.Contains(string(b), "function sq(n) return n * n end") {
		t.Fatalf("history file: %q, %v", b, err)
	}
}

func TestREPLInterfaceNameCompletion(t *testing.T) {
	if _, err := os.Stat("/sys/class/net/lo"); err != nil {
		t.Skip("no /sys/class/net/lo")
	}
	s := startREPL(t, filepath.Join(t.TempDir(), "history"))
	s.send(`x = "l` + "\t")
	s.expect(`x = "lo`)
	s.send("\"\rx\r")
	s.expect(`"lo"`)
	s.quit()
}
