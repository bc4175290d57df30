package genl_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/ethtool"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
	"github.com/nlsh/nlsh/internal/testutil"
)

// ethtoolFeaturesNtf is ETHTOOL_MSG_FEATURES_NTF (kernel to user).
const ethtoolFeaturesNtf = ethtool.MsgFeaturesSetReply + 1

// TestEventsEthtoolMonitor listens on ethtool's "monitor" group in a
// throwaway namespace, turns GRO on (veths start with it off) on a veth through another
// connection, and waits for the FEATURES_NTF naming that veth.
func TestEventsEthtoolMonitor(t *testing.T) {
	ns := testutil.NewNetNS(t)
	ns.IP("link", "add", "ev0", "type", "veth", "peer", "name", "ev1")
	listener := gtest.Dial(t, ns, ethtool.Schema())
	setter := ethtool.New(gtest.Dial(t, ns))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Join before changing anything, so the notification is queued for us.
	if _, err := listener.JoinGroup(ctx, ethtool.FamilyName, "monitor"); err != nil {
		t.Fatal(err)
	}
	if err := setter.SetFeatures(ctx, ethtool.Device{Name: "ev0"}, map[string]bool{"rx-gro": true}); err != nil {
		t.Fatal(err)
	}
	var dev string
	err := listener.Listen(ctx, ethtool.FamilyName, func(ev genl.Event) error {
		if ev.Command != ethtoolFeaturesNtf {
			return nil
		}
		// ethtool's schema decodes FEATURES_NTF (its reply row for the
		// monitor group): the header nest names the device.
		tr, err := ev.Decode()
		if err != nil {
			return err
		}
		h, _ := tr.Get("header")
		ht, ok := h.(*codec.Tree)
		if !ok {
			return fmt.Errorf("FEATURES_NTF without a decoded header: %s", tr)
		}
		if n, ok := ht.Get("dev_name"); ok {
			dev, _ = n.(string)
		}
		if dev == "ev0" {
			return genl.ErrStop
		}
		return nil
	})
	if err != nil {
		t.Fatalf("waiting for FEATURES_NTF of ev0: %v (last device %q)", err, dev)
	}
	if err := listener.LeaveGroup(ctx, ethtool.FamilyName, "monitor"); err != nil {
		t.Fatal(err)
	}

	// Events itself: joins, stops on ErrStop... and ends with ctx.
	short, cancel2 := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel2()
	err = listener.Events(short, ethtool.FamilyName, "monitor", func(genl.Event) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Events with nothing happening: %v, want the deadline", err)
	}
}
