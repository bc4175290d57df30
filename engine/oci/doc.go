// Package oci runs an nlsh script as an OCI runtime hook (createRuntime,
// prestart, poststop, ...): it reads the container state the runtime
// writes to the hook's standard input, opens the container's network
// namespace once by pidfd, and gives the script a `container` table:
//
//	container.id           the container id
//	container.pid          the container's init pid (0 when gone)
//	container.bundle       the bundle directory
//	container.annotations  the annotations (a table of strings)
//	container.status       "creating", "created", "running" or "stopped"
//	container.hook         the hook name given as the first argument, if any
//	container.netns        a netns target of the child's namespace, or nil
//	container.version      the state's ociVersion
//
// container.netns is opened with pidfd_open before the script starts, so
// a pid reused by another process after the container died can never
// redirect the script; using it after the process is gone is an error.
package oci
