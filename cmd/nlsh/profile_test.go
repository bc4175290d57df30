package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// In a binary built with -tags nlshprof, NLSH_CPUPROFILE and
// NLSH_MEMPROFILE leave pprof profiles (gzipped protocol buffers) that
// name the functions that ran and allocated, and NLSH_TRACE an execution
// trace that go tool trace reads.
func TestProfilesFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	withProfiles := filepath.Join(dir, "nlsh-prof")
	if out, err := exec.Command("go", "build", "-tags", profileTag, "-o", withProfiles, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %s: %v\n%s", profileTag, err, out)
	}
	cpu, mem, trace := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof"), filepath.Join(dir, "trace.out")
	cmd := exec.Command(withProfiles, "-e", `local t = {} for i = 1, 200000 do t[i] = {i} end return #t`)
	cmd.Env = append(os.Environ(), "NLSH_CPUPROFILE="+cpu, "NLSH_MEMPROFILE="+mem, "NLSH_TRACE="+trace)
	if out, err := cmd.CombinedOutput(); err != nil || string(out) != "200000\n" {
		t.Fatalf("nlsh: %v: %q", err, out)
	}
	for path, want := range map[string]string{cpu: "main.main", mem: "gopher-lua.newLTable"} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s (%d bytes) does not name %s", filepath.Base(path), len(b), want)
		}
	}
	// go tool trace reads the trace: goroutines that changed state, in
	// the script's Lua functions among others.
	out, err := exec.Command("go", "tool", "trace", "-d=parsed", trace).Output()
	if err != nil {
		t.Fatalf("go tool trace: %v", err)
	}
	if !bytes.Contains(out, []byte("StateTransition")) || !bytes.Contains(out, []byte("gopher-lua")) {
		t.Errorf("the trace (%d bytes parsed) has no goroutine state changes in gopher-lua", len(out))
	}
}

// The default binary has no runtime/pprof; asked for a profile, it says how
// to get one, writes none, and runs the script all the same.
func TestProfilesNeedTheTag(t *testing.T) {
	dir := t.TempDir()
	cpu := filepath.Join(dir, "cpu.prof")
	cmd := exec.Command(binary, "-e", "return 7")
	cmd.Env = append(os.Environ(), "NLSH_CPUPROFILE="+cpu)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stdout.String() != "7\n" {
		t.Fatalf("nlsh: %v: %q %q", err, stdout.String(), stderr.String())
	}
	if want := "build it with -tags " + profileTag; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q does not say %q", stderr.String(), want)
	}
	if _, err := os.Stat(cpu); !os.IsNotExist(err) {
		t.Errorf("a profile was written: %v", err)
	}
	out, err := exec.Command("go", "tool", "nm", binary).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	if !strings.Contains(string(out), " main.main") || strings.Contains(string(out), " runtime/pprof.") {
		t.Error("runtime/pprof is in the default binary (or nm lists no symbols)")
	}
}
