package socket

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/netns"
)

// Defaults for zero Config fields.
const (
	// DefaultReceiveBuffer is the SO_RCVBUF asked for (the kernel doubles
	// it for its bookkeeping); as root SO_RCVBUFFORCE lifts the
	// net.core.rmem_max cap.
	DefaultReceiveBuffer = 4 << 20
	// DefaultDumpRetries is how many times a dump marked NLM_F_DUMP_INTR
	// is started again before ErrDumpInterrupted is reported.
	DefaultDumpRetries = 3
	// DefaultBatchSize is the most requests Batch puts in one sendmsg.
	// The kernel answers each with an ack of its own, queued until read:
	// read back after 256 requests they are still in the cache, and
	// 10,000 routes cost about 2 ms less than at 1024 a sendmsg (the
	// raw floor of bench/floor sends 256 too).
	DefaultBatchSize = 256
)

// Config tunes a Conn. The zero value (or a nil *Config) is a socket in
// the caller's namespace with the defaults above.
type Config struct {
	// NetNS is the network namespace the socket is created in; the zero
	// target is the caller's own. The socket stays bound to it.
	NetNS netns.Target
	// Thread, if set, is the kept thread that enters NetNS to make the
	// socket; nil makes a thread for it and discards it (netns.Target.Do),
	// about 100 µs more a socket.
	Thread *netns.Thread
	// ReceiveBuffer is SO_RCVBUF in bytes; 0 means DefaultReceiveBuffer,
	// a negative value leaves the kernel's default.
	ReceiveBuffer int
	// SendBuffer is SO_SNDBUF in bytes; 0 leaves the kernel's default.
	SendBuffer int
	// Protocol names message types for errors (Op) and is optional.
	Protocol TypeNamer
	// AttrPath, if set, names the attribute at an extack offset, such as
	// "IFLA_LINKINFO.IFLA_INFO_KIND". req is the failed request in wire
	// format, header included, as the kernel counts the offset.
	AttrPath func(req []byte, offset uint32) string
	// DumpRetries bounds restarts of an interrupted dump; 0 means
	// DefaultDumpRetries, a negative value means none.
	DumpRetries int
	// BatchSize bounds the requests per sendmsg in Batch; 0 means
	// DefaultBatchSize. Chunks are smaller when the buffers require it.
	BatchSize int
	// Trace, if set, sees every message sent, received, skipped, or kept
	// back by DryRun. A nil Trace costs nothing.
	Trace TraceFunc
	// DryRun, if set, is asked about every request before it is sent; when
	// it returns true the message is traced as DryRun, not sent, and
	// answered as if the kernel had acknowledged it with success and no
	// data (Execute returns no messages, a Dump is empty, a Batch entry's
	// error is nil). Callers typically return true for state-changing
	// messages and false for GET requests and dumps.
	DryRun func(m codec.Message) bool
	// WrapTransport, if set, is given the kernel transport Dial made and
	// returns the one the Conn uses. It is for tests (fault injection,
	// see core/socket/faultinject) and recorders; a wrapper should pass
	// BufferSizer and CapAcker through when the wrapped transport has
	// them, and may pass MultiReceiver (without it Batch reads one
	// acknowledgement per Receive). NewConn ignores it.
	WrapTransport func(Transport) Transport
}

// Conn is a netlink connection to one kernel family. See the package
// documentation for its concurrency rules.
type Conn struct {
	t    Transport
	port uint32
	seq  atomic.Uint32

	protocol    TypeNamer
	attrPath    func(req []byte, offset uint32) string
	dumpRetries int
	batchSize   int
	trace       TraceFunc
	dryRun      func(m codec.Message) bool

	mu      exchangeLock // held for a whole exchange
	rbuf    []byte       // receive buffer, guarded by mu; see recvBuf
	sbuf    []byte       // send buffer, guarded by mu
	ackBuf  []byte       // Batch's buffers for ReceiveMany, guarded by mu
	ackDs   []Datagram   // (see recvAcks)
	chunk   batchChunk   // Batch's per-chunk bookkeeping, guarded by mu
	closed  atomic.Bool
	closeMu sync.Once
	cerr    error
}

// ErrClosed is returned by operations on a closed Conn. It is os.ErrClosed.
var ErrClosed = os.ErrClosed

// NewConn returns a Conn over t. Dial uses it with the kernel transport;
// core/nltest uses it with a fake one. cfg.NetNS and the buffer sizes are
// the transport's business and are ignored here.
func NewConn(t Transport, cfg *Config) *Conn {
	if cfg == nil {
		cfg = &Config{}
	}
	c := &Conn{
		mu:          newExchangeLock(),
		t:           t,
		port:        t.PortID(),
		protocol:    cfg.Protocol,
		attrPath:    cfg.AttrPath,
		dumpRetries: cfg.DumpRetries,
		batchSize:   cfg.BatchSize,
		trace:       cfg.Trace,
		dryRun:      cfg.DryRun,
	}
	if c.dumpRetries == 0 {
		c.dumpRetries = DefaultDumpRetries
	} else if c.dumpRetries < 0 {
		c.dumpRetries = 0
	}
	if c.batchSize <= 0 {
		c.batchSize = DefaultBatchSize
	}
	return c
}

// PortID returns the port id the kernel assigned to the socket.
func (c *Conn) PortID() uint32 { return c.port }

// Close closes the socket. A receive blocked in another goroutine returns
// an error wrapping ErrClosed. Close is safe to call more than once.
func (c *Conn) Close() error {
	c.closeMu.Do(func() {
		c.closed.Store(true)
		c.cerr = c.t.Close()
	})
	return c.cerr
}

// JoinGroup subscribes to multicast group g (NETLINK_ADD_MEMBERSHIP).
// A Conn that has joined groups is best used only for Receive: events are
// skipped while it waits for replies.
func (c *Conn) JoinGroup(g uint32) error {
	if c.closed.Load() {
		return fmt.Errorf("netlink join group %d: %w", g, ErrClosed)
	}
	if err := c.t.JoinGroup(g); err != nil {
		return fmt.Errorf("netlink join group %d: %w", g, err)
	}
	return nil
}

// LeaveGroup unsubscribes from multicast group g.
func (c *Conn) LeaveGroup(g uint32) error {
	if c.closed.Load() {
		return fmt.Errorf("netlink leave group %d: %w", g, ErrClosed)
	}
	if err := c.t.LeaveGroup(g); err != nil {
		return fmt.Errorf("netlink leave group %d: %w", g, err)
	}
	return nil
}

// Execute sends m as a request (NLM_F_REQUEST|NLM_F_ACK are set, the
// sequence number and port id are filled in) and returns the replies that
// came before the acknowledgement, copied so they outlive the call.
// A kernel error is returned as a *codec.Error. A request carrying
// NLM_F_DUMP is run as DumpAll.
func (c *Conn) Execute(ctx context.Context, m codec.Message) ([]codec.Message, error) {
	if m.Header.Flags&codec.Dump == codec.Dump {
		return c.DumpAll(ctx, m)
	}
	if err := c.mu.acquire(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", c.opName(m.Header.Type), err)
	}
	defer c.mu.release()
	return c.execute(ctx, m, true)
}

// Request sends m and waits for its acknowledgement, discarding any
// replies. It is Execute for requests that change state.
func (c *Conn) Request(ctx context.Context, m codec.Message) error {
	if err := c.mu.acquire(ctx); err != nil {
		return fmt.Errorf("%s: %w", c.opName(m.Header.Type), err)
	}
	defer c.mu.release()
	_, err := c.execute(ctx, m, false)
	return err
}

func (c *Conn) execute(ctx context.Context, m codec.Message, keep bool) ([]codec.Message, error) {
	m.Header.Flags |= codec.Request | codec.Acknowledge
	m.Header.Seq = c.seq.Add(1)
	m.Header.PID = 0
	if c.dryRun != nil && c.dryRun(m) {
		c.traceMsg(DryRun, m)
		return nil, nil
	}
	unwatch, err := c.watch(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.opName(m.Header.Type), err)
	}
	defer unwatch()
	c.sbuf = m.Append(c.sbuf[:0])
	if err := c.send(c.sbuf); err != nil {
		return nil, fmt.Errorf("%s: %w", c.opName(m.Header.Type), err)
	}
	var (
		replies []codec.Message
		owned   []byte // copy of the current datagram, made once if needed
	)
	for {
		b, group, err := c.recv(ctx)
		if err != nil {
			return replies, fmt.Errorf("%s: %w", c.opName(m.Header.Type), err)
		}
		owned = nil
		it := codec.NewMessageIter(b)
		for it.Next() {
			r := it.Message()
			if group != 0 || r.Header.Seq != m.Header.Seq || r.Header.PID != c.port {
				c.traceMsg(Skipped, r)
				continue
			}
			c.traceMsg(Received, r)
			switch r.Header.Type {
			case codec.TypeNoop, codec.TypeDone:
				// A multi-part reply ended; the ack follows.
				continue
			case codec.TypeOverrun:
				return replies, fmt.Errorf("%s: kernel reported NLMSG_OVERRUN: %w", c.opName(m.Header.Type), ErrEventsLost)
			case codec.TypeError:
				if plainSuccess(r) {
					return replies, nil
				}
				ack, err := codec.ParseAck(r.Header, r.Data)
				if err != nil {
					return replies, fmt.Errorf("%s: %w", c.opName(m.Header.Type), err)
				}
				if ack.Err != nil {
					return replies, c.kernelError(ack.Err, c.opName(m.Header.Type), c.sbuf)
				}
				return replies, nil
			}
			if keep {
				if owned == nil {
					owned = append([]byte(nil), b...)
				}
				replies = append(replies, codec.Message{Header: r.Header, Data: alias(owned, b, r.Data)})
			}
		}
		if err := it.Err(); err != nil {
			return replies, fmt.Errorf("%s: reply: %w", c.opName(m.Header.Type), err)
		}
	}
}

// alias returns the part of owned (a copy of b) that sub is of b.
func alias(owned, b, sub []byte) []byte {
	off := cap(b) - cap(sub)
	return owned[off : off+len(sub) : off+len(sub)]
}

// Receive waits for the next datagram (typically multicast events after
// JoinGroup) and returns its messages, copied. When the kernel dropped
// messages because the receive buffer was full, Receive returns an error
// matching ErrEventsLost (and unix.ENOBUFS); the Conn stays usable and the
// caller should resynchronise, for example with a dump.
func (c *Conn) Receive(ctx context.Context) ([]codec.Message, error) {
	if err := c.mu.acquire(ctx); err != nil {
		return nil, fmt.Errorf("netlink receive: %w", err)
	}
	defer c.mu.release()
	unwatch, err := c.watch(ctx)
	if err != nil {
		return nil, fmt.Errorf("netlink receive: %w", err)
	}
	defer unwatch()
	b, _, err := c.recv(ctx)
	if err != nil {
		return nil, fmt.Errorf("netlink receive: %w", err)
	}
	owned := append([]byte(nil), b...)
	var ms []codec.Message
	it := codec.NewMessageIter(owned)
	for it.Next() {
		m := it.Message()
		c.traceMsg(Received, m)
		ms = append(ms, m)
	}
	if err := it.Err(); err != nil {
		return ms, fmt.Errorf("netlink receive: %w", err)
	}
	return ms, nil
}

// Discard drops every datagram already queued on the socket, without
// waiting, and returns how many it dropped. A receive error other than
// ErrEventsLost ends it.
//
// After ErrEventsLost a monitor should call Discard and then resynchronise
// (dump the state it tracks, on this Conn or another): the kernel reports
// only the first loss until the socket's queue has been emptied, so events
// dropped meanwhile would otherwise go unnoticed, and the queued events
// are older than the dump anyway.
func (c *Conn) Discard() (int, error) {
	c.mu.acquire(context.Background())
	defer c.mu.release()
	if c.closed.Load() {
		return 0, fmt.Errorf("netlink discard: %w", ErrClosed)
	}
	n := 0
	for {
		b, _, ok, err := c.t.TryReceive(c.recvBuf())
		switch {
		case err != nil && errors.Is(err, errNoBufs):
			continue
		case err != nil:
			return n, fmt.Errorf("netlink discard: %w", err)
		case !ok:
			return n, nil
		}
		if cap(b) > cap(c.rbuf) {
			c.rbuf = b[:cap(b)]
		}
		if c.trace != nil {
			it := codec.NewMessageIter(b)
			for it.Next() {
				c.trace(Skipped, it.Message())
			}
		}
		n++
	}
}

// aLongTimeAgo is a read deadline that has passed.
var aLongTimeAgo = time.Unix(1, 0)

// watch applies ctx to the transport's read deadline for one exchange and
// returns the function that undoes it. Callers hold c.mu.
func (c *Conn) watch(ctx context.Context) (func(), error) {
	if c.closed.Load() {
		return nil, ErrClosed
	}
	if ctx.Done() == nil {
		return func() {}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		if err := c.t.SetReadDeadline(dl); err != nil {
			return nil, err
		}
	}
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(done)
		c.t.SetReadDeadline(aLongTimeAgo)
	})
	return func() {
		if !stop() {
			// The cancellation ran or is running: wait for it, so its
			// past deadline cannot land on the next exchange.
			<-done
		}
		c.t.SetReadDeadline(time.Time{})
	}, nil
}

// Receive buffer sizes. The kernel sizes the datagrams of a dump from the
// largest buffer its reader has offered (netlink_recvmsg keeps the
// largest length seen, up to about 32 KiB, for netlink_dump), so a dump
// is read with dumpRecvBuf: fewer, fuller datagrams. Other replies (acks,
// a single object) fit in smallRecvBuf, which a connection that never
// dumps is spared the allocation of the large one for (a 36 KiB buffer
// cost about 20 us a connection, one opened per namespace a script
// touches). A datagram larger than the buffer is never cut: the
// transport peeks at its size and grows the buffer (see kernel.read).
const (
	smallRecvBuf = 8 << 10
	dumpRecvBuf  = 32<<10 + 4096
)

// recvBuf is the buffer for the next receive: the one kept, else a small
// one. Callers hold c.mu.
func (c *Conn) recvBuf() []byte {
	if c.rbuf == nil {
		c.rbuf = make([]byte, smallRecvBuf)
	}
	return c.rbuf
}

// recv reads one datagram into the Conn's buffer. A multipart datagram
// (a dump's) makes the buffer dumpRecvBuf from the next receive on, so
// that the kernel fills the rest of the dump in large datagrams. Callers
// hold c.mu.
func (c *Conn) recv(ctx context.Context) ([]byte, uint32, error) {
	b, group, err := c.t.Receive(c.recvBuf())
	if err != nil {
		return nil, 0, c.recvErr(ctx, err)
	}
	if cap(b) > cap(c.rbuf) {
		c.rbuf = b[:cap(b)]
	} else if h, err := codec.ParseHeader(b); err == nil && cap(c.rbuf) < dumpRecvBuf && h.Flags&codec.Multi != 0 {
		// b stays valid: it is the old buffer's.
		c.rbuf = make([]byte, dumpRecvBuf)
	}
	return b, group, nil
}

// recvErr is the error of a failed receive, saying why.
func (c *Conn) recvErr(ctx context.Context, err error) error {
	switch {
	case c.closed.Load():
		return fmt.Errorf("receive: %w", ErrClosed)
	case errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil:
		return fmt.Errorf("receive: %w", ctx.Err())
	case errors.Is(err, os.ErrDeadlineExceeded) && ctxExpired(ctx):
		// The poller saw the deadline before the context's timer did.
		return fmt.Errorf("receive: %w", context.DeadlineExceeded)
	case errors.Is(err, errNoBufs):
		return fmt.Errorf("receive: %w", ErrEventsLost)
	}
	return fmt.Errorf("receive: %w", err)
}

func ctxExpired(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}

// send writes one datagram, tracing each message in it first.
func (c *Conn) send(b []byte) error {
	if c.closed.Load() {
		return fmt.Errorf("send: %w", ErrClosed)
	}
	if c.trace != nil {
		it := codec.NewMessageIter(b)
		for it.Next() {
			c.trace(Sent, it.Message())
		}
	}
	if err := c.t.Send(b); err != nil {
		if c.closed.Load() {
			return fmt.Errorf("send: %w", ErrClosed)
		}
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

func (c *Conn) traceMsg(d Direction, m codec.Message) {
	if c.trace != nil {
		c.trace(d, m)
	}
}

// opName names a message type for errors.
func (c *Conn) opName(typ uint16) string {
	if c.protocol != nil {
		if n := c.protocol.TypeName(typ); n != "" {
			return n
		}
	}
	return "netlink message type " + itoa(int(typ))
}

// kernelError completes an error the kernel returned for req.
func (c *Conn) kernelError(e *codec.Error, op string, req []byte) error {
	e.Op = op
	if e.HasOffset && c.attrPath != nil && e.AttrPath == "" && int(e.Offset) < len(req) {
		e.AttrPath = c.attrPath(req, e.Offset)
	}
	return e
}

// plainSuccess reports whether an NLMSG_ERROR is a success ack with no
// extack warning, which needs no decoding (and no allocation).
func plainSuccess(m codec.Message) bool {
	return m.Header.Flags&codec.AckTLVs == 0 && len(m.Data) >= 4+codec.HeaderLen &&
		m.Data[0]|m.Data[1]|m.Data[2]|m.Data[3] == 0
}

func itoa(n int) string { return strconv.Itoa(n) }
