package main

import (
	"runtime/debug"
	"testing"
)

// Scripts get the collector target cliGCPercent; engine modes and a set
// GOGC keep what they had.
func TestTuneGC(t *testing.T) {
	t.Setenv("GOGC", "")
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	for _, c := range []struct {
		args   []string
		engine bool
		gogc   string
		want   int
	}{
		{[]string{"-e", "return 1"}, false, "", cliGCPercent},
		{[]string{"hook"}, false, "", 100},
		{[]string{"cni"}, false, "", 100},
		{nil, true, "", 100},
		{[]string{"script.lua"}, false, "50", 100},
	} {
		t.Setenv("GOGC", c.gogc)
		debug.SetGCPercent(100)
		tuneGC(c.args, c.engine)
		if got := debug.SetGCPercent(100); got != c.want {
			t.Errorf("tuneGC(%q, engine %v, GOGC=%q): percent %d, want %d", c.args, c.engine, c.gogc, got, c.want)
		}
	}
}
