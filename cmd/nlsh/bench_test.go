package main

import (
	"os/exec"
	"testing"
)

// BenchmarkStartup execs `nlsh -e 'return 1'` and, side by side,
// `ip link show`: the cost of a one-liner from process start to exit.
func BenchmarkStartup(b *testing.B) {
	b.Run("nlsh-e-return-1", func(b *testing.B) {
		for b.Loop() {
			if out, err := exec.Command(binary, "-e", "return 1").Output(); err != nil || string(out) != "1\n" {
				b.Fatalf("%q %v", out, err)
			}
		}
	})
	b.Run("ip-link-show", func(b *testing.B) {
		if _, err := exec.LookPath("ip"); err != nil {
			b.Skip("no ip (iproute2)")
		}
		for b.Loop() {
			if err := exec.Command("ip", "link", "show").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
