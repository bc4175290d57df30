package rtnl

import (
	"context"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// ipFakeConn is a Conn for tests without a kernel: it records what is
// sent and answers with the test's functions. A request the test did not
// expect (no function for it) fails the test.
type ipFakeConn struct {
	t     testing.TB
	exec  func(m codec.Message) ([]codec.Message, error)
	dump  func(m codec.Message) []codec.Message
	batch func(ms []codec.Message) []error
	sent  []codec.Message
}

func (f *ipFakeConn) record(m codec.Message) {
	m.Data = append([]byte(nil), m.Data...)
	f.sent = append(f.sent, m)
}

func (f *ipFakeConn) Execute(_ context.Context, m codec.Message) ([]codec.Message, error) {
	f.record(m)
	if f.exec == nil {
		f.t.Errorf("unexpected request %s % x", MessageName(m.Header.Type), m.Data)
		return nil, nil
	}
	return f.exec(m)
}

func (f *ipFakeConn) Dump(_ context.Context, m codec.Message, fn func(codec.Message) error) error {
	f.record(m)
	if f.dump == nil {
		f.t.Errorf("unexpected dump %s % x", MessageName(m.Header.Type), m.Data)
		return nil
	}
	for _, r := range f.dump(m) {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (f *ipFakeConn) Batch(_ context.Context, ms []codec.Message) ([]error, error) {
	for _, m := range ms {
		f.record(m)
	}
	if f.batch == nil {
		return make([]error, len(ms)), nil
	}
	return f.batch(ms), nil
}

func (f *ipFakeConn) Close() error { return nil }
