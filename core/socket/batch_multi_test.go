package socket_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/nltest"
	"github.com/nlsh/nlsh/core/socket"
)

// multiFake is nltest's fake kernel with ReceiveMany, the way recvmmsg
// fills it: the first datagram waited for, the rest taken while queued,
// each cut to its buffer with its full size kept. It counts the calls.
type multiFake struct {
	*nltest.Transport
	receives, receiveManys int
}

func (f *multiFake) Receive(b []byte) ([]byte, uint32, error) {
	f.receives++
	return f.Transport.Receive(b)
}

func (f *multiFake) ReceiveMany(ds []socket.Datagram) (int, error) {
	f.receiveManys++
	for i := range ds {
		var (
			b   []byte
			g   uint32
			err error
		)
		if i == 0 {
			b, g, err = f.Transport.Receive(nil)
		} else {
			var ok bool
			b, g, ok, err = f.Transport.TryReceive(nil)
			if err == nil && !ok {
				return i, nil
			}
		}
		if err != nil {
			if i > 0 {
				return i, nil // reported by the next call, as the socket does
			}
			return 0, err
		}
		buf := ds[i].Data[:cap(ds[i].Data)]
		ds[i] = socket.Datagram{Data: buf[:copy(buf, b)], Size: len(b), Group: g}
	}
	return len(ds), nil
}

// dialMulti answers with fn, each message in a datagram of its own as
// the kernel sends acknowledgements.
func dialMulti(fn nltest.Func, cfg *socket.Config) (*socket.Conn, *multiFake) {
	raw := nltest.Raw(fn)
	f := &multiFake{Transport: nltest.NewTransport(func(req []byte) ([][]byte, error) {
		ds, err := raw(req)
		var out [][]byte
		for _, d := range ds {
			it := codec.NewMessageIter(d)
			for it.Next() {
				out = append(out, it.Message().Append(nil))
			}
		}
		return out, err
	})}
	return socket.NewConn(f, cfg), f
}

// With a MultiReceiver, Batch reads the acknowledgements many at a time
// and still matches each to its request, in any order.
func TestBatchMultiReceive(t *testing.T) {
	c, f := dialMulti(func(req []codec.Message) ([]codec.Message, error) {
		var out []codec.Message
		for i := len(req) - 1; i >= 0; i-- {
			var err error
			if strings.HasPrefix(string(req[i].Data), "bad") {
				err = &codec.Error{Errno: syscall.EINVAL, Msg: string(req[i].Data)}
			}
			out = append(out, nltest.Ack(req[i], err))
		}
		return out, nil
	}, &socket.Config{BatchSize: 200, Protocol: rtNames})
	defer c.Close()
	msgs := make([]codec.Message, 500)
	for i := range msgs {
		msgs[i] = msg(typAddr, codec.Create, "good")
	}
	msgs[7].Data, msgs[263].Data = []byte("bad 7"), []byte("bad 263")
	errs, err := c.Batch(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range errs {
		switch i {
		case 7, 263:
			if !errors.Is(e, syscall.EINVAL) || !strings.HasSuffix(e.Error(), fmt.Sprintf("bad %d", i)) {
				t.Errorf("errs[%d] = %v, want RTM_NEWADDR EINVAL for its own request", i, e)
			}
		default:
			if e != nil {
				t.Errorf("errs[%d] = %v", i, e)
			}
		}
	}
	// Chunks of at most 200 acks (fewer for the receive buffer's sake),
	// at most 64 a call.
	if f.receives != 0 || f.receiveManys > 16 {
		t.Errorf("%d Receive and %d ReceiveMany calls for 500 acks, want 0 and at most 16", f.receives, f.receiveManys)
	}
}

// An answer too large for its buffer fails the batch when it answers a
// request of the chunk, and is skipped when it is a leftover of another
// exchange.
func TestBatchMultiReceiveCutShort(t *testing.T) {
	long := strings.Repeat("x", 5000) // more than a buffer per acknowledgement
	c, f := dialMulti(func(req []codec.Message) ([]codec.Message, error) {
		var out []codec.Message
		for _, r := range req {
			var err error
			if string(r.Data) == "bad" {
				err = &codec.Error{Errno: syscall.EINVAL, Msg: long}
			}
			out = append(out, nltest.Ack(r, err))
		}
		return out, nil
	}, &socket.Config{Protocol: rtNames})
	defer c.Close()
	// A large datagram from an earlier exchange is still queued.
	stray := codec.Message{Header: codec.Header{Type: typNew, Seq: 12345, PID: nltest.PortID}, Data: []byte(long)}
	f.Inject(0, stray.Append(nil))
	msgs := []codec.Message{msg(typAddr, codec.Create, "good"), msg(typAddr, codec.Create, "good")}
	errs, err := c.Batch(context.Background(), msgs)
	if err != nil || errs[0] != nil || errs[1] != nil {
		t.Fatalf("batch with a large stray datagram queued: %v %v", errs, err)
	}
	msgs[1].Data = []byte("bad")
	errs, err = c.Batch(context.Background(), msgs)
	if err == nil || !strings.Contains(err.Error(), "did not fit") || errs[0] != nil || errs[1] == nil {
		t.Fatalf("batch answered with an oversized error: %v %v, want errs[1] and the batch failing", errs, err)
	}
}

// With AckLast only the last request of each chunk asks for an
// acknowledgement. The others are answered only when they fail, as the
// kernel answers them, and every failure still lands on its own request;
// the failures of a chunk are read many at a time, not one per receive.
func TestBatchAckLast(t *testing.T) {
	var asked [][]int
	c, f := dialMulti(func(req []codec.Message) ([]codec.Message, error) {
		var ack []int
		var out []codec.Message
		for i, r := range req {
			if r.Header.Flags&codec.Acknowledge != 0 {
				ack = append(ack, i)
			}
			if strings.HasPrefix(string(r.Data), "bad") {
				out = append(out, nltest.Ack(r, &codec.Error{Errno: syscall.EINVAL, Msg: string(r.Data)}))
			}
		}
		asked = append(asked, ack)
		return out, nil // nltest acknowledges the rest of those that asked
	}, &socket.Config{BatchSize: 40, Protocol: rtNames})
	defer c.Close()
	msgs := make([]codec.Message, 100)
	bad := map[int]bool{3: true, 39: true, 99: true} // 39 and 99 end a chunk
	for i := 40; i < 60; i++ {
		bad[i] = true
	}
	for i := range msgs {
		msgs[i] = msg(typAddr, codec.Create, "good")
		if bad[i] {
			msgs[i].Data = fmt.Appendf(nil, "bad %d", i)
		}
	}
	errs, err := c.BatchWith(context.Background(), msgs, socket.BatchOptions{AckLast: true})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(asked) != "[[39] [39] [19]]" {
		t.Fatalf("requests asking for an ack, by chunk: %v, want the last of each of 40, 40, 20", asked)
	}
	for i, e := range errs {
		if !bad[i] {
			if e != nil {
				t.Errorf("errs[%d] = %v", i, e)
			}
			continue
		}
		if !errors.Is(e, syscall.EINVAL) || !strings.HasSuffix(e.Error(), fmt.Sprintf("bad %d", i)) {
			t.Errorf("errs[%d] = %v, want EINVAL for its own request", i, e)
		}
	}
	if f.receives != 0 || f.receiveManys != 3 {
		t.Errorf("%d Receive and %d ReceiveMany calls for 3 chunks, want 0 and 3", f.receives, f.receiveManys)
	}
}
