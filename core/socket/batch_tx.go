package socket

// txState recognises the end of the kernel's answers to an nfnetlink
// transaction (BATCH_BEGIN, operations, BATCH_END; see
// BatchOptions.Transaction) when BATCH_END will never be answered.
// nfnetlink_rcv_batch answers this way:
//
//   - Committed: an ack for every message that asked for one, after the
//     commit. BATCH_BEGIN and BATCH_END do not ask (kernels before 6.10
//     ignore NLM_F_ACK on them, 6.10 and later honour it), so the answer
//     to the message before BATCH_END, which asks, comes last, and the
//     ordinary rule (every ack arrived) ends the wait.
//   - Refused as a whole (a stale generation id, an unknown subsystem, a
//     malformed or oversized batch, a failed commit): an error for
//     BATCH_BEGIN, possibly followed by queued answers. Nothing more is
//     needed, so an error for the first message ends the wait at once;
//     answers still to come carry this batch's sequence numbers, which
//     later exchanges skip.
//   - Aborted (an operation failed): the kernel goes on validating the
//     rest, then delivers, in message order, an error for every failed
//     message and an ack for every message that asked for one, and never
//     answers BATCH_END. Since the message before BATCH_END asks for an
//     ack, its answer comes last: once some message failed, the wait ends
//     when every message other than BATCH_END that asked for an ack has
//     been answered.
//
// A commit that fails (after every operation passed) is answered like a
// refusal: an error for BATCH_BEGIN, sent before the queued acks.
type txState struct {
	last    int  // chunk position of BATCH_END
	awaited int  // acks awaited from positions before last
	failed  bool // an operation failed
	refused bool // BATCH_BEGIN failed
}

// newTxState starts from acks as collectAcks holds them: per chunk
// position 0 (no ack asked) or 1 (ack awaited).
func newTxState(acks []uint16) txState {
	s := txState{last: len(acks) - 1}
	for pos := 0; pos < s.last; pos++ {
		s.awaited += int(acks[pos])
	}
	return s
}

// answered records the answer for position pos, whose ack state was
// state (1 if an ack was awaited) before it; failed if it is an error.
func (s *txState) answered(pos int, state uint16, failed bool) {
	if state == 2 {
		return // a second answer for the same message
	}
	if pos < s.last && state == 1 {
		s.awaited--
	}
	switch {
	case failed && pos == 0:
		s.refused = true
	case failed && pos < s.last:
		s.failed = true
	}
}

// done reports whether the kernel has nothing more to say about the
// transaction.
func (s *txState) done() bool {
	return s.refused || (s.failed && s.awaited == 0)
}
