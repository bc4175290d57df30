package nfnl_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/nltest"
	"github.com/nlsh/nlsh/families/nfnl"
)

// TestFlowtableGolden: nlsh encodes a flowtable as nft does (the test
// kernel has no flowtable support, so this is checked against nft's bytes
// only).
func TestFlowtableGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/golden/flowtable.txt")
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, line := range strings.Split(string(b), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			if want, err = hex.DecodeString(line); err != nil {
				t.Fatal(err)
			}
		}
	}
	var got *codec.Message
	conn := nltest.Dial(func(req []codec.Message) ([]codec.Message, error) {
		for i := range req {
			if req[i].Header.Type == 10<<8|22 {
				m := req[i]
				m.Data = bytes.Clone(m.Data)
				got = &m
			}
		}
		return nil, nil
	}, nil)
	c := nfnl.New(conn, nil)
	defer c.Close()
	tx := c.Begin()
	tx.AddFlowtable(&nfnl.Flowtable{Family: "inet", Table: "t", Name: "ft", Prio: 1, Devices: []string{"lo"}})
	if err := tx.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Data[0] != 1 || !bytes.Equal(got.Data[4:], want) {
		t.Fatalf("NEWFLOWTABLE %+v\nwant attributes %x", got, want)
	}
}
