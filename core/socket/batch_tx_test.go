package socket_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/nltest"
	"github.com/nlsh/nlsh/core/socket"
)

// nfKernel answers a transaction the way nfnetlink_rcv_batch does, one
// answer per datagram: refuse (an error for BATCH_BEGIN, then the acks
// queued anyway), or fail the messages whose data is "bad" (errors and
// acks in message order, BATCH_END unanswered), or commit (an ack for
// every message that asked). BATCH_BEGIN and BATCH_END are never
// answered, even when they ask (NLM_F_ACK), as before Linux 6.10: a
// client that waits for them hangs. (6.10 and later answer them when
// they ask, which the test checks they do not.)
func nfKernel(t *testing.T, refuse bool, sent *[][]uint16) nltest.RawFunc {
	return func(b []byte) ([][]byte, error) {
		reqs, err := codec.ParseMessages(append([]byte(nil), b...))
		if err != nil {
			t.Fatal(err)
		}
		var flags []uint16
		for _, r := range reqs {
			flags = append(flags, r.Header.Flags&codec.Acknowledge)
		}
		*sent = append(*sent, flags)
		var out [][]byte
		ack := func(r codec.Message, err error) {
			a := nltest.Ack(r, err)
			a.Header.PID = nltest.PortID
			out = append(out, datagram(a))
		}
		if refuse {
			ack(reqs[0], syscall.ERESTART)
		}
		last := len(reqs) - 1
		for i, r := range reqs[:last] {
			switch {
			case i == 0: // BATCH_BEGIN
			case string(r.Data) == "bad":
				ack(r, &codec.Error{Errno: syscall.ENOENT, Msg: fmt.Sprint("bad ", i)})
			case r.Header.Flags&codec.Acknowledge != 0:
				ack(r, nil)
			}
		}
		return out, nil
	}
}

func txMsgs(bad ...int) []codec.Message {
	// BATCH_BEGIN and BATCH_END ask for acks here; BatchWith must clear
	// that, or a kernel before 6.10 leaves it waiting.
	msgs := []codec.Message{msg(0x10, codec.Acknowledge, "begin")}
	for i := 1; i <= 12; i++ {
		msgs = append(msgs, msg(0xa06, codec.Create, "rule"))
	}
	msgs = append(msgs, msg(0x11, codec.Acknowledge, "end"))
	for _, i := range bad {
		msgs[i].Data = []byte("bad")
	}
	return msgs
}

// A refused or aborted transaction ends as soon as the kernel has said
// everything, not at the deadline; the errors land on the messages that
// failed, every other entry is ErrAborted, and the connection stays in
// step for the next exchange.
func TestBatchTransaction(t *testing.T) {
	for _, tc := range []struct {
		name   string
		refuse bool
		bad    []int
		errnos map[int]error // index -> errno expected, others ErrAborted
	}{
		{"committed", false, nil, nil},
		{"one bad", false, []int{10}, map[int]error{10: syscall.ENOENT}},
		{"two bad", false, []int{3, 12}, map[int]error{3: syscall.ENOENT, 12: syscall.ENOENT}},
		{"refused", true, nil, map[int]error{0: syscall.ERESTART}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sent [][]uint16
			c := nltest.DialRaw(nfKernel(t, tc.refuse, &sent), &socket.Config{BatchSize: 4})
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			errs, err := c.BatchWith(ctx, txMsgs(tc.bad...), socket.BatchOptions{Transaction: true})
			if took := time.Since(start); took > time.Second {
				t.Errorf("took %v", took)
			}
			if err != nil {
				t.Fatalf("exchange error %v", err)
			}
			if len(sent) != 1 {
				t.Fatalf("%d sendmsg calls, want 1", len(sent))
			}
			want := fmt.Sprint([]uint16{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0})
			if got := fmt.Sprint(sent[0]); got != want {
				t.Errorf("ack flags %s, want %s (the operation before BATCH_END only)", got, want)
			}
			for i, e := range errs {
				switch {
				case tc.errnos == nil && e != nil:
					t.Errorf("errs[%d] = %v in a committed batch", i, e)
				case tc.errnos == nil:
				case tc.errnos[i] != nil:
					if !errors.Is(e, tc.errnos[i]) {
						t.Errorf("errs[%d] = %v, want %v", i, e, tc.errnos[i])
					}
				case !errors.Is(e, socket.ErrAborted):
					t.Errorf("errs[%d] = %v, want ErrAborted", i, e)
				}
			}
			// The next exchange skips late answers of the refused batch.
			errs, err = c.BatchWith(ctx, txMsgs(), socket.BatchOptions{Transaction: true})
			if err != nil {
				t.Fatal(err)
			}
			if tc.refuse {
				return // the fake refuses everything
			}
			for i, e := range errs {
				if e != nil {
					t.Errorf("next batch: errs[%d] = %v", i, e)
				}
			}
		})
	}
}
