package tcpmetrics

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// Entry is one cached destination, with the fields `ip -j tcp_metrics`
// prints (dst, source, age, rtt and rttvar in microseconds, ssthresh,
// cwnd, reordering, fo_mss, ...). Nil values were not reported.
type Entry struct {
	Dst    netip.Addr `json:"dst"`
	Source netip.Addr `json:"source,omitzero"`
	// AgeMs is how long ago the entry was updated, in milliseconds.
	AgeMs        uint64  `json:"age_ms"`
	RTT          *uint32 `json:"rtt,omitempty"`
	RTTVar       *uint32 `json:"rttvar,omitempty"`
	SSThresh     *uint32 `json:"ssthresh,omitempty"`
	Cwnd         *uint32 `json:"cwnd,omitempty"`
	Reordering   *uint32 `json:"reordering,omitempty"`
	FopenMSS     *uint16 `json:"fo_mss,omitempty"`
	FopenDrops   *uint16 `json:"fo_syn_drops,omitempty"`
	FopenCookie  []byte  `json:"fo_cookie,omitempty"`
	TWTsStampSec *int32  `json:"tw_ts_stamp,omitempty"`
}

// Decode reads one GET reply's attributes through the schema.
func Decode(attrs []byte) (*Entry, error) {
	t, err := attrSchema().Decode(attrs)
	if err != nil {
		return nil, fmt.Errorf("tcp_metrics: %w", err)
	}
	var e Entry
	addr := func(names ...string) netip.Addr {
		for _, n := range names {
			if v, ok := t.Get(n); ok {
				if a, ok := v.(netip.Addr); ok {
					return a
				}
			}
		}
		return netip.Addr{}
	}
	e.Dst = addr("dst4", "dst6")
	e.Source = addr("source4", "source6")
	// An attribute of the wrong size decodes as codec.Raw: the checked
	// assertions below skip it instead of panicking.
	if v, ok := t.Get("age_ms"); ok {
		e.AgeMs, _ = v.(uint64)
	}
	if v, ok := t.Get("tw_ts_stamp"); ok {
		if n, ok := v.(int64); ok {
			s := int32(n)
			e.TWTsStampSec = &s
		}
	}
	if v, ok := t.Get("fopen_mss"); ok {
		if n, ok := v.(uint64); ok {
			m := uint16(n)
			e.FopenMSS = &m
		}
	}
	if v, ok := t.Get("fopen_syn_drops"); ok {
		if n, ok := v.(uint64); ok {
			m := uint16(n)
			e.FopenDrops = &m
		}
	}
	if v, ok := t.Get("fopen_cookie"); ok {
		e.FopenCookie, _ = v.([]byte)
	}
	if vals, ok := t.Get("vals"); ok {
		vals, _ := vals.(*codec.Tree)
		u32 := func(name string) *uint32 {
			if vals == nil {
				return nil
			}
			if x, ok := vals.Get(name); ok {
				if v, ok := x.(uint64); ok {
					n := uint32(v)
					return &n
				}
			}
			return nil
		}
		// The kernel keeps TCP's scaled estimators: the smoothed RTT
		// times 8 and the variance times 4 (as tcp_sock's srtt_us and
		// mdev_us). Entry holds plain microseconds, as ip prints them.
		// Kernels before the _US metrics report milliseconds only.
		e.RTT = scaled(u32("rtt"), u32("rtt_ms"), 3)
		e.RTTVar = scaled(u32("rttvar"), u32("rttvar_ms"), 2)
		e.SSThresh, e.Cwnd, e.Reordering = u32("ssthresh"), u32("cwnd"), u32("reordering")
	}
	if !e.Dst.IsValid() {
		return nil, fmt.Errorf("tcp_metrics: entry without destination address")
	}
	return &e, nil
}

// scaled returns the microseconds of a scaled estimator given in
// microseconds (us) or, failing that, milliseconds (ms).
func scaled(us, ms *uint32, shift uint) *uint32 {
	var v uint32
	switch {
	case us != nil:
		v = *us
	case ms != nil:
		v = *ms * 1000
	default:
		return nil
	}
	v >>= shift
	return &v
}

// Client reads and flushes the TCP metrics cache.
type Client struct {
	g *genl.Client
}

// New returns a Client over g and registers the family's schema on g.
func New(g *genl.Client) *Client {
	g.RegisterFunc(FamilyName, Schema)
	return &Client{g: g}
}

// EncodeAddrs encodes a destination and an optional source address.
func EncodeAddrs(dst, src netip.Addr) ([]byte, error) {
	e := codec.NewEncoder(nil)
	put := func(a netip.Addr, v4, v6 uint16) {
		if !a.IsValid() {
			return
		}
		if a.Is4() || a.Is4In6() {
			e.Addr(v4, a.Unmap())
		} else {
			e.Addr(v6, a)
		}
	}
	put(dst, attrAddrIPv4, attrAddrIPv6)
	put(src, attrSaddrIPv4, attrSaddrIPv6)
	return e.Encode()
}

// List dumps every entry (`ip tcp_metrics show`).
func (c *Client) List(ctx context.Context) ([]Entry, error) {
	var out []Entry
	err := c.g.DumpEach(ctx, FamilyName, CmdGet, nil, func(m genl.Message) error {
		e, err := Decode(m.Attrs)
		if err != nil {
			return err
		}
		out = append(out, *e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tcp_metrics: list: %w", err)
	}
	return out, nil
}

// Get reads the entry of dst (and src, when valid). A missing entry is an
// error matching unix.ESRCH, as the kernel reports it.
func (c *Client) Get(ctx context.Context, dst, src netip.Addr) (*Entry, error) {
	attrs, err := EncodeAddrs(dst, src)
	if err != nil {
		return nil, err
	}
	msgs, err := c.g.Do(ctx, FamilyName, CmdGet, 0, attrs)
	if err != nil {
		return nil, fmt.Errorf("tcp_metrics: get %s: %w", dst, err)
	}
	if len(msgs) != 1 {
		return nil, fmt.Errorf("tcp_metrics: get %s: %d replies, want 1", dst, len(msgs))
	}
	return Decode(msgs[0].Attrs)
}

// Delete removes the entries of dst (and src, when valid)
// (`ip tcp_metrics delete`); with neither address it flushes the whole
// cache (`ip tcp_metrics flush all`).
func (c *Client) Delete(ctx context.Context, dst, src netip.Addr) error {
	attrs, err := EncodeAddrs(dst, src)
	if err != nil {
		return err
	}
	if _, err := c.g.Do(ctx, FamilyName, CmdDel, 0, attrs); err != nil {
		return fmt.Errorf("tcp_metrics: delete %s: %w", dst, err)
	}
	return nil
}
