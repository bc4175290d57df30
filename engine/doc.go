// Package engine runs per-container Lua scripts the way container engines
// call network programs: as an OCI runtime hook (package engine/oci) and as
// a CNI plugin (package engine/cni). This package holds what both modes
// share: a sandboxed runtime, a deadline, and rollback.
//
// Every run journals the changes the modules make (the rtnl binding pushes
// an inverse for each link, address and route change, in whatever
// namespace it was made). When the script fails, runs past its deadline,
// or returns something the mode cannot use, the journal is undone newest
// first, across the host and the container namespaces, and the original
// error is returned with any failed undo step attached, never hidden.
//
// nftables: the nfnl binding commits each transaction as one atomic batch.
// To take part in rollback it pushes one journal step per committed batch
// whose Undo commits the inverse batch (delete what the batch added,
// restore what it deleted), through the same bindings.Journal; nothing
// here needs to change for it.
package engine
