package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/internal/testutil"
)

// unsharedProc starts `unshare -n sleep 300`, a process in a new network
// namespace of its own standing in for a container held at its start
// checkpoint, waits until it is there, and kills it (by pid) at cleanup.
func unsharedProc(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("unshare", "-n", "sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill() // by its pid
		cmd.Wait()
	})
	pid := cmd.Process.Pid
	self, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ns, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if ns != "" && ns != self && strings.TrimSpace(string(comm)) == "sleep" {
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("unshare -n sleep (pid %d) never reached its own namespace", pid)
		}
		time.Sleep(time.Millisecond) // polling the condition above, with a deadline
	}
}

// pidDump is the links and addresses of process pid's namespace, as ip -j
// prints them.
func pidDump(t *testing.T, pid int) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{{"-d", "link"}, {"addr"}, {"route", "show", "table", "all"}} {
		out, err := testutil.Run("nsenter", append([]string{"--net=/proc/" + strconv.Itoa(pid) + "/ns/net", "ip", "-j"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(out)
	}
	return b.String()
}

// hostDumpRO is the real host namespace's links, addresses and routes,
// read only: no test here may change them.
func hostDumpRO(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{{"-j", "link"}, {"-j", "addr"}, {"-j", "route", "show", "table", "all"}} {
		out, err := testutil.Run("ip", args...)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(out)
	}
	return b.String()
}

// hostileCase is one hostile script body, run after a prelude that
// changes both the "host" and the container namespace (a veth pair
// across them), so the rollback is exercised too.
type hostileCase struct {
	name string
	body string // OTHER is the other container's pid, MARKER a file that must not appear
	// hook: what the one-line error names; cni: the code and what msg names.
	want    []string
	cniCode uint
	timeout time.Duration
}

func hostileCases() []hostileCase {
	return []hostileCase{
		{name: "endless loop", body: `while true do end`, want: []string{"hostile.lua:2: ", "deadline exceeded"}, cniCode: 11, timeout: 2 * time.Second},
		{name: "memory bomb", body: `local s = "x" while true do s = s .. s end`, want: []string{"memory limit exceeded"}, cniCode: 100, timeout: 20 * time.Second},
		{name: "table bomb", body: `local t = {} local i = 0 while true do i = i + 1 t[i] = {i, tostring(i)} end`, want: []string{"memory limit exceeded"}, cniCode: 100, timeout: 20 * time.Second},
		{name: "os.execute", body: `os.execute("touch MARKER")`, want: []string{"os.execute", "not allowed in the sandbox"}, cniCode: 101, timeout: 5 * time.Second},
		{name: "io.open /etc/shadow", body: `local f = io.open("/etc/shadow") print(f:read("*a"))`, want: []string{"io.open", "/etc/shadow", "outside the allowed paths"}, cniCode: 101, timeout: 5 * time.Second},
		{name: "other container's namespace", body: `netns.run(netns.pid(OTHER), function() rtnl.link.add{ifname = "evil0", kind = "dummy"} end)`, want: []string{"netns.pid", "not one this script may use"}, cniCode: 101, timeout: 5 * time.Second},
	}
}

// cniError is the error JSON a CNI plugin prints.
type cniError struct {
	Code    uint   `json:"code"`
	Msg     string `json:"msg"`
	Details string `json:"details"`
}

// TestHostileScriptsThroughTheBinary runs hostile scripts through the
// built nlsh, as an OCI createRuntime hook (state on stdin, --netns
// naming a throwaway "host") and as a CNI plugin (run inside the
// throwaway host by ip netns exec): each is stopped within its deadline
// with one clear error line (hook, exit 1) or a CNI error JSON with its
// code (cni, exit 1), and the host, the container and another container
// are unchanged (the prelude's veth is rolled back).
func TestHostileScriptsThroughTheBinary(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCommand(t, "unshare", "util-linux")
	testutil.RequireCommand(t, "nsenter", "util-linux")
	requireRtnl(t)
	host := testutil.NewNetNS(t)
	ctr := unsharedProc(t)
	other := unsharedProc(t)
	realHost := hostDumpRO(t)
	hostBefore, ctrBefore, otherBefore := dump(t, host), pidDump(t, ctr), pidDump(t, other)
	marker := filepath.Join(t.TempDir(), "executed")

	modes := []struct {
		name, prelude string
		run           func(t *testing.T, file string, timeout time.Duration) (stdout, stderr string, err error)
	}{
		{
			name:    "hook",
			prelude: `rtnl.link.add{ifname = "hx0", kind = "veth", up = true, peer = {ifname = "eth0", netns = container.netns}}`,
			run: func(t *testing.T, file string, timeout time.Duration) (string, string, error) {
				return runNlsh(stateJSON(t, "hostile", ctr, "created"), nil,
					"--netns", "name:"+host.Name, "hook", "--timeout", timeout.String(), file, "createRuntime")
			},
		},
		{
			name:    "cni",
			prelude: `rtnl.link.add{ifname = "hx0", kind = "veth", up = true, peer = {ifname = cni.ifname, netns = cni.netns}}`,
			run: func(t *testing.T, file string, timeout time.Duration) (string, string, error) {
				conf, err := json.Marshal(map[string]any{"cniVersion": "1.1.0", "name": "hostile", "type": "nlsh", "script": file, "timeout": timeout.String()})
				if err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command("ip", "netns", "exec", host.Name, nlshBin, "cni")
				cmd.Stdin = strings.NewReader(string(conf))
				cmd.Env = append(os.Environ(), "CNI_COMMAND=ADD", "CNI_CONTAINERID=hostile-1", "CNI_IFNAME=eth0",
					"CNI_NETNS=/proc/"+strconv.Itoa(ctr)+"/ns/net", "CNI_PATH="+binDir)
				var out, errOut strings.Builder
				cmd.Stdout, cmd.Stderr = &out, &errOut
				err = cmd.Run()
				return out.String(), errOut.String(), err
			},
		},
	}
	for _, m := range modes {
		// The prelude alone works: the hostile part is what stops the run.
		t.Run(m.name+"/prelude alone", func(t *testing.T) {
			file := script(t, "ok.lua", m.prelude+"\nrtnl.link.get{ifname = \"hx0\"}\nerror(\"stop here\")\n")
			stdout, stderr, err := m.run(t, file, 5*time.Second)
			if err == nil || !strings.Contains(stdout+stderr, "stop here") {
				t.Fatalf("the prelude did not run through: %v\nstdout: %s\nstderr: %s", err, stdout, stderr)
			}
		})
		for _, c := range hostileCases() {
			t.Run(m.name+"/"+c.name, func(t *testing.T) {
				body := m.prelude + "\n" + strings.NewReplacer("OTHER", strconv.Itoa(other), "MARKER", marker).Replace(c.body) + "\n"
				file := script(t, "hostile.lua", body)
				start := time.Now()
				stdout, stderr, err := m.run(t, file, c.timeout)
				took := time.Since(start)
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != 1 {
					t.Fatalf("exit: %v, want status 1\nstdout: %s\nstderr: %s", err, stdout, stderr)
				}
				// Start-up, rollback and a loaded machine on top of the deadline.
				if slack := 5 * time.Second; took > c.timeout+slack {
					t.Errorf("stopped after %v, past the %v deadline", took.Round(time.Millisecond), c.timeout)
				}
				msg := strings.TrimSpace(stderr)
				if m.name == "cni" {
					var ce cniError
					if err := json.Unmarshal([]byte(stdout), &ce); err != nil {
						t.Fatalf("stdout is not a CNI error: %v\n%s", err, stdout)
					}
					if ce.Code != c.cniCode {
						t.Errorf("CNI error code %d, want %d: %+v", ce.Code, c.cniCode, ce)
					}
					msg = ce.Msg
				} else {
					// One error line, after the rollback's notice (the
					// prelude made one change): nothing else.
					lines := strings.Split(msg, "\n")
					if len(lines) != 2 || lines[0] != "nlsh: script failed; undid its 1 change(s)" {
						t.Errorf("stderr is not the rollback notice and one error line: %q", msg)
					}
					msg = lines[len(lines)-1]
				}
				if msg == "" || strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine ") {
					t.Errorf("not one clear line: %q", msg)
				}
				for _, w := range c.want {
					if !strings.Contains(msg, w) {
						t.Errorf("error %q lacks %q", msg, w)
					}
				}
				if _, err := os.Stat(marker); err == nil {
					t.Errorf("%s exists: the script ran a command", marker)
				}
				if got := dump(t, host); got != hostBefore {
					t.Errorf("the throwaway host namespace changed:\n%s\nwant\n%s", got, hostBefore)
				}
				if got := pidDump(t, ctr); got != ctrBefore {
					t.Errorf("the container's namespace changed:\n%s\nwant\n%s", got, ctrBefore)
				}
				t.Logf("stopped in %v: %s", took.Round(time.Millisecond), msg)
			})
		}
	}
	if pidDump(t, other) != otherBefore {
		t.Error("the other container's namespace changed")
	}
	if hostDumpRO(t) != realHost {
		t.Error("the real host namespace changed")
	}
}
