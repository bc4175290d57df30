package rtnl

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadTables(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "rt_tables")
	d := filepath.Join(dir, "rt_tables.d")
	os.Mkdir(d, 0o755)
	os.WriteFile(base, []byte("255 local\n254 main # comment\n100 blue\n"), 0o644)
	os.WriteFile(filepath.Join(d, "a.conf"), []byte("0x65 red\n200 blue\n"), 0o644)
	os.WriteFile(filepath.Join(d, "ignored.txt"), []byte("7 nope\n"), 0o644)
	tb, err := LoadTables(base, d, filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]uint32{"main": 254, "local": 255, "default": 253, "red": 101, "blue": 200, "42": 42, "0x10": 16} {
		if got, err := tb.ID(name); err != nil || got != want {
			t.Errorf("ID(%q) = %d, %v; want %d", name, got, err, want)
		}
	}
	if tb.Name(101) != "red" || tb.Name(100) != "100" || tb.Name(254) != "main" {
		t.Errorf("names: %q %q %q", tb.Name(101), tb.Name(100), tb.Name(254))
	}
	var ae *ArgError
	if _, err := tb.ID("nope"); !errors.As(err, &ae) || ae.Field != "table" {
		t.Errorf("unknown name: %v", err)
	}
	os.WriteFile(base, []byte("bad line here\n"), 0o644)
	if _, err := LoadTables(base); err == nil {
		t.Error("malformed file accepted")
	}
	var nilTables *Tables
	if id, err := nilTables.ID("main"); err != nil || id != 254 || nilTables.Name(255) != "local" {
		t.Errorf("nil Tables: %d %v", id, err)
	}
}

// A directory of many files is read whole (several getdents), in name
// order, a later file overriding an earlier one; a *.conf that cannot be
// read is an error naming it.
func TestLoadTablesDirectory(t *testing.T) {
	d := t.TempDir()
	for i := range 300 {
		// Names sort as numbers; each file names table 1000+i, and
		// every one renames table 7: the last file's name wins.
		body := fmt.Sprintf("%d t%d\n7 seven%03d\n", 1000+i, i, i)
		if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("%03d-a-long-file-name-for-getdents.conf", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tb, err := LoadTables(d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		if got := tb.Name(uint32(1000 + i)); got != fmt.Sprintf("t%d", i) {
			t.Fatalf("table %d is %q", 1000+i, got)
		}
	}
	if tb.Name(7) != "seven299" {
		t.Errorf("table 7 is %q, want the last file's name", tb.Name(7))
	}
	if err := os.Mkdir(filepath.Join(d, "zz.conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTables(d); err == nil || !strings.Contains(err.Error(), "zz.conf") {
		t.Errorf("a directory named zz.conf: %v", err)
	}
}
