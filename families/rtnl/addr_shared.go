package rtnl

// Helpers shared by addresses, routes, neighbours and rules: call options,
// device name resolution, and putting op + object on kernel errors.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	"github.com/nlsh/nlsh/core/codec"
)

// Link attributes the device-name helpers use (IFLA_*), and the size of
// struct ifinfomsg.
const (
	ipIFLAIfname   uint16 = 3
	ipIFLAExtMask  uint16 = 29
	ipIfinfomsgLen        = 16
	// RTEXT_FILTER_SKIP_STATS keeps link replies small when all we want
	// is the name.
	ipExtFilterSkipStats uint32 = 1 << 3
)

// CallOption adjusts one address, route, neighbour or rule call.
type CallOption func(*callOptions)

type callOptions struct {
	existOK   bool
	tables    *Tables
	onRestart func() error
}

// ExistOK makes an add succeed when the kernel answers EEXIST and the object
// that exists matches the one asked for, so provisioning can run twice. If
// what exists differs, the EEXIST error is returned.
func ExistOK() CallOption { return func(o *callOptions) { o.existOK = true } }

// WithTables names routing tables from t instead of the files in
// DefaultTablePaths (for route and rule calls).
func WithTables(t *Tables) CallOption { return func(o *callOptions) { o.tables = t } }

// OnRestart tells an Each call (EachLink, EachAddr, EachRoute,
// EachRouteMessage, EachNeigh, EachRule) what to do when the kernel's
// table changed during its dump and the dump started over
// (NLM_F_DUMP_INTR): f runs before fn sees the first object of the new
// attempt, and an error from f ends the dump with that error. A caller
// that collects forgets what it has; one that has handed objects on
// returns ErrStreamRestarted. Without OnRestart, a restart before fn saw
// an object goes unnoticed and one after ends the dump with
// ErrStreamRestarted.
func OnRestart(f func() error) CallOption { return func(o *callOptions) { o.onRestart = f } }

func collectOptions(opts []CallOption) callOptions {
	var o callOptions
	for _, f := range opts {
		f(&o)
	}
	return o
}

// tablesFor returns the table names to use: the caller's, else those read
// from the default paths (a failure to read them leaves the built-ins).
func (o *callOptions) tablesFor() *Tables {
	if o.tables == nil {
		t, err := LoadTables()
		if err != nil {
			t = BuiltinTables()
		}
		o.tables = t
	}
	return o.tables
}

// devResolver resolves device names to indexes and back for one call,
// asking the kernel at most once per name.
type devResolver struct {
	c      *Client
	byName map[string]int
	byIdx  map[int]string
	all    bool // byIdx holds every link
	// deferTo, when set, resolves no name: index answers the name's
	// placeholder in a queue of requests, patched when it is sent.
	deferTo *requestQueue
}

func (c *Client) devs() *devResolver {
	return &devResolver{c: c, byName: map[string]int{}, byIdx: map[int]string{}}
}

// index returns the ifindex of the device called name, asking with
// RTM_GETLINK and IFLA_IFNAME. An unknown name is an *ArgError naming it.
func (r *devResolver) index(ctx context.Context, op, field, name string) (int, error) {
	if i, ok := r.byName[name]; ok {
		return i, nil
	}
	if len(name) == 0 || len(name) > 15 {
		return 0, badArg(field, name, "device names are 1 to 15 bytes")
	}
	if r.deferTo != nil {
		return r.deferTo.placeholder(field, name), nil
	}
	e := codec.NewEncoder(make([]byte, ipIfinfomsgLen, 64))
	e.String(ipIFLAIfname, name)
	e.Uint32(ipIFLAExtMask, ipExtFilterSkipStats)
	b, err := e.Encode()
	if err != nil {
		return 0, badArg(field, name, "%v", err)
	}
	msgs, err := r.c.conn.Execute(ctx, codec.Message{Header: codec.Header{Type: rtmGetLink}, Data: b})
	if err != nil {
		if errors.Is(err, syscall.ENODEV) {
			return 0, badArg(field, name, "no such device")
		}
		return 0, fmt.Errorf("%s: resolve %s %q: %w", op, field, name, err)
	}
	for _, m := range msgs {
		if len(m.Data) >= ipIfinfomsgLen {
			i := int(int32(binary.LittleEndian.Uint32(m.Data[4:8])))
			r.byName[name], r.byIdx[i] = i, name
			return i, nil
		}
	}
	return 0, badArg(field, name, "no such device")
}

// resolve fills an index from a name, checking both agree when both given.
func (r *devResolver) resolve(ctx context.Context, op, field, name string, idx int) (int, error) {
	if name == "" {
		if idx < 0 {
			return 0, badArg("ifindex", fmt.Sprint(idx), "negative interface index")
		}
		return idx, nil
	}
	i, err := r.index(ctx, op, field, name)
	if err != nil {
		return 0, err
	}
	if idx != 0 && idx != i {
		return 0, badArg(field, name, "is ifindex %d, not the %d given", i, idx)
	}
	return i, nil
}

// name returns the name of ifindex idx ("" if unknown). It never asks the
// kernel: a dump's callback must not send requests on the conn the dump
// is reading, so list calls load every name with loadAll first.
func (r *devResolver) name(idx int) string {
	if idx == 0 {
		return ""
	}
	return r.byIdx[idx]
}

// loadAll dumps the links once and remembers every name and index.
func (r *devResolver) loadAll(ctx context.Context) error {
	if r.all {
		return nil
	}
	e := codec.NewEncoder(make([]byte, ipIfinfomsgLen, 32))
	e.Uint32(ipIFLAExtMask, ipExtFilterSkipStats)
	b, _ := e.Encode()
	var d codec.Decoder
	err := r.c.conn.Dump(ctx, codec.Message{Header: codec.Header{Type: rtmGetLink, Flags: codec.Dump}, Data: b}, func(m codec.Message) error {
		if isDumpRestart(m) { // names may have moved: take the new attempt's
			clear(r.byIdx)
			clear(r.byName)
			return nil
		}
		if len(m.Data) < ipIfinfomsgLen {
			return nil
		}
		i := int(int32(binary.LittleEndian.Uint32(m.Data[4:8])))
		d.Reset(m.Data[ipIfinfomsgLen:])
		for d.Next() {
			if d.Type() == ipIFLAIfname {
				n := d.String()
				r.byIdx[i], r.byName[n] = n, i
			}
		}
		return d.Err()
	})
	if err != nil {
		return fmt.Errorf("list link names: %w", err)
	}
	r.all = true
	return nil
}

// annotate puts the op and object on a kernel error answering a request of
// type typ (see kernelErr).
func annotate(err error, typ uint16, object string) error {
	return kernelErr(err, codec.Message{Header: codec.Header{Type: typ}}, object)
}

// execute sends one request and puts op and object on its error.
func (c *Client) execute(ctx context.Context, typ, flags uint16, data []byte, object string) ([]codec.Message, error) {
	m := codec.Message{Header: codec.Header{Type: typ, Flags: flags}, Data: data}
	msgs, err := c.conn.Execute(ctx, m)
	return msgs, kernelErr(err, m, object)
}

// batch sends requests in few syscalls and puts op and object on each
// error.
func (c *Client) batch(ctx context.Context, ms []codec.Message, object func(i int) string) ([]error, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	errs, err := c.conn.Batch(ctx, ms)
	if err != nil {
		return errs, fmt.Errorf("%s batch of %d: %w", MessageName(ms[0].Header.Type), len(ms), err)
	}
	for i := range errs {
		if i < len(ms) && errs[i] != nil {
			errs[i] = kernelErr(errs[i], ms[i], object(i))
		}
	}
	return errs, nil
}

// ipFlagNames turns bits into names in table order; unknown bits are printed
// in hex so nothing is lost.
func ipFlagNames(v uint32, table []ipFlagName) []string {
	if v == 0 {
		return nil
	}
	var out []string
	for _, f := range table {
		if v&f.bit != 0 {
			out = append(out, f.name)
			v &^= f.bit
		}
	}
	if v != 0 {
		out = append(out, fmt.Sprintf("%#x", v))
	}
	return out
}

// ipFlagBits turns names back into bits; an unknown name is an *ArgError.
func ipFlagBits(field string, names []string, table []ipFlagName) (uint32, error) {
	var v uint32
next:
	for _, n := range names {
		for _, f := range table {
			if f.name == n {
				v |= f.bit
				continue next
			}
		}
		return 0, badArg(field, n, "unknown flag")
	}
	return v, nil
}

type ipFlagName struct {
	bit  uint32
	name string
}

// ipEnumName and ipEnumValue map small integers to ip's words and back.
type ipEnumEntry struct {
	v    uint32
	name string
}

func ipEnumName(v uint32, table []ipEnumEntry) string {
	for _, e := range table {
		if e.v == v {
			return e.name
		}
	}
	return fmt.Sprint(v)
}

func ipEnumValue(field, name string, table []ipEnumEntry, max uint64) (uint32, error) {
	for _, e := range table {
		if e.name == name {
			return e.v, nil
		}
	}
	var v uint64
	if _, err := fmt.Sscan(name, &v); err == nil && v <= max && fmt.Sprint(v) == name {
		return uint32(v), nil
	}
	return 0, badArg(field, name, "unknown value")
}

// Scopes (RT_SCOPE_*) as ip spells them; also read from rt_scopes by ip.
var ipScopes = []ipEnumEntry{
	{0, "global"}, {200, "site"}, {253, "link"}, {254, "host"}, {255, "nowhere"},
}

// isExist reports a kernel EEXIST answer.
func isExist(err error) bool { return errors.Is(err, syscall.EEXIST) }
