package nl80211

import (
	"context"
	"errors"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// ErrScanAborted reports a scan the kernel aborted
// (NL80211_CMD_SCAN_ABORTED), for example because the interface went
// down.
var ErrScanAborted = errors.New("nl80211: scan aborted")

// TriggerScan starts a scan on interface ifindex (NL80211_CMD_TRIGGER_SCAN)
// and returns once the kernel accepted it; the results come later (see
// Scan).
func (c *Client) TriggerScan(ctx context.Context, ifindex uint32, r *ScanRequest) error {
	attrs, err := EncodeTriggerScan(ifindex, r)
	if err != nil {
		return err
	}
	if _, err := c.g.Do(ctx, FamilyName, CmdTriggerScan, 0, attrs); err != nil {
		return fmt.Errorf("nl80211: trigger scan on interface %d: %w", ifindex, err)
	}
	return nil
}

// ScanResults dumps the BSSs interface ifindex knows (NL80211_CMD_GET_SCAN).
func (c *Client) ScanResults(ctx context.Context, ifindex uint32) ([]BSS, error) {
	attrs, err := encodeIfindex(ifindex)
	if err != nil {
		return nil, err
	}
	var out []BSS
	err = c.g.DumpEach(ctx, FamilyName, CmdGetScan, attrs, func(m genl.Message) error {
		v, err := DecodeBSS(m.Attrs)
		if err != nil {
			return err
		}
		out = append(out, *v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nl80211: scan results of interface %d: %w", ifindex, err)
	}
	return out, nil
}

// Scan runs a scan on interface ifindex and returns its results: it joins
// the "scan" multicast group, triggers the scan, waits for
// NEW_SCAN_RESULTS (or SCAN_ABORTED: ErrScanAborted) for this interface,
// leaves the group and dumps the results. ctx bounds the wait. The
// trigger's ack always precedes the completion event, so the event is not
// lost to the trigger request on the same connection.
func (c *Client) Scan(ctx context.Context, ifindex uint32, r *ScanRequest) ([]BSS, error) {
	if _, err := c.g.JoinGroup(ctx, FamilyName, GroupScan); err != nil {
		return nil, fmt.Errorf("nl80211: scan: %w", err)
	}
	defer func() { _ = c.g.LeaveGroup(context.WithoutCancel(ctx), FamilyName, GroupScan) }()
	if err := c.TriggerScan(ctx, ifindex, r); err != nil {
		return nil, err
	}
	var aborted bool
	err := c.g.Listen(ctx, FamilyName, func(ev genl.Event) error {
		if ev.Command != CmdNewScanResults && ev.Command != CmdScanAborted {
			return nil
		}
		if idx, ok := eventIfindex(ev.Attrs); !ok || idx != ifindex {
			return nil
		}
		aborted = ev.Command == CmdScanAborted
		return genl.ErrStop
	})
	if err != nil {
		return nil, fmt.Errorf("nl80211: wait for scan on interface %d: %w", ifindex, err)
	}
	if aborted {
		return nil, fmt.Errorf("interface %d: %w", ifindex, ErrScanAborted)
	}
	return c.ScanResults(ctx, ifindex)
}

func eventIfindex(attrs []byte) (uint32, bool) {
	d := codec.NewDecoder(attrs)
	for d.Next() {
		if d.Type() == attrIfindex {
			return d.Uint32(), d.Err() == nil
		}
	}
	return 0, false
}
