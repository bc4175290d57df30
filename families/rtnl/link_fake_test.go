package rtnl

import (
	"context"
	"encoding/binary"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// linkFakeConn is a Conn whose kernel is a function; it records every
// request it is sent.
type linkFakeConn struct {
	mu     sync.Mutex
	sent   []codec.Message
	answer func(m codec.Message) ([]codec.Message, error)
	events chan linkFakeEvent
}

type linkFakeEvent struct {
	msgs []codec.Message
	err  error
}

func (f *linkFakeConn) record(m codec.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m.Data = append([]byte(nil), m.Data...)
	f.sent = append(f.sent, m)
}

func (f *linkFakeConn) Execute(ctx context.Context, m codec.Message) ([]codec.Message, error) {
	f.record(m)
	if f.answer == nil {
		return nil, nil
	}
	return f.answer(m)
}

func (f *linkFakeConn) Dump(ctx context.Context, m codec.Message, fn func(codec.Message) error) error {
	f.record(m)
	if f.answer == nil {
		return nil
	}
	ms, err := f.answer(m)
	if err != nil {
		return err
	}
	for _, r := range ms {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (f *linkFakeConn) Batch(ctx context.Context, ms []codec.Message) ([]error, error) {
	errs := make([]error, len(ms))
	for i, m := range ms {
		_, errs[i] = f.Execute(ctx, m)
	}
	return errs, nil
}

func (f *linkFakeConn) Close() error { return nil }

func (f *linkFakeConn) Subscribe(ctx context.Context, groups []uint32) (EventConn, error) {
	return &linkFakeEvents{ch: f.events}, nil
}

type linkFakeEvents struct{ ch chan linkFakeEvent }

func (e *linkFakeEvents) Receive(ctx context.Context) ([]codec.Message, error) {
	select {
	case ev := <-e.ch:
		return ev.msgs, ev.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (e *linkFakeEvents) Close() error { return nil }

// linkMsg builds an RTM_NEWLINK message as the kernel would send it.
func linkMsg(typ uint16, index int, flags LinkFlags, attrs func(e *codec.Encoder)) codec.Message {
	e := codec.NewEncoder(appendIfinfomsg(nil, index, flags, 0))
	binary.LittleEndian.PutUint16(e2b(e)[2:4], 1) // ARPHRD_ETHER
	if attrs != nil {
		attrs(e)
	}
	b, err := e.Encode()
	if err != nil {
		panic(err)
	}
	return codec.Message{Header: codec.Header{Type: typ}, Data: b}
}

func e2b(e *codec.Encoder) []byte { b, _ := e.Encode(); return b }
