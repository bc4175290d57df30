package rtnl

import (
	"context"
	"fmt"
)

// How many queued requests a QueueSender hands its goroutine at a time:
// FirstWindow first, so that the kernel starts early, then as many as
// were handed before (the kernel's work doubles while the script keeps
// up), up to SendWindow, as many as the core's batch sends in one
// sendmsg by default; a run that ends mid-window waits for at most that
// many more requests to be sent.
const (
	FirstWindow = 64
	SendWindow  = 256
)

// window is the number of requests handed over next, handed having been.
func window(handed int) int { return min(SendWindow, max(FirstWindow, handed)) }

// QueueSender sends a queue's requests while the queue is still being
// filled: the filling goroutine (a script's loop of adds) hands over each
// window of requests as it is complete (Pump, see window), and another
// goroutine sends it through the core's batch meanwhile, so the kernel
// applies one window while the script makes the next. On a machine of
// two cores or more, the time of a long run of adds becomes the longer
// of the two, the script or the kernel, instead of their sum.
//
// Requests are sent in order, as Send sends them; the failures are
// reported by Report once Wait or Abort has returned. Until then the
// queue may only be added to, by the goroutine that made the sender.
type QueueSender struct {
	q      *requestQueue
	jobs   chan sendJob
	done   chan struct{}
	closed bool

	// The next request to hand over: chunk k, byte offset off, and
	// calls handed so far.
	k, off, handed int
	refused        int // q.refused entries handed over

	// Written by the sending goroutine; read after done is closed.
	s     *queueSend
	fails []queueError
}

// sendJob is requests handed over: records buf, calls first to end
// (exclusive), the calls refused when queued among them, and the queue's
// devices as known when it was handed (placeholder order).
type sendJob struct {
	buf        []byte
	first, end int
	refused    []queueError
	devs       []devRef
}

// StartSending returns a sender of q's requests through c, in ctx: the
// requests queued so far and those added later, a window at a time (see
// QueueSender). Nothing is sent until Pump or Wait hands requests over.
// Send must not be called on a queue that has a sender.
func (q *requestQueue) StartSending(ctx context.Context, c *Client) *QueueSender {
	qs := &QueueSender{q: q, jobs: make(chan sendJob, 64), done: make(chan struct{})}
	qs.s = q.newSend(ctx, c, func(i int, err error) { qs.fails = append(qs.fails, queueError{i, err}) })
	go func() {
		defer close(qs.done)
		for j := range qs.jobs {
			qs.send(j)
		}
	}()
	return qs
}

// send sends the requests of j. A panic there (a bug) must not end the
// process from this goroutine, as it would not have from the caller's: it
// breaks the exchange instead, as a failed one would, so that j's calls
// not yet reported and every later call fail with it (their outcome
// unknown).
func (qs *QueueSender) send(j sendJob) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		s := qs.s
		err := fmt.Errorf("%s: sending queued calls: internal error: %v", s.op, p)
		s.ms, s.calls, s.broken = s.ms[:0], s.calls[:0], err
		from := j.first
		if n := len(qs.fails); n > 0 {
			from = max(from, qs.fails[n-1].call+1)
		}
		for i := from; i < j.end; i++ {
			s.failed(i, err)
		}
	}()
	qs.s.resolve(j.devs)
	qs.s.records(j.buf, j.first, j.refused)
	qs.s.flush()
}

// Pump hands over the queued requests if a window of them is complete
// (FirstWindow, then doubling up to SendWindow).
func (qs *QueueSender) Pump() {
	if !qs.closed && qs.q.n-qs.handed >= window(qs.handed) {
		qs.hand()
	}
}

// hand hands over every request queued and not yet handed, a job per
// chunk (records never straddle two).
func (qs *QueueSender) hand() {
	q := qs.q
	if q.n == qs.handed {
		return
	}
	devs := q.devs[:len(q.devs):len(q.devs)]
	refused := q.refused[qs.refused:len(q.refused):len(q.refused)]
	for {
		c := q.chunks[qs.k]
		if len(c.buf) > qs.off {
			first := c.first
			if qs.off > 0 {
				first = qs.handed
			}
			end := q.n
			if qs.k < len(q.chunks)-1 {
				end = q.chunks[qs.k+1].first
			}
			qs.jobs <- sendJob{buf: c.buf[qs.off:len(c.buf):len(c.buf)], first: first, end: end, refused: refused, devs: devs}
		}
		if qs.k == len(q.chunks)-1 {
			qs.off = len(c.buf) // the chunk being filled
			break
		}
		qs.k, qs.off = qs.k+1, 0
	}
	qs.handed, qs.refused = q.n, len(q.refused)
}

// Wait hands over every request queued so far and returns once all that
// was handed over has been sent and answered. Requests queued after Wait
// are not sent by this sender.
func (qs *QueueSender) Wait() {
	if !qs.closed {
		qs.hand()
	}
	qs.Abort()
}

// Abort hands over nothing more and returns once what was handed over has
// been sent and answered: the requests not handed over are not sent
// (DelAdded leaves them alone). After Wait it only waits.
func (qs *QueueSender) Abort() {
	if !qs.closed {
		qs.closed = true
		close(qs.jobs)
	}
	<-qs.done
	qs.q.sendDone(qs.s)
}

// Handed is the number of calls handed over to be sent so far.
func (qs *QueueSender) Handed() int { return qs.handed }

// Report calls failed(i, err) for each call that failed, in order, as
// Send does: refused when queued, an unknown device, refused by the
// kernel, or of unknown outcome when the exchange broke. Call it after
// Wait or Abort.
func (qs *QueueSender) Report(failed func(i int, err error)) {
	for _, f := range qs.fails {
		failed(f.call, f.err)
	}
}
