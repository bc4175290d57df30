package nfnl

import (
	"bytes"
	"context"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/nltest"
)

// FuzzDecodeEvent decodes a monitor event of any type from any bytes
// (what a process committing to nf_tables makes the kernel multicast): it
// may fail, never panic. The seeds are the messages of a transaction
// nlsh sends, which events repeat.
func FuzzDecodeEvent(f *testing.F) {
	var sent []codec.Message
	c := New(nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		for _, m := range req {
			m.Data = bytes.Clone(m.Data)
			sent = append(sent, m)
		}
		return nil, nil
	}, nil), nil)
	defer c.Close()
	tx := c.Begin()
	tx.AddTable(&Table{Family: "inet", Name: "t"})
	tx.AddChain(&Chain{Family: "inet", Table: "t", Name: "c", Type: "filter", Hook: "input", Priority: "filter", Policy: "accept"})
	set := &Set{Family: "inet", Table: "t", Name: "s", Type: "ipv4_addr", Flags: SetInterval}
	tx.AddSet(set)
	tx.AddElements(set, Element{Key: "10.0.0.0/8"}, Element{Key: "192.168.1.1"})
	tx.AddObject(&Object{Family: "inet", Table: "t", Name: "cnt", Type: "counter"})
	tx.AddObject(&Object{Family: "inet", Table: "t", Name: "h", Type: "ct helper", CtHelper: &CtHelper{Type: "ftp", Protocol: "tcp"}})
	tx.AddObject(&Object{Family: "inet", Table: "t", Name: "e", Type: "ct expectation",
		CtExpectation: &CtExpectation{Protocol: "tcp", DPort: 5432, TimeoutMS: 1000, Size: 2}})
	tx.AddObject(&Object{Family: "inet", Table: "t", Name: "p", Type: "ct timeout",
		CtTimeout: &CtTimeout{Protocol: "tcp", Policy: map[string]uint32{"established": 9}}})
	tx.AddObject(&Object{Family: "inet", Table: "t", Name: "s", Type: "secmark", Secmark: &Secmark{Context: "x"}})
	for _, r := range []string{"tcp dport { 22, 80 } ct state new counter accept", "ip saddr @s drop", "meta mark set 0x10 log prefix \"x\""} {
		tx.AddRule(&Rule{Family: "inet", Table: "t", Chain: "c", Text: r})
	}
	if err := tx.Commit(context.Background()); err != nil {
		f.Fatal(err)
	}
	for _, m := range sent {
		f.Add(m.Header.Type, m.Data)
	}
	f.Add(uint16(subsysNFTables<<8|msgNewGen), []byte{2, 0, 0, 0, 8, 0, 1, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, typ uint16, data []byte) {
		_, _, _ = c.decodeEvent(codec.Message{Header: codec.Header{Type: typ}, Data: data})
	})
}
