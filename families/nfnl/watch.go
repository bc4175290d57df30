package nfnl

import (
	"context"
	"encoding/binary"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
)

// batchWatch ends the wait for a batch's acknowledgements early when the
// kernel refused it. The kernel acknowledges NFNL_MSG_BATCH_END only
// when the batch was committed; after a failure the last answer is the
// one for the last operation (or, for a stale generation id, the error
// for BATCH_BEGIN alone), so waiting for BATCH_END's would only end at
// the deadline. The watch sees the exchange through the socket's trace
// hook and cancels the wait once every answer has arrived.
type batchWatch struct {
	mu       sync.Mutex
	active   bool
	cancel   context.CancelFunc
	beginSeq uint32
	endSeq   uint32
	failed   bool
	user     socket.TraceFunc
}

// trace is installed as the socket's trace function.
func (w *batchWatch) trace(dir socket.Direction, m codec.Message) {
	w.mu.Lock()
	user := w.user
	if w.active {
		w.observe(dir, m)
	}
	w.mu.Unlock()
	if user != nil {
		user(dir, m)
	}
}

func (w *batchWatch) observe(dir socket.Direction, m codec.Message) {
	switch {
	case dir == socket.Sent && m.Header.Type == msgBatchBegin:
		w.beginSeq = m.Header.Seq
	case dir == socket.Sent && m.Header.Type == msgBatchEnd:
		w.endSeq = m.Header.Seq
	case dir == socket.Received && m.Header.Type == codec.TypeError && len(m.Data) >= 4+codec.HeaderLen:
		errno := int32(binary.NativeEndian.Uint32(m.Data))
		seq := m.Header.Seq
		if errno != 0 {
			w.failed = true
			if seq == w.beginSeq {
				w.cancel()
				return
			}
		}
		if w.failed && w.endSeq != 0 && seq == w.endSeq-1 {
			w.cancel()
		}
	}
}

// start arms the watch for one batch and returns the context to send it
// with; stop disarms it.
func (w *batchWatch) start(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	w.mu.Lock()
	w.active, w.cancel, w.failed, w.beginSeq, w.endSeq = true, cancel, false, 0, 0
	w.mu.Unlock()
	return ctx
}

func (w *batchWatch) stop() {
	w.mu.Lock()
	if w.cancel != nil {
		w.cancel()
	}
	w.active, w.cancel = false, nil
	w.mu.Unlock()
}
