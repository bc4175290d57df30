// Package gtest holds test helpers shared by the generic netlink packages:
// a fake Conn answering from a function, and (on Linux) a Client dialled
// inside a throwaway namespace.
package gtest

import (
	"context"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// Handler answers one request: the replies (before the ack), or an error.
type Handler func(m codec.Message) ([]codec.Message, error)

// Fake is a genl.Conn that answers every request with a Handler and
// records the requests it saw.
type Fake struct {
	Handle Handler

	mu       sync.Mutex
	Requests []codec.Message
	Groups   []uint32
	Closed   bool
}

func (f *Fake) record(m codec.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m.Data = append([]byte(nil), m.Data...)
	f.Requests = append(f.Requests, m)
}

// Execute records m with NLM_F_REQUEST|NLM_F_ACK set and answers it.
func (f *Fake) Execute(_ context.Context, m codec.Message) ([]codec.Message, error) {
	m.Header.Flags |= codec.Request | codec.Acknowledge
	f.record(m)
	return f.Handle(m)
}

// Dump records m with NLM_F_REQUEST|NLM_F_DUMP set and feeds the answer
// to fn.
func (f *Fake) Dump(_ context.Context, m codec.Message, fn func(codec.Message) error) error {
	m.Header.Flags |= codec.Request | codec.Dump
	f.record(m)
	ms, err := f.Handle(m)
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

// JoinGroup records g.
func (f *Fake) JoinGroup(g uint32) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Groups = append(f.Groups, g)
	return nil
}

// Close marks the fake closed.
func (f *Fake) Close() error {
	f.Closed = true
	return nil
}

// Count returns how many requests the fake has seen.
func (f *Fake) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.Requests)
}
