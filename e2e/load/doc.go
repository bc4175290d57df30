// Package load holds nlsh's load and leak test: many operations across many
// throwaway network namespaces in one process, through the Go API and the
// Lua runtime, checking that threads, file descriptors, goroutines and
// memory return to their baseline and that no thread is left in a foreign
// namespace. The default size is small (CI); NLSH_LOAD_FULL=1 runs 100,000
// operations across 1,000 namespaces.
package load
