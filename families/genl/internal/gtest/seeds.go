package gtest

import (
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// Seeds reads a hex file of kernel messages (lines starting with # are
// comments, whitespace is ignored) and returns their generic netlink
// payloads, for fuzz targets to start from. It fails tb when the file is
// missing, malformed or empty.
func Seeds(tb testing.TB, path string) []genl.Message {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var h strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			h.WriteString(strings.Join(strings.Fields(line), ""))
		}
	}
	b, err := hex.DecodeString(h.String())
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	ms, err := codec.ParseMessages(b)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	var out []genl.Message
	for _, m := range ms {
		if m.Header.Type < 16 {
			continue // NLMSG_DONE and acks
		}
		gm, err := genl.ParseMessage(m.Data)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, gm)
	}
	if len(out) == 0 {
		tb.Fatalf("%s: no generic netlink messages", path)
	}
	return out
}
