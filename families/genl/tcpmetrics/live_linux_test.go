package tcpmetrics_test

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/families/genl/tcpmetrics"
	"github.com/nlsh/nlsh/internal/kernel"
	"github.com/nlsh/nlsh/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// connect makes one TCP connection over loopback inside ns, moves some
// data and closes it, so the kernel saves metrics for 127.0.0.1.
func connect(t *testing.T, ns *testutil.NS) {
	ns.IP("link", "set", "lo", "up")
	ns.Do(func() error {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer ln.Close()
		done := make(chan error, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				done <- err
				return
			}
			_, err = io.Copy(io.Discard, c)
			c.Close()
			done <- err
		}()
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			return err
		}
		if _, err := c.Write(make([]byte, 256<<10)); err != nil {
			return err
		}
		// The active closer updates the metrics as it enters TIME_WAIT.
		if err := c.Close(); err != nil {
			return err
		}
		return <-done
	})
}

func TestLiveTCPMetrics(t *testing.T) {
	kernel.Require(t, kernel.Root(), kernel.GenlFamily(tcpmetrics.FamilyName))
	testutil.RequireCommand(t, "ip", "iproute2")
	ns := testutil.NewNetNS(t)
	c := tcpmetrics.New(gtest.Dial(t, ns))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	if es, err := c.List(ctx); err != nil || len(es) != 0 {
		t.Fatalf("fresh namespace: %+v, %v", es, err)
	}
	connect(t, ns)
	lo := netip.MustParseAddr("127.0.0.1")
	es, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ipJSON []struct {
		Dst    string  `json:"dst"`
		Source string  `json:"source"`
		RTT    float64 `json:"rtt"` // seconds
		RTTVar float64 `json:"rttvar"`
		Cwnd   uint32  `json:"cwnd"`
	}
	ns.IPJSON(&ipJSON, "tcp_metrics", "show")
	if len(es) != 1 || es[0].Dst != lo || len(ipJSON) != 1 || ipJSON[0].Dst != "127.0.0.1" {
		t.Fatalf("nlsh %+v, ip tcp_metrics %+v: want one entry for 127.0.0.1 in both", es, ipJSON)
	}
	e := es[0]
	if e.Source.String() != ipJSON[0].Source || e.RTT == nil || *e.RTT != uint32(math.Round(ipJSON[0].RTT*1e6)) ||
		e.RTTVar == nil || *e.RTTVar != uint32(math.Round(ipJSON[0].RTTVar*1e6)) || e.Cwnd == nil || *e.Cwnd != ipJSON[0].Cwnd {
		t.Fatalf("nlsh %+v (rtt %d rttvar %d cwnd %d), ip tcp_metrics %+v", e, deref(e.RTT), deref(e.RTTVar), deref(e.Cwnd), ipJSON[0])
	}

	got, err := c.Get(ctx, lo, netip.Addr{})
	if err != nil || got.Dst != lo || *got.RTT != *e.RTT {
		t.Fatalf("get 127.0.0.1: %+v, %v", got, err)
	}
	if err := c.Delete(ctx, lo, netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, lo, netip.Addr{}); !errors.Is(err, unix.ESRCH) {
		t.Fatalf("get after delete: %v, want ESRCH", err)
	}
	if out := ns.IP("tcp_metrics", "show"); out != "" {
		t.Fatalf("ip tcp_metrics still shows %q", out)
	}
}

func deref(p *uint32) int64 {
	if p == nil {
		return -1
	}
	return int64(*p)
}
