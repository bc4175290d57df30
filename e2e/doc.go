// Package e2e holds end-to-end tests of nlsh inside container engines: a
// real OCI runtime (runc) running a busybox container with nlsh as its
// createRuntime hook, nlsh driven as a CNI plugin by libcni, the nlsh
// bridge script against the reference bridge plugin, rollback of failed
// and timed-out scripts across host and container namespaces, and
// provisioning benchmarks. Every test works inside throwaway namespaces
// (the "host" side too) and skips, saying why, without root, runc, busybox
// or the CNI plugins.
package e2e
