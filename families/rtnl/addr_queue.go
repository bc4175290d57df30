package rtnl

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"

	"github.com/nlsh/nlsh/core/codec"
)

// AddrQueue holds address adds encoded as they are queued, to be sent
// later, in order, as AddAddrs sends them: a queued address costs the
// bytes of its request (32 for an IPv4 address) instead of an Address.
// Devices are named in the requests by placeholders and resolved when the
// queue is sent, so a queue may name a link that a request sent before
// it creates. After Send, DelAdded deletes what the adds made (a
// rollback), from the same bytes.
//
// An AddrQueue is used by one goroutine at a time.
type AddrQueue struct {
	requestQueue
}

// NewAddrQueue returns an empty queue of address adds.
func NewAddrQueue() *AddrQueue {
	q := &AddrQueue{}
	q.init("addr add", codec.Header{Type: rtmNewAddr, Flags: codec.Create | codec.Excl}, addrKind{})
	return q
}

// Len is the number of queued calls.
func (q *AddrQueue) Len() int { return q.n }

// Add queues the add of a (normalized in place, its device left named,
// by Dev). An address whose arguments cannot be right is refused: Add
// returns the error, and Send reports it as that call's failure without
// sending it.
func (q *AddrQueue) Add(a *Address) error {
	b, err := q.encode(a)
	q.scratch = b
	if a.Ifindex&devPlaceholder != 0 {
		a.Ifindex = 0 // placeholders stay in the queue
	}
	q.push(b, err)
	return err
}

// encode checks a as AddAddrs does, in the same order, and encodes its
// request into q.scratch.
func (q *AddrQueue) encode(a *Address) ([]byte, error) {
	fam, err := a.normalize(q.op)
	if err != nil {
		return q.scratch[:0], err
	}
	if a.Dev == "" && a.Ifindex == 0 {
		return q.scratch[:0], badArg("dev", "", "device missing")
	}
	if a.Ifindex, err = q.deferTo.resolve(context.Background(), q.op, "dev", a.Dev, a.Ifindex); err != nil {
		return q.scratch[:0], err
	}
	return appendAddr(q.scratch[:0], a, fam, false)
}

// DelAdded deletes, newest first, the addresses that the queue's adds
// made when Send sent them: every call but those skip lists (ascending),
// which a caller knows changed nothing (the kernel refused them, or the
// address was there before, see Existing), and but refused calls and
// calls Send did not send (an unknown device's). Each delete names
// exactly the address its add made (its Key). It returns every failure,
// those of addresses already gone (EADDRNOTAVAIL, ENODEV) included, each
// naming its address.
func (q *AddrQueue) DelAdded(ctx context.Context, c *Client, skip []int) []error {
	return q.requestQueue.DelAdded(ctx, c, skip)
}

// Existing returns the queued calls, ascending, whose address (device,
// local address and prefix length) is already on its device: asked
// before Send, these are the adds that change nothing, even when their
// answer is lost, and that a rollback must not delete. Devices that do
// not exist have no addresses. It lists the addresses of the queue's
// devices once.
func (q *AddrQueue) Existing(ctx context.Context, c *Client) ([]int, error) {
	devs := c.devs()
	idx := make([]int, len(q.devs))
	on := map[int]bool{}
	for k, d := range q.devs {
		i, err := devs.index(ctx, q.op, d.field, d.name)
		var ae *ArgError
		if err != nil && !errors.As(err, &ae) {
			return nil, err
		}
		idx[k] = i
		if i != 0 {
			on[i] = true
		}
	}
	type key struct {
		ifindex   int
		local     netip.Addr
		prefixlen int
	}
	have := map[key]bool{}
	if len(on) > 0 {
		var f AddrFilter
		if len(on) == 1 {
			for i := range on {
				f.Ifindex = i
			}
		}
		err := c.EachAddr(ctx, f, func(x Address) error {
			if on[x.Ifindex] {
				have[key{x.Ifindex, x.Local, x.Prefixlen}] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var out []int
	if len(have) == 0 {
		return out, nil
	}
	var d codec.Decoder
	var a Address
	q.each(func(i int, rec []byte) bool {
		if len(rec) == 0 || decodeAddrInto(&a, rec, &d) != nil {
			return true
		}
		ifindex := int(binary.LittleEndian.Uint32(rec[4:8]))
		if ifindex&devPlaceholder != 0 {
			ifindex = idx[ifindex&^devPlaceholder]
		}
		if have[key{ifindex, a.Local, a.Prefixlen}] {
			out = append(out, i)
		}
		return true
	})
	return out, nil
}

// addrKind is the requestKind of address adds.
type addrKind struct{}

// devSlots is the ifaddrmsg's ifindex.
func (addrKind) devSlots(rec []byte, dst []int) []int {
	if len(rec) < ifaddrmsgLen {
		return dst
	}
	return append(dst, 4)
}

// describe is the address as errors name it (see Address.object).
func (addrKind) describe(rec []byte, devName func(int) string) string {
	var a Address
	var d codec.Decoder
	if err := decodeAddrInto(&a, rec, &d); err != nil {
		return "address"
	}
	a.Dev = devName(a.Ifindex)
	return a.object()
}

// appendUndo is the delete of the address's Key.
func (addrKind) appendUndo(_ context.Context, dst, rec []byte, _ *devResolver) (uint16, []byte, error) {
	var a Address
	var d codec.Decoder
	if err := decodeAddrInto(&a, rec, &d); err != nil {
		return 0, dst, err
	}
	key := a.Key()
	fam, err := key.normalize("addr del")
	if err != nil {
		return 0, dst, err
	}
	b, err := appendAddr(dst, &key, fam, true)
	return rtmDelAddr, b, err
}
