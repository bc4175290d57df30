package socket

import (
	"time"

	"github.com/nlsh/nlsh/core/codec"
)

// Transport moves whole datagrams between a Conn and a kernel. The kernel
// implementation is an AF_NETLINK socket (see Dial); core/nltest provides
// a fake one, and a recorder or replayer can be another.
//
// A Conn calls Send, Receive and SetReadDeadline from one goroutine at a
// time; Close may be called concurrently with a blocked Receive and must
// end it.
type Transport interface {
	// Send sends one datagram (one or more netlink messages) to the kernel.
	Send(b []byte) error
	// Receive waits for the next datagram and returns it, read into b when
	// it fits (a Transport may return a larger buffer it allocated, which
	// the Conn then reuses). group is the multicast group the datagram was
	// sent to, 0 for a unicast reply. Receive returns an error wrapping
	// os.ErrDeadlineExceeded when the read deadline passes.
	Receive(b []byte) (datagram []byte, group uint32, err error)
	// TryReceive is Receive without waiting: ok is false when no datagram
	// is queued.
	TryReceive(b []byte) (datagram []byte, group uint32, ok bool, err error)
	// SetReadDeadline sets the time after which a blocked or future
	// Receive fails; the zero time means none.
	SetReadDeadline(t time.Time) error
	// PortID is the local port id that replies are addressed to.
	PortID() uint32
	// JoinGroup and LeaveGroup change multicast group membership.
	JoinGroup(group uint32) error
	LeaveGroup(group uint32) error
	// Close releases the transport and ends a blocked Receive.
	Close() error
}

// BufferSizer is implemented by a Transport that knows its socket's buffer
// sizes in bytes, as the kernel accounts them. Batch uses them to size its
// chunks; without it conservative defaults apply.
type BufferSizer interface {
	BufferSizes() (receive, send int)
}

// CapAcker is implemented by a Transport that reports whether the kernel
// echoes only the header of a failed request in its error (NETLINK_CAP_ACK).
type CapAcker interface {
	CapAck() bool
}

// MultiReceiver is implemented by a Transport that can take several
// queued datagrams in one call (recvmmsg). Batch reads acknowledgements
// with it: the kernel queues each one as a datagram of its own, and one
// system call per acknowledgement (two, with the peek that sizes it) cost
// more than the requests themselves. A wrapper that does not pass it
// through leaves Batch on Receive.
type MultiReceiver interface {
	// ReceiveMany waits for a datagram as Receive does, then takes up to
	// len(ds) of those queued without waiting more, the i-th into
	// ds[i].Data's capacity, and returns how many it took. A datagram
	// larger than its buffer is cut short: its Size says how large it
	// was. The read deadline applies as for Receive.
	ReceiveMany(ds []Datagram) (n int, err error)
}

// Datagram is one datagram read by MultiReceiver.ReceiveMany.
type Datagram struct {
	// Data is the buffer to read into (its capacity counts), and then
	// the bytes read.
	Data []byte
	// Size is the datagram's size: more than len(Data) when it was cut
	// short.
	Size int
	// Group is the multicast group it was sent to, 0 for a unicast reply.
	Group uint32
}

// Direction says what happened to a traced message.
type Direction uint8

// Directions passed to Config.Trace.
const (
	// Sent is a message written to the socket.
	Sent Direction = iota + 1
	// Received is a message read from the socket and used.
	Received
	// Skipped is a message read from the socket that belonged to no
	// exchange in progress (another sequence number or port id, or a
	// multicast event during a request) and was dropped.
	Skipped
	// DryRun is a message Config.DryRun kept from being sent.
	DryRun
)

// String returns "send", "recv", "skip" or "dry-run".
func (d Direction) String() string {
	switch d {
	case Sent:
		return "send"
	case Received:
		return "recv"
	case Skipped:
		return "skip"
	case DryRun:
		return "dry-run"
	}
	return "direction(" + itoa(int(d)) + ")"
}

// TypeNamer names message types of a protocol, such as "RTM_NEWLINK" for
// 16 in NETLINK_ROUTE. *codec.Protocol satisfies it.
type TypeNamer interface {
	TypeName(typ uint16) string
}

// TraceFunc sees every message sent and received. m.Data aliases the
// Conn's buffers and is valid only during the call.
type TraceFunc func(dir Direction, m codec.Message)
