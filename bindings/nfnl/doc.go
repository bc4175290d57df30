// Package nfnl is the Lua module nfnl: nftables tables, chains, rules,
// sets, elements, stateful objects and flowtables over families/nfnl.
//
// Changes are made in transactions: nfnl.transaction(fn) hands fn a tx
// whose calls queue operations, and sends them as one atomic batch when fn
// returns; the single-operation verbs (nfnl.rule.add{...}) are one-op
// transactions. A committed transaction pushes one undo step into the
// runtime's journal (a restore of the tables it touched, snapshotted
// before the commit), so a script that fails later leaves the ruleset as
// it was, together with the rtnl changes it made.
//
// Listings return plain tables with nft -j's field names; rules carry
// their text (as nft list ruleset prints it) and their expressions as
// tables that nfnl.rule.add accepts back.
package nfnl
