package socket_test

import (
	"context"
	"fmt"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/internal/testutil"
)

// recvSizes passes the kernel transport through, recording the size of
// each receive buffer offered and of each datagram read.
type recvSizes struct {
	socket.Transport
	bufs, grams []int
}

func (r *recvSizes) Receive(b []byte) ([]byte, uint32, error) {
	r.bufs = append(r.bufs, len(b))
	d, g, err := r.Transport.Receive(b)
	r.grams = append(r.grams, len(d))
	return d, g, err
}

func (r *recvSizes) BufferSizes() (int, int) { return r.Transport.(socket.BufferSizer).BufferSizes() }
func (r *recvSizes) CapAck() bool            { return r.Transport.(socket.CapAcker).CapAck() }

// A connection that only gets acks reads them into a small buffer (a
// large one per connection cost ~20 us in W3, one a namespace); its first
// dump switches it to the large buffer, and the kernel, which sizes dump
// datagrams from the largest buffer offered, fills the rest of the dump
// in datagrams larger than the small buffer.
func TestRecvBufferGrowsForDumps(t *testing.T) {
	ns := testutil.NewNetNS(t)
	for i := range 40 {
		ns.IP("link", "add", fmt.Sprintf("v%d", i), "type", "veth", "peer", "name", fmt.Sprintf("p%d", i))
	}
	var rs *recvSizes
	c := dialRoute(t, ns, &socket.Config{WrapTransport: func(tr socket.Transport) socket.Transport {
		rs = &recvSizes{Transport: tr}
		return rs
	}})
	ctx := context.Background()
	up := ifinfomsg(1)
	up[8], up[12] = unix.IFF_UP, unix.IFF_UP // flags, change: lo up
	for range 3 {
		if _, err := c.Execute(ctx, codec.Message{Header: codec.Header{Type: unix.RTM_NEWLINK}, Data: up}); err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range rs.bufs {
		if n > 8<<10 {
			t.Errorf("ack %d read with a %d-byte buffer, want at most 8 KiB", i, n)
		}
	}
	acks := len(rs.bufs)
	for round := range 2 {
		ms, err := c.DumpAll(ctx, codec.Message{Header: codec.Header{Type: unix.RTM_GETLINK}, Data: ifinfomsg(0)})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 81 {
			t.Fatalf("dump %d: %d links, want 81", round, len(ms))
		}
	}
	big, largest := 0, 0
	for i := acks; i < len(rs.grams); i++ {
		largest = max(largest, rs.grams[i])
		if rs.grams[i] > 8<<10 {
			big++
		}
	}
	if largest <= 16<<10 || rs.bufs[len(rs.bufs)-1] < 32<<10 {
		t.Errorf("dump datagrams %v read into buffers %v: want datagrams above 16 KiB and a 32 KiB buffer", rs.grams[acks:], rs.bufs[acks:])
	}
	t.Logf("dumps: %d datagrams (%d above 8 KiB, largest %d) in buffers %v", len(rs.grams)-acks, big, largest, rs.bufs[acks:])
}
