package socket

import (
	"context"
	"fmt"
)

// exchangeLock serialises whole exchanges on a Conn. Unlike a mutex, a
// waiter gives up when its context ends, so a mistake such as sending a
// request on a Conn from inside the callback of its own running dump ends
// with the caller's deadline instead of hanging for good.
type exchangeLock chan struct{}

func newExchangeLock() exchangeLock { return make(exchangeLock, 1) }

// acquire takes the lock or returns an error once ctx is done.
func (l exchangeLock) acquire(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	default:
	}
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the connection (busy with another exchange, such as an unfinished dump on it): %w", ctx.Err())
	}
}

// release gives the lock back.
func (l exchangeLock) release() { <-l }
