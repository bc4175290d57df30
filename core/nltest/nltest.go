// Package nltest fakes a netlink kernel so code written against
// *socket.Conn can be unit-tested with golden bytes and no kernel, on any
// OS:
//
//	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
//		// check req[0] against golden bytes, then answer it
//		return []codec.Message{nltest.Reply(req[0], unix.RTM_NEWLINK, golden)}, nil
//	}, nil)
//	defer c.Close()
//
// The fake delivers what the function returns as one datagram. It
// completes the conversation the way the kernel would: a reply whose Seq
// and PID are both zero gets the first request's sequence number and the
// fake port id, replies to a dump get NLM_F_MULTI, a dump without an
// NLMSG_DONE gets one, and a request with NLM_F_ACK without an answer gets
// a success ack. A returned syscall.Errno or *codec.Error becomes an error
// ack (with its extack message and offset) for every request not
// answered otherwise; any other error fails the send.
//
// DialRaw is the byte-level form for tests of the socket layer itself:
// its function returns whole datagrams, delivered exactly as given.
package nltest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
)

// PortID is the port id of every fake connection.
const PortID uint32 = 0x6e6c7368

// Func answers the requests of one sendmsg (one request, or a batch).
type Func func(req []codec.Message) ([]codec.Message, error)

// RawFunc answers one sent datagram with datagrams to deliver.
type RawFunc func(req []byte) ([][]byte, error)

// Dial returns a Conn whose kernel is fn.
func Dial(fn Func, cfg *socket.Config) *socket.Conn {
	return socket.NewConn(NewTransport(Raw(fn)), cfg)
}

// DialRaw returns a Conn whose kernel answers datagrams with fn.
func DialRaw(fn RawFunc, cfg *socket.Config) *socket.Conn {
	return socket.NewConn(NewTransport(fn), cfg)
}

// Raw turns a message-level Func into a RawFunc, completing replies as
// described in the package documentation.
func Raw(fn Func) RawFunc {
	return func(b []byte) ([][]byte, error) {
		reqs, err := codec.ParseMessages(append([]byte(nil), b...))
		if err != nil {
			return nil, fmt.Errorf("nltest: request: %w", err)
		}
		replies, ferr := fn(reqs)
		var answerErr error
		if ferr != nil {
			var errno syscall.Errno
			var ke *codec.Error
			if !errors.As(ferr, &errno) && !errors.As(ferr, &ke) {
				return nil, ferr
			}
			answerErr = ferr
		}
		if len(reqs) > 0 {
			for i := range replies {
				if replies[i].Header.Seq == 0 && replies[i].Header.PID == 0 {
					replies[i].Header.Seq = reqs[0].Header.Seq
					replies[i].Header.PID = PortID
				}
			}
		}
		var out []byte
		for _, r := range reqs {
			answered, done := false, false
			dump := r.Header.Flags&codec.Dump == codec.Dump
			for _, m := range replies {
				if m.Header.Seq != r.Header.Seq {
					continue
				}
				switch m.Header.Type {
				case codec.TypeError:
					answered = true
				case codec.TypeDone:
					done = true
				}
			}
			for _, m := range replies {
				if m.Header.Seq == r.Header.Seq && dump && m.Header.Type >= codec.MinType {
					m.Header.Flags |= codec.Multi
				}
				if m.Header.Seq == r.Header.Seq {
					out = m.Append(out)
				}
			}
			switch {
			case answerErr != nil && !answered:
				out = Ack(r, answerErr).Append(out)
			case dump && !done && !answered:
				out = Done(r, nil).Append(out)
			case !dump && !answered && r.Header.Flags&codec.Acknowledge != 0:
				out = Ack(r, nil).Append(out)
			}
		}
		// Replies addressed to no request (stale ones a test injects) go last.
		for _, m := range replies {
			found := false
			for _, r := range reqs {
				found = found || m.Header.Seq == r.Header.Seq
			}
			if !found {
				out = m.Append(out)
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return [][]byte{out}, nil
	}
}

// Reply makes a reply of type typ to req carrying data.
func Reply(req codec.Message, typ uint16, data []byte) codec.Message {
	var flags uint16
	if req.Header.Flags&codec.Dump == codec.Dump {
		flags = codec.Multi
	}
	return codec.Message{
		Header: codec.Header{Type: typ, Flags: flags, Seq: req.Header.Seq, PID: PortID},
		Data:   data,
	}
}

// Ack makes the NLMSG_ERROR answering req, the way a kernel with
// NETLINK_CAP_ACK and NETLINK_EXT_ACK writes it: err nil is success; a
// syscall.Errno is that error; a *codec.Error adds its Msg and, when
// HasOffset, its Offset as extack attributes.
func Ack(req codec.Message, err error) codec.Message {
	var (
		errno syscall.Errno
		ke    *codec.Error
	)
	if err != nil && !errors.As(err, &ke) && !errors.As(err, &errno) {
		errno = syscall.EINVAL
	}
	if ke != nil {
		errno = ke.Errno
	}
	h := req.Header
	h.Len = uint32(codec.HeaderLen + len(req.Data))
	data := binary.LittleEndian.AppendUint32(nil, uint32(-int32(errno)))
	data = codec.AppendHeader(data, h)
	flags := codec.Capped
	if ke != nil && (ke.Msg != "" || ke.HasOffset) {
		flags |= codec.AckTLVs
		e := codec.NewEncoder(data)
		if ke.Msg != "" {
			e.String(1, ke.Msg) // NLMSGERR_ATTR_MSG
		}
		if ke.HasOffset {
			e.Uint32(2, ke.Offset) // NLMSGERR_ATTR_OFFS
		}
		data, _ = e.Encode()
	}
	return codec.Message{
		Header: codec.Header{Type: codec.TypeError, Flags: flags, Seq: req.Header.Seq, PID: PortID},
		Data:   data,
	}
}

// Done makes the NLMSG_DONE ending a dump of req; a non-nil err (a
// syscall.Errno or *codec.Error) makes it carry that error.
func Done(req codec.Message, err error) codec.Message {
	var (
		errno syscall.Errno
		ke    *codec.Error
	)
	if errors.As(err, &ke) {
		errno = ke.Errno
	} else if err != nil && !errors.As(err, &errno) {
		errno = syscall.EINVAL
	}
	data := binary.LittleEndian.AppendUint32(nil, uint32(-int32(errno)))
	flags := codec.Multi
	if ke != nil && ke.Msg != "" {
		flags |= codec.AckTLVs
		e := codec.NewEncoder(data)
		e.String(1, ke.Msg)
		data, _ = e.Encode()
	}
	return codec.Message{
		Header: codec.Header{Type: codec.TypeDone, Flags: flags, Seq: req.Header.Seq, PID: PortID},
		Data:   data,
	}
}

// Transport is the fake kernel behind a Conn. Receive blocks until a
// datagram is queued, the read deadline passes, or the transport is
// closed, as a socket would.
type Transport struct {
	fn RawFunc

	mu       sync.Mutex
	queue    []datagram
	deadline time.Time
	closed   bool
	groups   map[uint32]bool
	notify   chan struct{}
}

type datagram struct {
	b     []byte
	group uint32
	err   error
}

// NewTransport returns a fake kernel answering with fn, for
// socket.NewConn.
func NewTransport(fn RawFunc) *Transport {
	return &Transport{fn: fn, groups: map[uint32]bool{}, notify: make(chan struct{}, 1)}
}

func (t *Transport) wake() {
	select {
	case t.notify <- struct{}{}:
	default:
	}
}

// Inject queues a datagram as if the kernel sent it to multicast group
// (0 for unicast), for tests of monitors. It is dropped unless the group
// was joined or is 0.
func (t *Transport) Inject(group uint32, b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if group != 0 && !t.groups[group] {
		return
	}
	t.queue = append(t.queue, datagram{b: append([]byte(nil), b...), group: group})
	t.wake()
}

// InjectError makes the next Receive fail with err, as a socket reports
// ENOBUFS after an overrun.
func (t *Transport) InjectError(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.queue = append(t.queue, datagram{err: err})
	t.wake()
}

// Send implements socket.Transport.
func (t *Transport) Send(b []byte) error {
	t.mu.Lock()
	closed := t.closed
	t.mu.Unlock()
	if closed {
		return os.ErrClosed
	}
	out, err := t.fn(b)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, d := range out {
		t.queue = append(t.queue, datagram{b: d})
	}
	t.wake()
	return nil
}

// TryReceive implements socket.Transport.
func (t *Transport) TryReceive(b []byte) ([]byte, uint32, bool, error) {
	t.mu.Lock()
	empty := len(t.queue) == 0 && !t.closed
	t.mu.Unlock()
	if empty {
		return nil, 0, false, nil
	}
	d, g, err := t.Receive(b)
	return d, g, err == nil, err
}

// Receive implements socket.Transport.
func (t *Transport) Receive(b []byte) ([]byte, uint32, error) {
	for {
		t.mu.Lock()
		switch {
		case t.closed:
			t.mu.Unlock()
			return nil, 0, os.ErrClosed
		case len(t.queue) > 0:
			d := t.queue[0]
			t.queue = t.queue[1:]
			t.mu.Unlock()
			if d.err != nil {
				return nil, 0, d.err
			}
			if len(d.b) > len(b) {
				b = make([]byte, len(d.b))
			}
			return b[:copy(b, d.b)], d.group, nil
		}
		var tm *time.Timer
		var timer <-chan time.Time
		if !t.deadline.IsZero() {
			wait := time.Until(t.deadline)
			if wait <= 0 {
				t.mu.Unlock()
				return nil, 0, os.ErrDeadlineExceeded
			}
			tm = time.NewTimer(wait)
			timer = tm.C
		}
		t.mu.Unlock()
		select {
		case <-t.notify:
		case <-timer:
		}
		if tm != nil {
			tm.Stop()
		}
	}
}

// SetReadDeadline implements socket.Transport.
func (t *Transport) SetReadDeadline(d time.Time) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deadline = d
	t.wake()
	return nil
}

// PortID implements socket.Transport.
func (t *Transport) PortID() uint32 { return PortID }

// JoinGroup implements socket.Transport.
func (t *Transport) JoinGroup(g uint32) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.groups[g] = true
	return nil
}

// LeaveGroup implements socket.Transport.
func (t *Transport) LeaveGroup(g uint32) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.groups, g)
	return nil
}

// Close implements socket.Transport.
func (t *Transport) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	t.wake()
	return nil
}
