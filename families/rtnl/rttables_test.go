package rtnl

import (
	"errors"
	"os"
	"path/filepath"
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
