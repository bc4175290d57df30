// Package testutil holds helpers for tests that touch the kernel: a
// throwaway network namespace per test, running `ip -j` inside it for
// cross-checks, and a TestMain that fails on leaked file descriptors or
// threads left in a foreign namespace.
package testutil
