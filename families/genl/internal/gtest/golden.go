package gtest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// Golden is one message of a package's testdata made by an independent
// implementation (pyroute2, see ../../testdata/gen): the netlink message of
// NAME.hex, its generic netlink part, and NAME.json, the values it was
// made from.
type Golden struct {
	Msg  codec.Message
	Genl genl.Message
	JSON []byte
}

// LoadGolden reads testdata/NAME.hex and testdata/NAME.json.
func LoadGolden(t testing.TB, name string) Golden {
	t.Helper()
	h, err := os.ReadFile("testdata/" + name + ".hex")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(h)))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := codec.ParseMessages(raw)
	if err != nil || len(ms) != 1 {
		t.Fatalf("%s: %d messages, %v", name, len(ms), err)
	}
	gm, err := genl.ParseMessage(ms[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile("testdata/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return Golden{Msg: ms[0], Genl: gm, JSON: js}
}

// SameJSON compares got with the generator's expectation want after both
// went through T's JSON form.
func SameJSON[T any](t testing.TB, name string, got *T, want []byte) {
	t.Helper()
	var w T
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: expectation: %v", name, err)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(&w)
	if !bytes.Equal(gj, wj) {
		t.Fatalf("%s decoded\n got %s\nwant %s", name, gj, wj)
	}
}

// SameBytes wraps attrs nlsh encoded in the golden message's headers and
// compares the whole message with the golden bytes.
func (g Golden) SameBytes(t testing.TB, name string, attrs []byte) {
	t.Helper()
	nm := genl.NetlinkMessage(g.Msg.Header.Type, g.Msg.Header.Flags, genl.Message{Command: g.Genl.Command, Version: g.Genl.Version, Attrs: attrs})
	nm.Header.Seq, nm.Header.PID = g.Msg.Header.Seq, g.Msg.Header.PID
	got, _ := nm.MarshalBinary()
	want, _ := g.Msg.MarshalBinary()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s re-encoded\n got %x\nwant %x", name, got, want)
	}
}
