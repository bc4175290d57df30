package socket_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/nltest"
	"github.com/nlsh/nlsh/core/socket"
)

const (
	typNew  = 16 // stands for RTM_NEWLINK
	typGet  = 18 // RTM_GETLINK
	typAddr = 20 // RTM_NEWADDR
)

type names map[uint16]string

func (n names) TypeName(t uint16) string { return n[t] }

var rtNames = names{typNew: "RTM_NEWLINK", typGet: "RTM_GETLINK", typAddr: "RTM_NEWADDR"}

func msg(typ uint16, flags uint16, data string) codec.Message {
	return codec.Message{Header: codec.Header{Type: typ, Flags: flags}, Data: []byte(data)}
}

func datagram(ms ...codec.Message) []byte {
	var b []byte
	for _, m := range ms {
		b = m.Append(b)
	}
	return b
}

func firstReq(t *testing.T, b []byte) codec.Message {
	t.Helper()
	ms, err := codec.ParseMessages(b)
	if err != nil || len(ms) == 0 {
		t.Fatalf("parse request: %v", err)
	}
	return ms[0]
}

// A dump flagged NLM_F_DUMP_INTR on the first attempt and clean on the
// second yields the second attempt only, after telling the consumer.
func TestDumpIntrRetried(t *testing.T) {
	attempt := 0
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		attempt++
		r := req[0]
		if attempt == 1 {
			intr := nltest.Reply(r, typNew, []byte("old2"))
			intr.Header.Flags |= codec.DumpIntr
			done := nltest.Done(r, nil)
			done.Header.Flags |= codec.DumpIntr
			return []codec.Message{nltest.Reply(r, typNew, []byte("old1")), intr,
				nltest.Reply(r, typNew, []byte("old3")), done}, nil
		}
		return []codec.Message{nltest.Reply(r, typNew, []byte("new1")), nltest.Reply(r, typNew, []byte("new2"))}, nil
	}, nil)
	defer c.Close()

	// Streaming: the consumer sees old1, then a restart, then new1, new2.
	d := c.Dump(context.Background(), msg(typGet, 0, "\x00\x00\x00\x00"))
	var seen []string
	for d.Next() {
		if d.Restarted() {
			seen = append(seen, "RESTART")
		}
		seen = append(seen, string(d.Message().Data))
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(seen, ","), "old1,RESTART,new1,new2"; got != want {
		t.Fatalf("stream %s, want %s", got, want)
	}
	if d.Retries() != 1 {
		t.Fatalf("retries %d, want 1", d.Retries())
	}

	// Collected: only the consistent attempt.
	attempt = 0
	ms, err := c.DumpAll(context.Background(), msg(typGet, 0, "\x00\x00\x00\x00"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || string(ms[0].Data) != "new1" || string(ms[1].Data) != "new2" {
		t.Fatalf("DumpAll = %v", ms)
	}
	if attempt != 2 {
		t.Fatalf("%d attempts, want 2", attempt)
	}
}

// A dump that stays inconsistent ends with ErrDumpInterrupted after the
// configured number of retries, and the Conn is usable afterwards.
func TestDumpIntrExhausted(t *testing.T) {
	attempts := 0
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		r := req[0]
		if r.Header.Type != typGet {
			return nil, nil // an ack
		}
		attempts++
		m := nltest.Reply(r, typNew, []byte("x"))
		m.Header.Flags |= codec.DumpIntr
		return []codec.Message{m}, nil
	}, &socket.Config{DumpRetries: 2, Protocol: rtNames})
	defer c.Close()
	ms, err := c.DumpAll(context.Background(), msg(typGet, 0, ""))
	if !errors.Is(err, socket.ErrDumpInterrupted) {
		t.Fatalf("err = %v, want ErrDumpInterrupted", err)
	}
	if !strings.Contains(err.Error(), "RTM_GETLINK") {
		t.Errorf("error %q does not name the request", err)
	}
	if len(ms) != 0 {
		t.Errorf("inconsistent messages returned: %d", len(ms))
	}
	if attempts != 3 {
		t.Errorf("%d attempts, want 1 + 2 retries", attempts)
	}
	if err := c.Request(context.Background(), msg(typNew, 0, "")); err != nil {
		t.Fatalf("conn unusable after interrupted dump: %v", err)
	}
}

// Replies with another sequence number or port id are skipped and
// reported to Trace, never mixed into the answer.
func TestSequenceMismatchSkipped(t *testing.T) {
	var traced []string
	c := nltest.DialRaw(func(b []byte) ([][]byte, error) {
		r := firstReq(t, b)
		stale := nltest.Reply(r, typNew, []byte("stale"))
		stale.Header.Seq = r.Header.Seq - 1
		other := nltest.Reply(r, typNew, []byte("other"))
		other.Header.PID = 4242
		good := nltest.Reply(r, typNew, []byte("good"))
		staleAck := nltest.Ack(r, syscall.EPERM)
		staleAck.Header.Seq += 7
		return [][]byte{datagram(stale, other), datagram(good, staleAck, nltest.Ack(r, nil))}, nil
	}, &socket.Config{Trace: func(d socket.Direction, m codec.Message) {
		traced = append(traced, fmt.Sprintf("%s:%s", d, m.Data))
	}})
	defer c.Close()
	ms, err := c.Execute(context.Background(), msg(typGet, 0, "q"))
	if err != nil {
		t.Fatalf("a stale EPERM ack leaked into the answer: %v", err)
	}
	if len(ms) != 1 || string(ms[0].Data) != "good" {
		t.Fatalf("replies %v, want only good", ms)
	}
	skipped := 0
	for _, s := range traced {
		if strings.HasPrefix(s, "skip:") {
			skipped++
		}
	}
	if skipped != 3 || !strings.HasPrefix(traced[0], "send:q") {
		t.Fatalf("trace %q: want the request sent and 3 skipped", traced)
	}
}

// A reply whose length overruns its datagram is an error wrapping
// codec.ErrTruncated, not a panic or a hang.
func TestTruncatedReply(t *testing.T) {
	c := nltest.DialRaw(func(b []byte) ([][]byte, error) {
		r := firstReq(t, b)
		d := datagram(nltest.Reply(r, typNew, []byte("abcdefgh")))
		binary.LittleEndian.PutUint32(d, 200) // claims more than there is
		return [][]byte{d}, nil
	}, nil)
	defer c.Close()
	_, err := c.Execute(context.Background(), msg(typGet, 0, ""))
	if !errors.Is(err, codec.ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
	d := c.Dump(context.Background(), msg(typGet, 0, ""))
	for d.Next() {
	}
	if !errors.Is(d.Close(), codec.ErrTruncated) {
		t.Fatalf("dump err = %v, want ErrTruncated", d.Err())
	}
	// A short NLMSG_ERROR is a decoding error too.
	c2 := nltest.DialRaw(func(b []byte) ([][]byte, error) {
		r := firstReq(t, b)
		return [][]byte{datagram(codec.Message{Header: codec.Header{Type: codec.TypeError, Seq: r.Header.Seq, PID: nltest.PortID}, Data: []byte{1, 2}})}, nil
	}, nil)
	defer c2.Close()
	if err := c2.Request(context.Background(), msg(typNew, 0, "")); !errors.Is(err, codec.ErrTruncated) {
		t.Fatalf("short ack: err = %v, want ErrTruncated", err)
	}
}

// Kernel errors carry Op, Object, extack text and the attribute path,
// and match the errno.
func TestKernelError(t *testing.T) {
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		return nil, &codec.Error{Errno: syscall.EEXIST, Msg: "link already exists", Offset: 20, HasOffset: true}
	}, &socket.Config{Protocol: rtNames, AttrPath: func(req []byte, off uint32) string {
		h, _ := codec.ParseHeader(req)
		if h.Type != typNew || off != 20 {
			return "wrong"
		}
		return "IFLA_IFNAME"
	}})
	defer c.Close()
	err := c.Request(context.Background(), msg(typNew, codec.Create|codec.Excl, "0123456789abcdef"))
	if !errors.Is(err, syscall.EEXIST) {
		t.Fatalf("err = %v, want EEXIST", err)
	}
	want := "RTM_NEWLINK: file exists (EEXIST): link already exists [at IFLA_IFNAME]"
	if err.Error() != want {
		t.Fatalf("err = %q\nwant  %q", err, want)
	}
	err = socket.WithObject(err, "veth0")
	if got := err.Error(); !strings.HasPrefix(got, "RTM_NEWLINK veth0: file exists") || !errors.Is(err, syscall.EEXIST) {
		t.Fatalf("WithObject: %q", got)
	}
	var ke *codec.Error
	if !errors.As(err, &ke) || ke.Object != "veth0" {
		t.Fatalf("WithObject lost the *codec.Error: %#v", err)
	}
}

// An NLMSG_DONE carrying an error (as nfnetlink dumps send) ends the dump
// with that error and its extack text.
func TestDoneCarriesError(t *testing.T) {
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		r := req[0]
		return []codec.Message{nltest.Reply(r, typNew, []byte("a")),
			nltest.Done(r, &codec.Error{Errno: syscall.EINTR, Msg: "table changed"})}, nil
	}, &socket.Config{Protocol: rtNames})
	defer c.Close()
	ms, err := c.DumpAll(context.Background(), msg(typGet, 0, ""))
	if !errors.Is(err, syscall.EINTR) || !strings.Contains(err.Error(), "RTM_GETLINK: interrupted system call (EINTR): table changed") {
		t.Fatalf("err = %v", err)
	}
	if len(ms) != 1 {
		t.Fatalf("%d messages before the error, want 1", len(ms))
	}
}

// Batch sends requests in chunks of at most BatchSize, matches acks by
// sequence number even when they come back out of order, and returns the
// errors in request order.
func TestBatchFake(t *testing.T) {
	var chunks []int
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		chunks = append(chunks, len(req))
		var out []codec.Message
		// Answer in reverse order; fail the requests whose data is "bad".
		for i := len(req) - 1; i >= 0; i-- {
			var err error
			if string(req[i].Data) == "bad" {
				err = &codec.Error{Errno: syscall.EINVAL, Msg: "bad " + fmt.Sprint(i)}
			}
			if req[i].Header.Flags&codec.Acknowledge == 0 {
				t.Errorf("request %d without NLM_F_ACK", i)
			}
			out = append(out, nltest.Ack(req[i], err))
		}
		return out, nil
	}, &socket.Config{BatchSize: 40, Protocol: rtNames})
	defer c.Close()
	msgs := make([]codec.Message, 100)
	for i := range msgs {
		msgs[i] = msg(typAddr, codec.Create, "good")
	}
	msgs[7].Data, msgs[63].Data = []byte("bad"), []byte("bad")
	errs, err := c.Batch(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(chunks) != "[40 40 20]" {
		t.Fatalf("chunks %v, want [40 40 20]", chunks)
	}
	for i, e := range errs {
		switch i {
		case 7, 63:
			if !errors.Is(e, syscall.EINVAL) || !strings.Contains(e.Error(), "RTM_NEWADDR") {
				t.Errorf("errs[%d] = %v, want RTM_NEWADDR EINVAL", i, e)
			}
			if !strings.HasSuffix(e.Error(), fmt.Sprintf("bad %d", i%40)) {
				t.Errorf("errs[%d] = %v: mapped to the wrong request", i, e)
			}
		default:
			if e != nil {
				t.Errorf("errs[%d] = %v", i, e)
			}
		}
	}
}

// Atomic batches are never split; KeepFlags leaves NLM_F_ACK to the caller
// and requires it on the last message.
func TestBatchAtomicKeepFlags(t *testing.T) {
	var got [][]uint16
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		var flags []uint16
		for _, r := range req {
			flags = append(flags, r.Header.Flags)
		}
		got = append(got, flags)
		return nil, nil
	}, &socket.Config{BatchSize: 2})
	defer c.Close()
	msgs := []codec.Message{msg(0x10, 0, "begin"), msg(0x11, codec.Acknowledge, "x"), msg(0x12, codec.Acknowledge, "end")}
	errs, err := c.BatchWith(context.Background(), msgs, socket.BatchOptions{Atomic: true, KeepFlags: true})
	if err != nil || len(errs) != 3 {
		t.Fatal(errs, err)
	}
	if fmt.Sprint(got) != "[[1 5 5]]" {
		t.Fatalf("sent %v, want one sendmsg with flags [1 5 5]", got)
	}
	msgs[2].Header.Flags = 0
	if _, err := c.BatchWith(context.Background(), msgs, socket.BatchOptions{KeepFlags: true}); err == nil {
		t.Fatal("KeepFlags batch without a final ack accepted")
	}
}

// DryRun keeps state-changing messages from being sent, traces them, and
// answers them with success.
func TestDryRun(t *testing.T) {
	var sent, dry int
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		sent += len(req)
		return nil, syscall.EPERM // anything really sent fails
	}, &socket.Config{
		DryRun: func(m codec.Message) bool { return m.Header.Type == typNew },
		Trace: func(d socket.Direction, m codec.Message) {
			if d == socket.DryRun {
				dry++
			}
		},
	})
	defer c.Close()
	if err := c.Request(context.Background(), msg(typNew, 0, "")); err != nil {
		t.Fatalf("dry-run request: %v", err)
	}
	errs, err := c.Batch(context.Background(), []codec.Message{msg(typNew, 0, ""), msg(typAddr, 0, ""), msg(typNew, 0, "")})
	if err != nil || errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], syscall.EPERM) {
		t.Fatalf("batch %v %v: want only the non-dry message sent (and failing)", errs, err)
	}
	if sent != 1 || dry != 3 {
		t.Fatalf("sent %d, dry %d; want 1 and 3", sent, dry)
	}
}

// Cancelling the context ends a blocked Receive promptly; Close does too.
func TestCancelAndCloseFake(t *testing.T) {
	c := nltest.Dial(func([]codec.Message) ([]codec.Message, error) { return nil, nil }, nil)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := c.Receive(ctx); errc <- err }()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Receive still blocked 5s after cancel")
	}
	// The past deadline of the cancellation does not leak into the next call.
	if err := c.Request(context.Background(), msg(typNew, 0, "")); err != nil {
		t.Fatalf("request after cancel: %v", err)
	}
	go func() { _, err := c.Receive(context.Background()); errc <- err }()
	c.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, socket.ErrClosed) {
			t.Fatalf("err = %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Receive still blocked 5s after Close")
	}
}

// Injected multicast events arrive through Receive; ENOBUFS surfaces as
// ErrEventsLost and the conn goes on.
func TestReceiveEventsFake(t *testing.T) {
	tr := nltest.NewTransport(nltest.Raw(func([]codec.Message) ([]codec.Message, error) { return nil, nil }))
	c := socket.NewConn(tr, nil)
	defer c.Close()
	if err := c.JoinGroup(1); err != nil {
		t.Fatal(err)
	}
	ev := datagram(msg(typNew, 0, "e1"), msg(typNew, 0, "e2"))
	tr.Inject(1, ev)
	tr.InjectError(syscall.ENOBUFS)
	tr.Inject(1, ev)
	ms, err := c.Receive(context.Background())
	if err != nil || len(ms) != 2 || string(ms[1].Data) != "e2" {
		t.Fatalf("Receive = %v, %v", ms, err)
	}
	_, err = c.Receive(context.Background())
	if !errors.Is(err, socket.ErrEventsLost) || !errors.Is(err, syscall.ENOBUFS) {
		t.Fatalf("err = %v, want ErrEventsLost wrapping ENOBUFS", err)
	}
	if ms, err := c.Receive(context.Background()); err != nil || len(ms) != 2 {
		t.Fatalf("after ENOBUFS: %v, %v", ms, err)
	}
}

// An event arriving on a multicast group during a request is skipped, even
// when its seq and port id echo the request (as rtnetlink's do).
func TestMulticastDuringRequestSkipped(t *testing.T) {
	var tr *nltest.Transport
	tr = nltest.NewTransport(func(b []byte) ([][]byte, error) {
		r := firstReq(t, b)
		ev := nltest.Reply(r, typNew, []byte("event"))
		tr.Inject(1, datagram(ev)) // queued before the reply
		return [][]byte{datagram(nltest.Reply(r, typNew, []byte("reply")), nltest.Ack(r, nil))}, nil
	})
	c := socket.NewConn(tr, nil)
	defer c.Close()
	c.JoinGroup(1)
	ms, err := c.Execute(context.Background(), msg(typGet, 0, ""))
	if err != nil || len(ms) != 1 || string(ms[0].Data) != "reply" {
		t.Fatalf("Execute = %v, %v", ms, err)
	}
}

// Closing a dump early drains it, so the next exchange is clean.
func TestDumpCloseEarly(t *testing.T) {
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		r := req[0]
		var out []codec.Message
		for i := 0; i < 10; i++ {
			out = append(out, nltest.Reply(r, typNew, []byte{byte(i)}))
		}
		return out, nil
	}, nil)
	defer c.Close()
	for round := 0; round < 2; round++ {
		d := c.Dump(context.Background(), msg(typGet, 0, ""))
		if !d.Next() || d.Message().Data[0] != 0 {
			t.Fatal("first message missing")
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := c.DumpAll(context.Background(), msg(typGet, 0, ""))
	if err != nil || len(ms) != 10 {
		t.Fatalf("after early closes: %d messages, %v", len(ms), err)
	}
}

// FuzzReceive feeds arbitrary datagrams (with their headers pointed at the
// request, so the fuzzer explores the reply logic) through Execute, Dump
// and Batch. It must never panic or hang.
func FuzzReceive(f *testing.F) {
	r := codec.Message{Header: codec.Header{Type: typGet, Flags: codec.Request | codec.Dump, Seq: 1}}
	f.Add(datagram(nltest.Ack(r, nil)))
	f.Add(datagram(nltest.Ack(r, &codec.Error{Errno: syscall.EINVAL, Msg: "m", Offset: 4, HasOffset: true})))
	f.Add(datagram(nltest.Reply(r, typNew, []byte("abcd")), nltest.Done(r, syscall.EBUSY)))
	intr := nltest.Done(r, nil)
	intr.Header.Flags |= codec.DumpIntr
	f.Add(datagram(intr))
	f.Add([]byte{0xff, 0, 0, 0, 2, 0})
	f.Add(datagram(codec.Message{Header: codec.Header{Type: codec.TypeOverrun}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		fn := func(b []byte) ([][]byte, error) {
			ms, err := codec.ParseMessages(b)
			if err != nil || len(ms) == 0 {
				return nil, err
			}
			req := ms[0]
			fz := append([]byte(nil), data...)
			for off := 0; off+codec.HeaderLen <= len(fz); {
				h, _ := codec.ParseHeader(fz[off:])
				binary.LittleEndian.PutUint32(fz[off+8:], req.Header.Seq)
				binary.LittleEndian.PutUint32(fz[off+12:], nltest.PortID)
				if h.Len < codec.HeaderLen {
					break
				}
				off += codec.Align(int(h.Len))
			}
			var end []codec.Message
			for _, m := range ms {
				end = append(end, nltest.Done(m, nil), nltest.Ack(m, nil))
			}
			return [][]byte{fz, datagram(end...)}, nil
		}
		c := nltest.DialRaw(fn, &socket.Config{DumpRetries: 1, Protocol: rtNames,
			AttrPath: func(req []byte, off uint32) string { return fmt.Sprint(req[off]) },
			Trace:    func(socket.Direction, codec.Message) {}})
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := c.Execute(ctx, msg(typGet, 0, "0123456789abcdef"))
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatal("Execute hung")
		}
		_, err = c.DumpAll(ctx, msg(typGet, 0, "x"))
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatal("dump hung")
		}
		_, err = c.Batch(ctx, []codec.Message{msg(typNew, 0, "a"), msg(typNew, 0, "b")})
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatal("batch hung")
		}
	})
}

func TestTraceWriter(t *testing.T) {
	var sb strings.Builder
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) { return nil, nil },
		&socket.Config{Trace: socket.TraceWriter(&sb, rtNames, nil)})
	defer c.Close()
	if err := c.Request(context.Background(), msg(typNew, codec.Create, "\x01\x02")); err != nil {
		t.Fatal(err)
	}
	want := "send RTM_NEWLINK flags=0x405 seq=1 pid=0 len=18: 0102\n" +
		"recv NLMSG_ERROR flags=0x100 seq=1 pid=1852601192 len=36: 0000000012000000100005040100000000000000\n"
	if sb.String() != want {
		t.Fatalf("trace:\n%s\nwant:\n%s", sb.String(), want)
	}
}

// A request sent on a Conn from inside its own unfinished dump cannot be
// served; it must end with the caller's deadline, not hang.
func TestReentrantRequestEndsAtDeadline(t *testing.T) {
	c := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		if req[0].Header.Flags&codec.Dump == codec.Dump {
			return []codec.Message{nltest.Reply(req[0], 0, []byte{1}), nltest.Reply(req[0], 0, []byte{2})}, nil
		}
		return nil, nil
	}, nil)
	defer c.Close()
	d := c.Dump(context.Background(), codec.Message{Header: codec.Header{Type: 0x12}})
	if !d.Next() {
		t.Fatalf("dump yielded nothing: %v", d.Err())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.Request(ctx, codec.Message{Header: codec.Header{Type: 0x10}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("request inside a dump returned %v, want DeadlineExceeded", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	// Once the dump is closed the Conn serves requests again.
	if err := c.Request(context.Background(), codec.Message{Header: codec.Header{Type: 0x10}}); err != nil {
		t.Fatalf("request after the dump: %v", err)
	}
}
