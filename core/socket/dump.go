package socket

import (
	"context"
	"encoding/binary"
	"fmt"
	"syscall"
	"time"

	"github.com/nlsh/nlsh/core/codec"
)

// drainTimeout bounds how long closing an unfinished dump reads the rest
// of it, so that the socket can start another dump (the kernel refuses a
// second dump with EBUSY while one is running).
const drainTimeout = 2 * time.Second

// Dump is a dump in progress, read one datagram at a time into the Conn's
// reused buffer, so memory does not grow with the size of the dump.
//
//	d := c.Dump(ctx, req)
//	defer d.Close()
//	for d.Next() {
//		if d.Restarted() {
//			// the dump was inconsistent and started over: forget what
//			// was seen so far
//		}
//		m := d.Message() // valid until the next call to Next
//	}
//	if d.Restarted() { /* started over and came back empty */ }
//	if err := d.Err(); err != nil { ... }
//
// Consistency: when a message or the final NLMSG_DONE carries
// NLM_F_DUMP_INTR, the kernel's table changed during the dump. The Dump
// then stops yielding messages, reads the rest of that attempt, and sends
// the request again (up to Config.DumpRetries times); Restarted reports
// true after the Next call during which this happened, telling a streaming
// consumer to discard what it has. This keeps the stream's memory bounded;
// DumpAll does the discarding for callers that want a slice. When the
// retries are used up, Err returns an error matching ErrDumpInterrupted.
//
// The Conn is held (no other exchange runs) until Next returns false or
// Close is called; always call Close, which is a no-op after the end.
type Dump struct {
	c     *Conn
	ctx   context.Context
	req   codec.Message
	seq   uint32
	it    codec.MessageIter
	cur   *codec.Message // in it; nil: none
	err   error
	intr  bool // the current attempt is inconsistent
	again bool // restarted during the last Next
	tries int
	held  bool
	fin   bool // the kernel ended the current attempt
	stop  func()
}

// Dump sends m as a dump request (NLM_F_REQUEST|NLM_F_DUMP are set) and
// returns the stream of its replies.
func (c *Conn) Dump(ctx context.Context, m codec.Message) *Dump {
	d := &Dump{c: c, ctx: ctx}
	m.Header.Flags |= codec.Request | codec.Dump
	m.Header.PID = 0
	d.req = m
	if err := c.mu.acquire(ctx); err != nil {
		d.err = fmt.Errorf("%s: %w", c.opName(m.Header.Type), err)
		return d
	}
	d.held = true
	if c.dryRun != nil && c.dryRun(m) {
		m.Header.Seq = c.seq.Add(1)
		c.traceMsg(DryRun, m)
		d.fin = true
		d.release()
		return d
	}
	stop, err := c.watch(ctx)
	if err != nil {
		d.fin = true
		d.fail(err)
		return d
	}
	d.stop = stop
	if err := d.start(); err != nil {
		d.fail(err)
	}
	return d
}

// start sends the request with a fresh sequence number.
func (d *Dump) start() error {
	c := d.c
	d.seq = c.seq.Add(1)
	d.req.Header.Seq = d.seq
	d.it = codec.NewMessageIter(nil)
	c.sbuf = d.req.Append(c.sbuf[:0])
	if err := c.send(c.sbuf); err != nil {
		d.fin = true // nothing outstanding to drain
		return err
	}
	d.intr, d.fin = false, false
	return nil
}

// Next advances to the next message of the dump and reports whether
// there is one.
func (d *Dump) Next() bool {
	d.again = false
	for d.held {
		for d.it.Next() {
			m := d.it.Current() // not copied: read where the iterator holds it
			if m.Header.Seq != d.seq || m.Header.PID != d.c.port {
				d.c.traceMsg(Skipped, *m)
				continue
			}
			if d.c.trace != nil {
				d.c.traceMsg(Received, *m)
			}
			if m.Header.Flags&codec.DumpIntr != 0 {
				d.intr = true
			}
			switch m.Header.Type {
			case codec.TypeNoop:
				continue
			case codec.TypeDone:
				if err := d.c.doneError(*m, d.c.opName(d.req.Header.Type)); err != nil {
					d.fin = true
					d.fail(err)
					return false
				}
				if !d.end() {
					return false
				}
				continue
			case codec.TypeError:
				ack, err := codec.ParseAck(m.Header, m.Data)
				if err != nil {
					d.fail(err)
					return false
				}
				if ack.Err != nil {
					d.fin = true
					d.fail(d.c.kernelError(ack.Err, d.c.opName(d.req.Header.Type), nil))
					return false
				}
				// A success ack (the caller set NLM_F_ACK) ends the
				// exchange too.
				if !d.end() {
					return false
				}
				continue
			case codec.TypeOverrun:
				d.fail(fmt.Errorf("kernel reported NLMSG_OVERRUN: %w", ErrEventsLost))
				return false
			}
			if d.intr {
				continue // draining an inconsistent attempt
			}
			d.cur = m
			return true
		}
		if err := d.it.Err(); err != nil {
			d.fail(fmt.Errorf("reply: %w", err))
			return false
		}
		b, group, err := d.c.recv(d.ctx)
		if err != nil {
			d.fail(err)
			return false
		}
		if group != 0 {
			it := codec.NewMessageIter(b)
			for it.Next() {
				d.c.traceMsg(Skipped, it.Message())
			}
			continue
		}
		d.it = codec.NewMessageIter(b)
	}
	return false
}

// end handles the end of one attempt and reports whether the dump goes on
// (it was restarted).
func (d *Dump) end() bool {
	d.fin = true
	if !d.intr {
		d.release()
		return false
	}
	if d.tries >= d.c.dumpRetries {
		d.fail(ErrDumpInterrupted)
		return false
	}
	d.tries++
	if err := d.start(); err != nil {
		d.fail(err)
		return false
	}
	d.again = true
	return true
}

// doneError decodes the error an NLMSG_DONE may carry (an int, then
// extack attributes when NLM_F_ACK_TLVS is set).
func (c *Conn) doneError(m codec.Message, op string) error {
	if len(m.Data) < 4 {
		return nil
	}
	code := int32(binary.LittleEndian.Uint32(m.Data))
	if code >= 0 {
		return nil
	}
	e := &codec.Error{Errno: syscall.Errno(-code), Request: m.Header}
	if m.Header.Flags&codec.AckTLVs != 0 {
		ad := codec.NewDecoder(m.Data[4:])
		for ad.Next() {
			if ad.Type() == 1 { // NLMSGERR_ATTR_MSG
				e.Msg = ad.String()
			}
		}
	}
	return c.kernelError(e, op, nil)
}

func (d *Dump) fail(err error) {
	if d.err == nil {
		if _, ok := err.(*codec.Error); !ok {
			err = fmt.Errorf("%s dump: %w", d.c.opName(d.req.Header.Type), err)
		}
		d.err = err
	}
	d.release()
}

// release lets go of the Conn, first reading the rest of an unfinished
// attempt so the socket can dump again.
func (d *Dump) release() {
	if !d.held {
		return
	}
	if !d.fin && !d.c.closed.Load() {
		d.drain()
	}
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
	d.held = false
	d.cur = nil
	d.c.mu.release()
}

// drain reads and drops the rest of the current attempt.
func (d *Dump) drain() {
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(d.ctx), drainTimeout)
	defer cancel()
	stop, err := d.c.watch(ctx)
	if err != nil {
		return
	}
	defer stop()
	for {
		for d.it.Next() {
			m := d.it.Message()
			d.c.traceMsg(Skipped, m)
			if m.Header.Seq == d.seq && m.Header.PID == d.c.port &&
				(m.Header.Type == codec.TypeDone || m.Header.Type == codec.TypeError) {
				return
			}
		}
		if d.it.Err() != nil {
			return
		}
		b, group, err := d.c.recv(ctx)
		if err != nil {
			return
		}
		if group != 0 {
			b = nil
		}
		d.it = codec.NewMessageIter(b)
	}
}

// Message returns the current message. Its Data aliases the Conn's buffer
// and is valid until the next call to Next or Close; copy what you keep.
func (d *Dump) Message() codec.Message {
	if d.cur == nil {
		return codec.Message{}
	}
	return *d.cur
}

// Restarted reports whether the dump was found inconsistent and started
// over during the last call to Next: the messages seen before are stale.
func (d *Dump) Restarted() bool { return d.again }

// Retries returns how many times the dump has been started over.
func (d *Dump) Retries() int { return d.tries }

// Err returns the error that ended the dump, if any. A kernel error is a
// *codec.Error; an inconsistent dump matches ErrDumpInterrupted.
func (d *Dump) Err() error { return d.err }

// Close ends the dump early if it is still running and releases the Conn.
// It returns Err.
func (d *Dump) Close() error {
	d.release()
	return d.err
}

// DumpAll runs a dump and returns all its messages, copied, from one
// consistent attempt.
func (c *Conn) DumpAll(ctx context.Context, m codec.Message) ([]codec.Message, error) {
	d := c.Dump(ctx, m)
	defer d.Close()
	var (
		out   []codec.Message
		arena []byte
	)
	for d.Next() {
		if d.Restarted() {
			out = out[:0]
		}
		r := d.Message()
		if len(r.Data) > cap(arena)-len(arena) {
			arena = make([]byte, 0, max(64<<10, len(r.Data)))
		}
		n := len(arena)
		arena = append(arena, r.Data...)
		out = append(out, codec.Message{Header: r.Header, Data: arena[n:len(arena):len(arena)]})
	}
	if d.Restarted() {
		out = out[:0]
	}
	return out, d.Err()
}
