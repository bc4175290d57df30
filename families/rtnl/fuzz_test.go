package rtnl

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// kernelSeeds returns the messages of testdata/kernel-NAME.hex, replies a
// real kernel sent (see TestCaptureFuzzSeeds).
func kernelSeeds(tb testing.TB, name string) []codec.Message {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "kernel-"+name+".hex"))
	if err != nil {
		tb.Fatal(err)
	}
	var h strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "#") {
			h.WriteString(strings.TrimSpace(line))
		}
	}
	b, err := hex.DecodeString(h.String())
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	ms, err := codec.ParseMessages(b)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	if len(ms) == 0 {
		tb.Fatalf("%s: no messages", name)
	}
	return ms
}

var errNilObject = errors.New("decoded to nil without an error")

// fuzzDecoder is a fuzz target for one object decoder: every seed must
// decode, random bytes must not panic, and whatever decodes must print
// through the protocol's schemas.
func fuzzDecoder(f *testing.F, seeds string, typ uint16, decode func(codec.Message) error) {
	n := 0
	for _, m := range kernelSeeds(f, seeds) {
		if m.Header.Type != typ {
			continue // a link dump the listing made to name devices
		}
		n++
		if err := decode(m); err != nil {
			f.Fatalf("kernel seed does not decode: %v", err)
		}
		f.Add(m.Data)
	}
	if n == 0 {
		f.Fatalf("no %s seeds of type %d", seeds, typ)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := codec.Message{Header: codec.Header{Type: typ, Len: uint32(codec.HeaderLen + len(data))}, Data: data}
		if decode(m) == nil {
			_ = Protocol().Format(m, true)
		}
	})
}

func FuzzDecodeLink(f *testing.F) {
	fuzzDecoder(f, "links", rtmNewLink, func(m codec.Message) error {
		l, err := decodeLink(m.Data)
		if err == nil && l == nil {
			return errNilObject
		}
		return err
	})
}

func FuzzDecodeAddr(f *testing.F) {
	fuzzDecoder(f, "addrs", rtmNewAddr, func(m codec.Message) error {
		a, err := DecodeAddr(m)
		if err == nil {
			_ = a.object()
		}
		return err
	})
}

func FuzzDecodeRoute(f *testing.F) {
	fuzzDecoder(f, "routes", rtmNewRoute, func(m codec.Message) error {
		_, err := DecodeRoute(m)
		return err
	})
}

func FuzzDecodeNeigh(f *testing.F) {
	fuzzDecoder(f, "neighs", rtmNewNeigh, func(m codec.Message) error {
		_, err := DecodeNeigh(m)
		return err
	})
}

func FuzzDecodeRule(f *testing.F) {
	fuzzDecoder(f, "rules", rtmNewRule, func(m codec.Message) error {
		_, err := DecodeRule(m)
		return err
	})
}

// FuzzMonitorEvent feeds whole event datagrams, as a monitor receives
// them, to the event decoder and the trace formatter.
func FuzzMonitorEvent(f *testing.F) {
	for _, name := range []string{"links", "addrs", "routes", "neighs", "rules"} {
		for _, m := range kernelSeeds(f, name) {
			f.Add(m.Append(nil))
		}
	}
	f.Fuzz(func(t *testing.T, datagram []byte) {
		it := codec.NewMessageIter(datagram)
		for it.Next() {
			m := it.Message()
			ev, err := decodeEvent(m)
			if err == nil && ev.Object == nil {
				t.Fatalf("%s decoded without an object", ev.Type)
			}
			_ = Protocol().Format(m, false)
		}
	})
}
