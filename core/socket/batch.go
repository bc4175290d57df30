package socket

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// Per-acknowledgement receive buffer cost estimate: the kernel charges
// each ack's skb truesize (a few hundred bytes of bookkeeping plus the
// payload) against SO_RCVBUF, and an error may carry extack text.
const (
	ackCost        = 1024 + 512
	defaultRcvBuf  = 212992 * 2 // net.core.rmem_default, doubled
	defaultSndBuf  = 212992
	sendBufReserve = 32 + 1024 // netlink_sendmsg refuses len > sndbuf-32
)

// BatchOptions change how Batch sends.
type BatchOptions struct {
	// Atomic sends all messages in one sendmsg, never splitting them into
	// chunks, as an nfnetlink transaction (BATCH_BEGIN ... BATCH_END)
	// needs; Batch fails before sending if they cannot fit.
	Atomic bool
	// KeepFlags sends the messages' flags as given (NLM_F_REQUEST is
	// still set) instead of adding NLM_F_ACK to each. A message without
	// NLM_F_ACK is answered only if it fails. The last message must carry
	// NLM_F_ACK, so the end of the replies is known.
	KeepFlags bool
	// Transaction marks an nfnetlink transaction: the first message is
	// NFNL_MSG_BATCH_BEGIN and the last NFNL_MSG_BATCH_END. It implies
	// Atomic and KeepFlags, adds NLM_F_ACK to the message before
	// BATCH_END and clears it on BATCH_BEGIN and BATCH_END: kernels
	// before 6.10 never answer those two, even when asked, and the
	// answer to the message before BATCH_END comes after the commit's
	// outcome on every kernel. See txState for how the end of the
	// kernel's answers is recognised. A transaction of BATCH_BEGIN and
	// BATCH_END alone asks for no answer and waits for none.
	Transaction bool
	// AckLast asks only the last request of each chunk for an
	// acknowledgement: the others are answered only if they fail, as the
	// kernel answers every failure whatever the flags. The kernel handles
	// one sendmsg's requests in order and queues their answers in that
	// order, so the last one's answer comes after every earlier failure,
	// and a request it did not answer succeeded. The kernel then makes
	// and queues one ack per chunk instead of one per request, which is
	// much of its work for a small request such as a route. Ignored with
	// KeepFlags (and so with Transaction).
	AckLast bool
}

// ErrAborted is the entry of BatchWith's errs for every message of a
// refused transaction that did not fail itself (BATCH_END always):
// nothing of the batch was applied. The entries of the messages that
// failed hold the kernel's errors.
var ErrAborted = errors.New("netlink transaction aborted, nothing applied")

// Batch sends many requests with few system calls: the messages are
// concatenated, each with its own sequence number and NLM_F_ACK, up to a
// chunk per sendmsg sized so that all of the chunk's acknowledgements fit
// the receive buffer at once (at most Config.BatchSize requests). Acks are
// matched back to requests by sequence number.
//
// errs has one entry per message, in order: nil for success, the kernel's
// *codec.Error for a failure. A failed request does not stop the others
// (netlink families that are not transactional go on with the next
// message). err reports a failure of the exchange itself (a send or
// receive error, cancellation); entries whose outcome is then unknown hold
// that error too.
func (c *Conn) Batch(ctx context.Context, msgs []codec.Message) (errs []error, err error) {
	return c.BatchWith(ctx, msgs, BatchOptions{})
}

// BatchWith is Batch with options.
func (c *Conn) BatchWith(ctx context.Context, msgs []codec.Message, o BatchOptions) (errs []error, err error) {
	errs = make([]error, len(msgs))
	if len(msgs) == 0 {
		return errs, nil
	}
	if o.Transaction {
		o.Atomic, o.KeepFlags = true, true
		msgs = append([]codec.Message(nil), msgs...)
		last := len(msgs) - 1
		msgs[0].Header.Flags &^= codec.Acknowledge
		msgs[last].Header.Flags &^= codec.Acknowledge
		if last >= 2 {
			msgs[last-1].Header.Flags |= codec.Acknowledge
		}
	}
	if o.KeepFlags {
		o.AckLast = false // the caller's flags say who asks
	}
	if o.KeepFlags && !o.Transaction && msgs[len(msgs)-1].Header.Flags&codec.Acknowledge == 0 {
		return errs, fmt.Errorf("netlink batch: the last message must carry NLM_F_ACK")
	}
	if err := c.mu.acquire(ctx); err != nil {
		return fillErr(errs, 0, fmt.Errorf("netlink batch: %w", err))
	}
	defer c.mu.release()
	unwatch, err := c.watch(ctx)
	if err != nil {
		return fillErr(errs, 0, fmt.Errorf("netlink batch: %w", err))
	}
	defer unwatch()

	rcv, snd := defaultRcvBuf, defaultSndBuf
	if bs, ok := c.t.(BufferSizer); ok {
		rcv, snd = bs.BufferSizes()
	}
	capAck := false
	if ca, ok := c.t.(CapAcker); ok {
		capAck = ca.CapAck()
	}
	budget := rcv / 2 // leave room for anything else arriving meanwhile
	maxBytes := snd - sendBufReserve

	// Kept on the Conn: a bulk call runs Batch once per window of
	// requests, and fresh slices each time cost page faults.
	idx, offs, acks := c.chunk.idx, c.chunk.offs, c.chunk.acks
	defer func() { c.chunk = batchChunk{idx[:0], offs[:0], acks[:0]} }()
	for next := 0; next < len(msgs); {
		c.sbuf, idx, offs, acks = c.sbuf[:0], idx[:0], offs[:0], acks[:0]
		cost, maxReq := 0, 0
		// Sequence numbers are only allocated under c.mu, so the chunk
		// can take a run of them and publish the last one after.
		base := c.seq.Load() + 1
		for ; next < len(msgs); next++ {
			m := msgs[next]
			m.Header.Flags |= codec.Request
			if !o.KeepFlags && !o.AckLast {
				m.Header.Flags |= codec.Acknowledge
			}
			m.Header.PID = 0
			if c.dryRun != nil && c.dryRun(m) {
				m.Header.Seq = base + uint32(len(idx))
				c.traceMsg(DryRun, m)
				continue
			}
			mcost := ackCost
			if !capAck {
				mcost += codec.HeaderLen + len(m.Data)
			}
			size := codec.HeaderLen + codec.Align(len(m.Data))
			if !o.Atomic && len(idx) > 0 &&
				(len(idx) >= c.batchSize || cost+mcost > budget || len(c.sbuf)+size > maxBytes) {
				break
			}
			m.Header.Seq = base + uint32(len(idx))
			idx = append(idx, next)
			offs = append(offs, len(c.sbuf))
			if m.Header.Flags&codec.Acknowledge != 0 {
				acks = append(acks, 1)
			} else {
				acks = append(acks, 0)
			}
			c.sbuf = m.Append(c.sbuf)
			cost += mcost
			maxReq = max(maxReq, size)
		}
		if len(idx) == 0 {
			continue // everything left was a dry run
		}
		if o.AckLast {
			askAck(c.sbuf[offs[len(offs)-1]:])
			acks[len(acks)-1] = 1
		}
		if o.Atomic && (len(c.sbuf) > maxBytes || cost > budget) {
			return errs, fmt.Errorf("netlink batch: %d bytes and %d acks do not fit one sendmsg (buffers %d/%d bytes)", len(c.sbuf), len(idx), snd, rcv)
		}
		c.seq.Store(base + uint32(len(idx)) - 1)
		if err := c.send(c.sbuf); err != nil {
			return fillErr(errs, idx[0], fmt.Errorf("netlink batch: %w", err))
		}
		slot := ackSlot
		if !capAck {
			slot += maxReq
		}
		if err := c.collectAcks(ctx, base, idx, offs, acks, errs, o.Transaction, slot); err != nil {
			return errs, err
		}
	}
	return errs, nil
}

// askAck sets NLM_F_ACK in the header of the message b starts with.
func askAck(b []byte) {
	f := binary.NativeEndian.Uint16(b[6:8])
	binary.NativeEndian.PutUint16(b[6:8], f|codec.Acknowledge)
}

// batchChunk is the bookkeeping of the chunk Batch has in flight, by
// position in the chunk.
type batchChunk struct {
	idx  []int    // index in msgs
	offs []int    // offset of the request in c.sbuf
	acks []uint16 // 1 if an ack is expected
}

// collectAcks reads acknowledgements for one chunk until every request
// that asked for one has its answer, or, for a transaction, until
// txState says the kernel has nothing more to say; then the messages of
// the aborted transaction without an error of their own get ErrAborted.
// slot is the buffer size per datagram when reading many at once (see
// recvAcks).
func (c *Conn) collectAcks(ctx context.Context, base uint32, idx, offs []int, acks []uint16, errs []error, transaction bool, slot int) error {
	pending := 0
	for _, a := range acks {
		pending += int(a)
	}
	// open counts the requests not answered yet: any of them may fail,
	// so as many answers may be waiting (more than pending when some
	// asked for no ack).
	open := len(acks)
	// acks holds 0 (no ack asked), 1 (ack awaited) or 2 (answered).
	last := len(idx) - 1
	var tx txState
	if transaction {
		tx = newTxState(acks)
	}
	finished := func() bool { return pending == 0 || (transaction && tx.done()) }
	// answered records the answer to request pos (failed: an error).
	answered := func(pos int, failed bool) {
		if transaction {
			tx.answered(pos, acks[pos], failed)
		}
		if acks[pos] == 1 {
			pending--
		}
		if acks[pos] != 2 {
			open--
		}
		acks[pos] = 2 // also for an error to a request sent without NLM_F_ACK
	}
	fail := func(err error) error {
		for pos, a := range acks {
			if a != 2 && errs[idx[pos]] == nil {
				errs[idx[pos]] = err
			}
		}
		return err
	}
	for !finished() {
		ds, err := c.recvAcks(ctx, open, slot)
		if err != nil {
			return fail(fmt.Errorf("netlink batch: %w", err))
		}
		for _, d := range ds {
			if finished() {
				// Read along with the last answer; the next exchange
				// would have skipped it.
				c.traceAll(Skipped, d.Data)
				continue
			}
			if d.Size > len(d.Data) {
				// Cut short: only an answer of this chunk matters, and
				// none is this large (see ackSlot).
				h, herr := codec.ParseHeader(d.Data)
				if herr == nil && d.Group == 0 && h.PID == c.port && h.Seq-base <= uint32(last) {
					return fail(fmt.Errorf("netlink batch: answer of %d bytes to request %d did not fit %d bytes", d.Size, h.Seq-base, len(d.Data)))
				}
				continue
			}
			it := codec.NewMessageIter(d.Data)
			for it.Next() {
				r := it.Message()
				pos := int(r.Header.Seq - base)
				if d.Group != 0 || r.Header.PID != c.port || r.Header.Seq-base > uint32(last) || r.Header.Type != codec.TypeError {
					c.traceMsg(Skipped, r)
					continue
				}
				c.traceMsg(Received, r)
				if plainSuccess(r) {
					answered(pos, false)
					continue
				}
				ack, err := codec.ParseAck(r.Header, r.Data)
				i := idx[pos]
				end := len(c.sbuf)
				if pos < last {
					end = offs[pos+1]
				}
				req := c.sbuf[offs[pos]:end]
				switch {
				case err != nil:
					errs[i] = fmt.Errorf("%s: %w", c.opName(reqType(req)), err)
				case ack.Err != nil:
					errs[i] = c.kernelError(ack.Err, c.opName(reqType(req)), req)
				}
				answered(pos, errs[i] != nil)
			}
			if err := it.Err(); err != nil {
				return fail(fmt.Errorf("netlink batch: reply: %w", err))
			}
		}
	}
	if transaction && tx.done() {
		for _, i := range idx {
			if errs[i] == nil {
				errs[i] = ErrAborted
			}
		}
	}
	return nil
}

// Reading acknowledgements many at a time (MultiReceiver): ackSlots
// datagrams per call at most, each into ackSlot bytes plus, without
// NETLINK_CAP_ACK, the largest request of the chunk (which the kernel
// echoes in an error). An acknowledgement is a header, struct nlmsgerr
// (with NETLINK_CAP_ACK, 36 bytes in all) and extack attributes: a
// message of a line (a format the kernel bounds at 80 bytes, or a
// constant string), an offset, a missing attribute, a cookie, a
// policy; a few hundred bytes at most, far less than ackSlot. The slot
// is kept small because each slot's first write touches memory: 4 KiB
// slots cost a page fault per acknowledgement buffered, and on this
// path page faults cost as much as the rest of reading.
const (
	ackSlots = 128
	ackSlot  = 1024
)

// recvAcks reads the next datagrams of a batch's answers: with a
// MultiReceiver as many as are queued, up to want (at most ackSlots),
// each into slot bytes; else one. The datagrams are valid until the next
// receive. Callers hold c.mu.
func (c *Conn) recvAcks(ctx context.Context, want, slot int) ([]Datagram, error) {
	mr, ok := c.t.(MultiReceiver)
	if !ok {
		b, group, err := c.recv(ctx)
		if err != nil {
			return nil, err
		}
		c.ackDs = append(c.ackDs[:0], Datagram{Data: b, Size: len(b), Group: group})
		return c.ackDs, nil
	}
	n := min(max(want, 1), ackSlots)
	if len(c.ackBuf) < n*slot {
		c.ackBuf = make([]byte, n*slot)
	}
	if cap(c.ackDs) < n {
		c.ackDs = make([]Datagram, n)
	}
	ds := c.ackDs[:n]
	for i := range ds {
		ds[i] = Datagram{Data: c.ackBuf[i*slot : i*slot : (i+1)*slot]}
	}
	got, err := mr.ReceiveMany(ds)
	if err != nil {
		return nil, c.recvErr(ctx, err)
	}
	return ds[:got], nil
}

// traceAll traces every message of datagram b.
func (c *Conn) traceAll(d Direction, b []byte) {
	if c.trace == nil {
		return
	}
	it := codec.NewMessageIter(b)
	for it.Next() {
		c.trace(d, it.Message())
	}
}

func reqType(req []byte) uint16 {
	h, _ := codec.ParseHeader(req)
	return h.Type
}

// fillErr sets err on every entry from i on that has no error yet.
func fillErr(errs []error, i int, err error) ([]error, error) {
	for ; i < len(errs); i++ {
		if errs[i] == nil {
			errs[i] = err
		}
	}
	return errs, err
}
