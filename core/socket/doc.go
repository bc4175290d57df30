// Package socket is one conversation with one kernel netlink family: a
// request and its acknowledgement, streaming dumps, batches of many
// requests in one sendmsg, and multicast groups for monitors.
//
// A Conn is made by Dial (an AF_NETLINK socket, optionally created inside
// another network namespace) or by NewConn over any Transport, which is
// how core/nltest fakes a kernel for unit tests.
//
// # Exchanges
//
// Every request gets the next sequence number, and every reply's sequence
// number and port id are checked against it. Messages that belong to
// nothing the Conn is waiting for (a late reply to a cancelled request, a
// multicast event on a socket that also sends requests) are skipped, never
// mixed into the answer, and reported to Config.Trace as Skipped.
//
// Errors the kernel returns are *codec.Error values with Op named by
// Config.Protocol, the extack message, and the offending attribute named
// by Config.AttrPath; they unwrap to the errno, so
// errors.Is(err, unix.EEXIST) works.
//
// # Concurrency
//
// A Conn is safe for use by several goroutines. One mutex serialises whole
// exchanges: Execute, Request, Batch and Receive hold it from the first
// send to the last reply, and a Dump holds it from Conn.Dump until the
// dump ends or is closed, so replies of two callers are never interleaved
// on the socket. Sequence numbers are allocated atomically. Close does not
// take the mutex: it ends an exchange blocked in a receive.
//
// # Cancellation
//
// Every call takes a context. Its deadline becomes the socket's read
// deadline, and its cancellation sets a read deadline in the past, so a
// receive blocked in the Go runtime poller returns promptly with an error
// wrapping ctx.Err().
package socket
