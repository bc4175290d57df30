package oci_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/nlsh/nlsh/engine"
	"github.com/nlsh/nlsh/engine/oci"
)

func TestReadState(t *testing.T) {
	st, err := oci.ReadState(strings.NewReader(`{"ociVersion":"1.2.0","id":"c1","status":"creating","pid":42,"bundle":"/b","annotations":{"k":"v"}}`))
	if err != nil || st.ID != "c1" || st.Pid != 42 || st.Status != specs.StateCreating || st.Annotations["k"] != "v" {
		t.Fatalf("got %+v, %v", st, err)
	}
	for in, want := range map[string]string{
		``:                         "unexpected end of JSON input",
		`{"id": 1}`:                "cannot unmarshal",
		`{"pid": 3}`:               "no container id",
		`{"id":"c","pid":-1}`:      "bad pid -1",
		strings.Repeat(" ", 2<<20): "larger than",
	} {
		if _, err := oci.ReadState(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.20q: got %v, want %q", in, err, want)
		}
	}
}

// child starts a process standing in for a container's init.
func child(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start a child process: %v", err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

func run(t *testing.T, st specs.State, args []string, body string) (string, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hook.lua")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := oci.Run(context.Background(), engine.Options{Script: p, Args: args, Stdout: &out, Stderr: &out}, st, "")
	return out.String(), err
}

const dump = `print(container.id, container.pid, container.bundle, container.status, container.hook,
  container.annotations.team, container.version, container.netns and container.netns.kind,
  container.netns and container.netns.pid, select("#", ...))`

func TestContainerTable(t *testing.T) {
	c := child(t)
	pid := c.Process.Pid
	st := oci.State("web-1", pid, "/run/bundle", specs.StateCreating, map[string]string{"team": "net"})
	out, err := run(t, st, []string{"createRuntime", "extra"}, dump)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{"web-1", strconv.Itoa(pid), "/run/bundle", "creating", "createRuntime", "net", specs.Version, "pidfd", strconv.Itoa(pid), "2"}, "\t") + "\n"
	if out != want {
		t.Fatalf("got  %q\nwant %q", out, want)
	}
	// Without a hook name argument, container.hook is nil; args pass on.
	out, err = run(t, st, []string{"eth0"}, `print(container.hook, ...)`)
	if err != nil || out != "nil\teth0\n" {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestPoststopWithoutProcess(t *testing.T) {
	c := child(t)
	pid := c.Process.Pid
	c.Process.Kill()
	c.Wait()
	for _, st := range []specs.State{
		oci.State("web-1", pid, "/b", specs.StateStopped, nil),
		oci.State("web-1", 0, "/b", specs.StateStopped, nil),
	} {
		out, err := run(t, st, []string{"poststop"}, `print(container.status, container.hook, container.netns)`)
		if err != nil || out != "stopped\tpoststop\tnil\n" {
			t.Fatalf("pid %d: got %q, %v", st.Pid, out, err)
		}
	}
	// A live hook for a process that is gone is an error, not a nil netns.
	_, err := run(t, oci.State("web-1", pid, "/b", specs.StateCreating, nil), []string{"createRuntime"}, `error("must not run")`)
	if err == nil || !strings.Contains(err.Error(), "open its process") {
		t.Fatalf("got %v, want the missing process reported", err)
	}
	_, err = run(t, oci.State("web-1", 0, "/b", specs.StateCreating, nil), nil, `error("must not run")`)
	if err == nil || !strings.Contains(err.Error(), "no pid") {
		t.Fatalf("got %v, want the missing pid reported", err)
	}
}

// The namespace target is the process opened at start: after that process
// exits, using it fails instead of naming whatever now has its pid.
func TestNetnsPinnedByPidfd(t *testing.T) {
	c := child(t)
	st := oci.State("web-1", c.Process.Pid, "/b", specs.StateCreating, nil)
	ct, err := oci.Open(st, "createRuntime")
	if err != nil {
		t.Fatal(err)
	}
	defer ct.Close()
	if _, err := ct.Netns.ID(); err != nil {
		t.Fatalf("live container: %v", err)
	}
	c.Process.Kill()
	c.Wait()
	if _, err := ct.Netns.ID(); err == nil || !strings.Contains(err.Error(), "process gone") {
		t.Fatalf("after exit: got %v, want the target to refuse", err)
	}
}
