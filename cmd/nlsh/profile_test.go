package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// NLSH_CPUPROFILE and NLSH_MEMPROFILE leave pprof profiles (gzipped
// protocol buffers) that name the functions that ran and allocated.
func TestProfilesFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	cmd := exec.Command(binary, "-e", `local t = {} for i = 1, 200000 do t[i] = {i} end return #t`)
	cmd.Env = append(os.Environ(), "NLSH_CPUPROFILE="+cpu, "NLSH_MEMPROFILE="+mem)
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
}
