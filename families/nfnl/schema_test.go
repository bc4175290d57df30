package nfnl

import (
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// The protocol table is built on first use: it is one value, names every
// nf_tables message the family sends, names them for the socket's errors
// as it does itself, and encodes and decodes a message by attribute name.
func TestProtocolLazy(t *testing.T) {
	p := Protocol()
	if p == nil || Protocol() != p {
		t.Fatal("Protocol() is not one value")
	}
	for _, typ := range []uint16{msgBatchBegin, msgBatchEnd, msgType(msgNewTable), msgType(msgNewChain),
		msgType(msgNewRule), msgType(msgNewSet), msgType(msgNewSetElem), msgType(msgGetGen), msgType(msgDelFlowtable)} {
		ms := p.Message(typ)
		if ms == nil || ms.Header == nil {
			t.Errorf("type %#x: no message schema", typ)
			continue
		}
		if got := (typeNamer{}).TypeName(typ); got != ms.Name {
			t.Errorf("type %#x: socket name %q, table name %q", typ, got, ms.Name)
		}
	}
	ms := p.Message(msgType(msgNewChain))
	b, err := ms.EncodeMap(map[string]any{"family": 1}, map[string]any{
		"table": "filter", "name": "input",
		"hook": map[string]any{"hooknum": 1, "priority": 0},
	})
	if err != nil {
		t.Fatal(err)
	}
	h, attrs, err := ms.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := h.Get("family"); v != uint64(1) {
		t.Errorf("family = %v", v)
	}
	if v, _ := attrs.Get("name"); v != "input" {
		t.Errorf("name = %v", v)
	}
	if got := codec.AttrPath(ms, b, codec.HeaderLen+4); got == "" {
		t.Error("AttrPath names nothing in a NEWCHAIN")
	}
}
