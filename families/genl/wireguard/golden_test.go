package wireguard

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

// The golden messages in testdata were encoded by pyroute2's wgmsg,
// driven by ../testdata/gen/gen.py, with the values in the .json beside
// each one.

func golden(t *testing.T, name string) (codec.Message, genl.Message, []byte) {
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
	return ms[0], gm, js
}

// sameJSON compares got with the generator's expectation after both went
// through v's JSON form.
func sameJSON[T any](t *testing.T, name string, got *T, want []byte) {
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

// reencode wraps attrs like the golden message and compares the bytes.
func reencode(t *testing.T, name string, m codec.Message, gm genl.Message, attrs []byte) {
	t.Helper()
	nm := genl.NetlinkMessage(m.Header.Type, m.Header.Flags, genl.Message{Command: gm.Command, Version: gm.Version, Attrs: attrs})
	nm.Header.Seq, nm.Header.PID = m.Header.Seq, m.Header.PID
	got, _ := nm.MarshalBinary()
	want, _ := m.MarshalBinary()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s re-encoded\n got %x\nwant %x", name, got, want)
	}
}

// schemaRoundTrip decodes through the family schema and encodes back.
func schemaRoundTrip(t *testing.T, name string, attrs []byte) *codec.Tree {
	t.Helper()
	tree, err := Schema.Attrs.Decode(attrs)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tree.Fields {
		if strings.HasPrefix(f.Name, "attr_") {
			t.Errorf("%s: schema does not know %s", name, f.Name)
		}
	}
	b, err := Schema.Attrs.Encode(tree)
	if err != nil || !bytes.Equal(b, attrs) {
		t.Fatalf("%s: schema round trip: %v\n got %x\nwant %x", name, err, b, attrs)
	}
	return tree
}

func TestGoldenSetDevice(t *testing.T) {
	m, gm, js := golden(t, "set_device")
	if gm.Command != CmdSetDevice || gm.Version != Version {
		t.Fatalf("cmd %d version %d", gm.Command, gm.Version)
	}
	cfg, err := DecodeConfig(gm.Attrs)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "set_device", cfg, js)
	msgs, err := EncodeConfig(cfg, 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("EncodeConfig: %d messages, %v", len(msgs), err)
	}
	reencode(t, "set_device", m, gm, msgs[0])
	schemaRoundTrip(t, "set_device", gm.Attrs)
}

func TestGoldenGetDevice(t *testing.T) {
	m, gm, js := golden(t, "get_device_request")
	var want struct{ Ifname string }
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	attrs, err := EncodeGetRequest(want.Ifname)
	if err != nil {
		t.Fatal(err)
	}
	if gm.Command != CmdGetDevice || m.Header.Flags != codec.Request|codec.Dump {
		t.Fatalf("request cmd %d flags %#x", gm.Command, m.Header.Flags)
	}
	reencode(t, "get_device_request", m, gm, attrs)

	m, gm, js = golden(t, "get_device_reply")
	var d Device
	if err := DecodeDevice(gm.Attrs, &d); err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "get_device_reply", &d, js)
	if d.Peers[0].LastHandshake.Unix() != 1714564800 || d.Peers[0].LastHandshake.Nanosecond() != 5e8 ||
		!d.Peers[1].LastHandshake.IsZero() {
		t.Errorf("handshake times %v, %v", d.Peers[0].LastHandshake, d.Peers[1].LastHandshake)
	}
	attrs, err = AppendDevice(nil, &d)
	if err != nil {
		t.Fatal(err)
	}
	reencode(t, "get_device_reply", m, gm, attrs)
	tree := schemaRoundTrip(t, "get_device_reply", gm.Attrs)
	if v, _ := tree.Get("listen_port"); v != uint64(51820) {
		t.Errorf("schema listen_port = %v", v)
	}
}
