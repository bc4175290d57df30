package main

import (
	"os/exec"
	"syscall"
	"testing"
)

// maxRSS is the peak resident memory of a finished command, in KiB.
func maxRSS(cmd *exec.Cmd) float64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss)
	}
	return 0
}

// BenchmarkStartup execs `nlsh -e 'return 1'` and, side by side,
// `ip link show`: the cost of a one-liner from process start to exit.
func BenchmarkStartup(b *testing.B) {
	b.Run("nlsh-e-return-1", func(b *testing.B) {
		var rss float64
		for b.Loop() {
			cmd := exec.Command(binary, "-e", "return 1")
			if out, err := cmd.Output(); err != nil || string(out) != "1\n" {
				b.Fatalf("%q %v", out, err)
			}
			rss = max(rss, maxRSS(cmd))
		}
		b.ReportMetric(rss, "peak-KiB")
	})
	b.Run("ip-link-show", func(b *testing.B) {
		if _, err := exec.LookPath("ip"); err != nil {
			b.Skip("no ip (iproute2)")
		}
		var rss float64
		for b.Loop() {
			cmd := exec.Command("ip", "link", "show")
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			rss = max(rss, maxRSS(cmd))
		}
		b.ReportMetric(rss, "peak-KiB")
	})
}
