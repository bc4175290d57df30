package genl_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
)

// eventFake is a gtest.Fake that also receives: each Receive returns the
// next queued datagram, then the error end (context.Canceled when nil).
type eventFake struct {
	gtest.Fake
	queue [][]codec.Message
	end   error
	left  []uint32
}

func (f *eventFake) Receive(ctx context.Context) ([]codec.Message, error) {
	if len(f.queue) == 0 {
		if f.end != nil {
			return nil, f.end
		}
		return nil, context.Canceled
	}
	ms := f.queue[0]
	f.queue = f.queue[1:]
	return ms, nil
}

func (f *eventFake) LeaveGroup(g uint32) error { f.left = append(f.left, g); return nil }

func newEventFake(t *testing.T) *eventFake {
	f := &eventFake{}
	f.Handle = func(m codec.Message) ([]codec.Message, error) {
		return []codec.Message{familyReply(t, testFamily(t))}, nil
	}
	return f
}

func event(t *testing.T, family uint16, cmd uint8, attrs map[uint16][]byte) codec.Message {
	b, err := genl.EncodeAttrs(nil, cmd, attrs)
	if err != nil {
		t.Fatal(err)
	}
	return genl.NetlinkMessage(family, 0, genl.Message{Command: cmd, Version: 1, Attrs: b})
}

func TestEventsJoinDecodeStopLeave(t *testing.T) {
	f := newEventFake(t)
	f.queue = [][]codec.Message{
		{event(t, 0x55, 9, nil)}, // another family: skipped
		{event(t, 0x1e, 4, map[uint16][]byte{1: {7, 0, 0, 0}}), event(t, 0x1e, 5, map[uint16][]byte{2: []byte("x\x00")})},
		{event(t, 0x1e, 6, nil)}, // never reached: the callback stops first
	}
	c := genl.New(f)
	var got []string
	err := c.Events(context.Background(), "demo", "events", func(ev genl.Event) error {
		tr, err := ev.Decode()
		if err != nil {
			return err
		}
		got = append(got, fmt.Sprintf("%s/%d %s", ev.Family, ev.Command, tr))
		if ev.Command == 5 {
			return genl.ErrStop
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != "demo/4 attr_1=<07000000>" || got[1] != "demo/5 attr_2=<7800>" {
		t.Fatalf("events %q", got)
	}
	if len(f.Groups) != 1 || f.Groups[0] != 0x20 || len(f.left) != 1 || f.left[0] != 0x20 {
		t.Fatalf("joined %v left %v, want group 0x20 joined and left", f.Groups, f.left)
	}
}

func TestEventsErrors(t *testing.T) {
	f := newEventFake(t)
	lost := errors.New("events lost, resync")
	f.end = fmt.Errorf("netlink receive: %w", errors.Join(lost, syscall.ENOBUFS))
	c := genl.New(f)
	err := c.Events(context.Background(), "demo", "events", func(genl.Event) error { return nil })
	if !errors.Is(err, syscall.ENOBUFS) || !errors.Is(err, lost) {
		t.Fatalf("lost events: %v", err)
	}
	boom := errors.New("boom")
	f.queue = [][]codec.Message{{event(t, 0x1e, 4, nil)}}
	if err := c.Listen(context.Background(), "demo", func(genl.Event) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("callback error: %v", err)
	}
	if err := c.Events(context.Background(), "demo", "nope", nil); err == nil {
		t.Fatal("unknown group accepted")
	}
	plain := genl.New(&gtest.Fake{Handle: f.Handle})
	if err := plain.Listen(context.Background(), "demo", nil); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("conn without Receive: %v", err)
	}
}
