// Package faultinject wraps a socket.Transport so that the k-th send or
// receive of a connection fails the way a kernel or a busy system can make
// it fail: an errno (ENOBUFS, EINTR, EAGAIN, EBUSY), a truncated datagram,
// a reply with a wrong sequence number, or a dump reply marked
// NLM_F_DUMP_INTR.
//
// It is for tests only: nothing outside _test.go files imports it, so it
// never ships in the nlsh binary. Plug it in with socket.Config's
// WrapTransport (runtime.Options.WrapTransport for scripts):
//
//	inj := faultinject.New(faultinject.Fault{Op: faultinject.Receive, K: 3, Kind: faultinject.Truncate})
//	cfg := &socket.Config{WrapTransport: inj.Wrap}
//
// An Injector counts operations across every transport it wraps (a script
// opens several connections), in the order they happen, so "the k-th
// receive" is the k-th of the whole run.
package faultinject

import (
	"encoding/binary"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
)

// Op is the operation a fault hits.
type Op uint8

// Operations.
const (
	Send Op = iota + 1
	Receive
)

func (o Op) String() string {
	if o == Send {
		return "send"
	}
	return "receive"
}

// Kind is what goes wrong.
type Kind uint8

// Fault kinds.
const (
	// ENOBUFS, EINTR, EAGAIN and EBUSY make the operation fail with that
	// errno, as the kernel socket would report it. A send that fails
	// never reaches the kernel; a receive that fails leaves the datagram
	// queued for the next receive (the kernel dropped nothing).
	ENOBUFS Kind = iota + 1
	EINTR
	EAGAIN
	EBUSY
	// Truncate cuts the received datagram in the middle of its last
	// message (the message header still claims the full length).
	Truncate
	// WrongSeq delivers a copy of the received datagram with every
	// sequence number changed first (a stale reply), then the real one.
	WrongSeq
	// DumpIntr sets NLM_F_DUMP_INTR on every message of the received
	// datagram, as the kernel does when its table changed during a dump.
	DumpIntr
)

// Kinds lists every fault kind.
var Kinds = []Kind{ENOBUFS, EINTR, EAGAIN, EBUSY, Truncate, WrongSeq, DumpIntr}

func (k Kind) String() string {
	switch k {
	case ENOBUFS:
		return "ENOBUFS"
	case EINTR:
		return "EINTR"
	case EAGAIN:
		return "EAGAIN"
	case EBUSY:
		return "EBUSY"
	case Truncate:
		return "truncated"
	case WrongSeq:
		return "wrong-seq"
	case DumpIntr:
		return "DUMP_INTR"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Errno returns the errno of an errno kind, 0 for the others.
func (k Kind) Errno() syscall.Errno {
	switch k {
	case ENOBUFS:
		return syscall.ENOBUFS
	case EINTR:
		return syscall.EINTR
	case EAGAIN:
		return syscall.EAGAIN
	case EBUSY:
		return syscall.EBUSY
	}
	return 0
}

// AppliesTo reports whether the kind means anything for op: datagram
// kinds (Truncate, WrongSeq, DumpIntr) only for receives.
func (k Kind) AppliesTo(op Op) bool { return op == Receive || k.Errno() != 0 }

// Fault is one planned failure: the K-th (from 1) operation Op fails with
// Kind.
type Fault struct {
	Op   Op
	K    int
	Kind Kind
	// Type, when set, counts only received datagrams whose first message
	// is of this type (the K-th datagram of a route dump, say), apart
	// from the other counts; only datagram kinds (Truncate, WrongSeq,
	// DumpIntr) take it.
	Type uint16
}

func (f Fault) String() string {
	if f.Type != 0 {
		return fmt.Sprintf("%s #%d of type %d %s", f.Op, f.K, f.Type, f.Kind)
	}
	return fmt.Sprintf("%s #%d %s", f.Op, f.K, f.Kind)
}

// Injector counts sends and receives over the transports it wraps and
// applies its faults. It is safe for concurrent use.
type Injector struct {
	mu       sync.Mutex
	faults   []Fault
	sends    int
	receives int
	fired    []Fault
	wrapped  int
	typed    map[uint16]int // received datagrams by their first message's type
}

// New returns an Injector with the given faults (none: it only counts).
func New(faults ...Fault) *Injector { return &Injector{faults: faults} }

// Wrap is a socket.Config.WrapTransport.
func (in *Injector) Wrap(t socket.Transport) socket.Transport {
	in.mu.Lock()
	in.wrapped++
	in.mu.Unlock()
	return &transport{Transport: t, in: in}
}

// Counts returns the sends and receives seen so far.
func (in *Injector) Counts() (sends, receives int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.sends, in.receives
}

// Fired returns the faults applied so far.
func (in *Injector) Fired() []Fault {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]Fault(nil), in.fired...)
}

// Wrapped returns how many transports were wrapped.
func (in *Injector) Wrapped() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.wrapped
}

// next counts one op and returns the fault planned for it, if any.
func (in *Injector) next(op Op) (Kind, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := &in.sends
	if op == Receive {
		n = &in.receives
	}
	*n++
	for _, f := range in.faults {
		if f.Op == op && f.K == *n && f.Type == 0 {
			in.fired = append(in.fired, f)
			return f.Kind, true
		}
	}
	return 0, false
}

// nextTyped counts a received datagram d by its first message's type and
// returns the fault planned for it, if any.
func (in *Injector) nextTyped(d []byte) (Kind, bool) {
	if len(d) < 6 {
		return 0, false
	}
	typ := binary.NativeEndian.Uint16(d[4:6])
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.typed == nil {
		in.typed = map[uint16]int{}
	}
	in.typed[typ]++
	for _, f := range in.faults {
		if f.Op == Receive && f.Type == typ && f.K == in.typed[typ] && f.Kind.Errno() == 0 {
			in.fired = append(in.fired, f)
			return f.Kind, true
		}
	}
	return 0, false
}

// transport is one wrapped transport.
type transport struct {
	socket.Transport
	in *Injector
	// pending is the real datagram held back behind a WrongSeq copy.
	pending      []byte
	pendingGroup uint32
}

func (t *transport) Send(b []byte) error {
	if k, ok := t.in.next(Send); ok && k.Errno() != 0 {
		return fmt.Errorf("sendmsg: %w", k.Errno())
	}
	return t.Transport.Send(b)
}

func (t *transport) Receive(b []byte) ([]byte, uint32, error) {
	if t.pending != nil {
		d, g := t.pending, t.pendingGroup
		t.pending = nil
		return d, g, nil
	}
	k, fault := t.in.next(Receive)
	if fault && k.Errno() != 0 {
		return nil, 0, fmt.Errorf("recvmsg: %w", k.Errno())
	}
	d, g, err := t.Transport.Receive(b)
	if err == nil && !fault {
		k, fault = t.in.nextTyped(d)
	}
	if err != nil || !fault {
		return d, g, err
	}
	switch k {
	case Truncate:
		return truncate(d), g, nil
	case WrongSeq:
		t.pending = append([]byte(nil), d...)
		t.pendingGroup = g
		return rewrite(d, func(h []byte) {
			binary.NativeEndian.PutUint32(h[8:12], binary.NativeEndian.Uint32(h[8:12])+0x10000)
		}), g, nil
	case DumpIntr:
		return rewrite(d, func(h []byte) {
			binary.NativeEndian.PutUint16(h[6:8], binary.NativeEndian.Uint16(h[6:8])|codec.DumpIntr)
		}), g, nil
	}
	return d, g, nil
}

func (t *transport) TryReceive(b []byte) ([]byte, uint32, bool, error) {
	if t.pending != nil {
		d, g := t.pending, t.pendingGroup
		t.pending = nil
		return d, g, true, nil
	}
	return t.Transport.TryReceive(b)
}

func (t *transport) SetReadDeadline(d time.Time) error { return t.Transport.SetReadDeadline(d) }

// BufferSizes passes the wrapped transport's sizes through (Batch sizes
// its chunks with them).
func (t *transport) BufferSizes() (int, int) {
	if bs, ok := t.Transport.(socket.BufferSizer); ok {
		return bs.BufferSizes()
	}
	return 0, 0
}

// CapAck passes the wrapped transport's NETLINK_CAP_ACK state through.
func (t *transport) CapAck() bool {
	if ca, ok := t.Transport.(socket.CapAcker); ok {
		return ca.CapAck()
	}
	return false
}

// truncate cuts d inside its last message, keeping that message's header
// (which still claims its full length).
func truncate(d []byte) []byte {
	last := 0
	for off := 0; off+codec.HeaderLen <= len(d); {
		n := int(binary.NativeEndian.Uint32(d[off:]))
		if n < codec.HeaderLen {
			break
		}
		last = off
		off += (n + 3) &^ 3
	}
	cut := last + codec.HeaderLen/2
	if n := int(binary.NativeEndian.Uint32(d[last:])); n > codec.HeaderLen {
		cut = last + codec.HeaderLen + (n-codec.HeaderLen)/2
	}
	if cut >= len(d) {
		cut = len(d) - 1
	}
	return d[:cut]
}

// rewrite applies fn to the header of every message in a copy of d.
func rewrite(d []byte, fn func(h []byte)) []byte {
	c := append([]byte(nil), d...)
	for off := 0; off+codec.HeaderLen <= len(c); {
		n := int(binary.NativeEndian.Uint32(c[off:]))
		if n < codec.HeaderLen {
			break
		}
		fn(c[off : off+codec.HeaderLen])
		off += (n + 3) &^ 3
	}
	return c
}
