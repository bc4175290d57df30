package nfnl_test

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/nltest"
	"github.com/nlsh/nlsh/families/nfnl"
)

type fixedResolver struct{}

func (fixedResolver) IfIndex(string) (uint32, error) { return 1, nil }
func (fixedResolver) IfName(uint32) (string, error)  { return "lo", nil }

// TestTxBatchLayout checks, without a kernel, what Commit sends: one
// datagram BATCH_BEGIN (res_id NFNL_SUBSYS_NFTABLES, the pinned
// generation id) ... BATCH_END, operations in order, an ack asked of the
// last operation only (kernels before 6.10 never answer BATCH_END), and
// anonymous sets before the rule that uses them.
func TestTxBatchLayout(t *testing.T) {
	var sent []codec.Message
	conn := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		sent = append(sent, req...)
		return nil, nil
	}, nil)
	c := nfnl.New(conn, &nfnl.Options{Resolver: fixedResolver{}})
	defer c.Close()
	tx := c.Begin()
	tx.SetGeneration(42)
	tx.AddTable(&nfnl.Table{Family: "inet", Name: "t"})
	tx.AddChain(&nfnl.Chain{Family: "inet", Table: "t", Name: "c", Type: "filter", Hook: "input", Priority: "filter", Policy: "drop"})
	tx.AddRule(&nfnl.Rule{Family: "inet", Table: "t", Chain: "c", Text: "tcp dport { 22, 80 } accept"})
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []uint16{0x10, 0xa00, 0xa03, 0xa09, 0xa0c, 0xa06, 0x11}
	if len(sent) != len(want) {
		t.Fatalf("sent %d messages, want %d", len(sent), len(want))
	}
	for i, m := range sent {
		if m.Header.Type != want[i] {
			t.Errorf("message %d has type %#x, want %#x", i, m.Header.Type, want[i])
		}
		ack := m.Header.Flags&codec.Acknowledge != 0
		if wantAck := i == len(sent)-2; ack != wantAck {
			t.Errorf("message %d (type %#x): ack %v, want %v", i, m.Header.Type, ack, wantAck)
		}
	}
	b := sent[0].Data
	if len(b) != 12 || b[2] != 0 || b[3] != 10 || b[8] != 0 || b[11] != 42 {
		t.Errorf("BATCH_BEGIN payload %x: want res_id 10 and NFNL_BATCH_GENID 42", b)
	}
	if rule := sent[5]; rule.Header.Flags&(codec.Create|codec.Append) != codec.Create|codec.Append {
		t.Errorf("NEWRULE flags %#x lack CREATE|APPEND", rule.Header.Flags)
	}
}

// TestTxErrorNamesOperation: the kernel's error for one message of the
// batch is reported for the operation (and rule text) that made it.
func TestTxErrorNamesOperation(t *testing.T) {
	conn := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		// message 0 is BATCH_BEGIN, so operation 10 is message 10
		return []codec.Message{nltest.Ack(req[10], syscall.EOPNOTSUPP)}, nil
	}, nil)
	c := nfnl.New(conn, nil)
	defer c.Close()
	tx := c.Begin()
	for i := 0; i < 12; i++ {
		text := "accept"
		if i == 9 {
			text = "udp dport 53 drop"
		}
		tx.AddRule(&nfnl.Rule{Family: "ip", Table: "t", Chain: "c", Text: text})
	}
	err := tx.Commit(context.Background())
	var oe *nfnl.OpError
	if !errors.As(err, &oe) || oe.Index != 10 || oe.Text != "udp dport 53 drop" || !errors.Is(err, syscall.EOPNOTSUPP) {
		t.Fatalf("Commit: %v", err)
	}
}

// TestTxArgumentErrors: bad input fails at Commit naming the operation,
// and nothing is sent.
func TestTxArgumentErrors(t *testing.T) {
	sent := 0
	conn := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		sent += len(req)
		return nil, nil
	}, nil)
	c := nfnl.New(conn, nil)
	defer c.Close()
	for _, tc := range []struct {
		name string
		op   func(tx *nfnl.Tx)
	}{
		{"family", func(tx *nfnl.Tx) { tx.AddTable(&nfnl.Table{Family: "ipx", Name: "t"}) }},
		{"rule text", func(tx *nfnl.Tx) {
			tx.AddRule(&nfnl.Rule{Family: "ip", Table: "t", Chain: "c", Text: "tcp dport frobnicate accept"})
		}},
		{"hook", func(tx *nfnl.Tx) {
			tx.AddChain(&nfnl.Chain{Family: "ip", Table: "t", Name: "c", Type: "filter", Hook: "sideways"})
		}},
		{"set element", func(tx *nfnl.Tx) {
			tx.AddSet(&nfnl.Set{Family: "ip", Table: "t", Name: "s", Type: "ipv4_addr", Elements: []nfnl.Element{{Key: "10.0.0.300"}}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := c.Begin()
			tx.AddTable(&nfnl.Table{Family: "ip", Name: "t"})
			tc.op(tx)
			err := tx.Commit(context.Background())
			if err == nil || tx.Err() == nil {
				t.Fatal("no error")
			}
			if want := "operation 2"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
		})
	}
	if sent != 0 {
		t.Errorf("%d messages sent for failed transactions", sent)
	}
}

// TestTxChecksSetsItMade: a rule that adds to or looks up a set made
// earlier in the same transaction is checked against it, before anything
// is sent: a key of another type, an element timeout the set has no room
// for. A set the transaction did not make is the kernel's to check.
func TestTxChecksSetsItMade(t *testing.T) {
	conn := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) { return nil, nil }, nil)
	c := nfnl.New(conn, &nfnl.Options{Resolver: fixedResolver{}})
	defer c.Close()
	for text, want := range map[string]string{
		"add @a4 { ip6 saddr }":               "@a4 holds ipv4_addr, not ipv6_addr",
		"update @a4 { ip saddr timeout 30s }": "@a4 has no timeouts",
		"tcp dport @a4 accept":                "@a4 holds ipv4_addr, not inet_service",
		"add @a4 { ip saddr }":                "",
		"add @elsewhere { ip6 saddr }":        "",
	} {
		tx := c.Begin()
		tx.AddTable(&nfnl.Table{Family: "inet", Name: "t"})
		tx.AddChain(&nfnl.Chain{Family: "inet", Table: "t", Name: "c"})
		tx.AddSet(&nfnl.Set{Family: "inet", Table: "t", Name: "a4", Type: "ipv4_addr", Flags: nfnl.SetEval})
		tx.AddRule(&nfnl.Rule{Family: "inet", Table: "t", Chain: "c", Text: text})
		err := tx.Err()
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
	tx := c.Begin()
	tx.AddSet(&nfnl.Set{Family: "inet", Table: "t", Name: "a4", Type: "ipv4_addr"})
	tx.DelSet(&nfnl.Set{Family: "inet", Table: "t", Name: "a4"})
	tx.AddRule(&nfnl.Rule{Family: "inet", Table: "t", Chain: "c", Text: "add @a4 { ip6 saddr }"})
	if err := tx.Err(); err != nil {
		t.Errorf("a set deleted again is not checked against: %v", err)
	}
}
