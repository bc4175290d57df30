package genl

import (
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
)

// kernelSeeds returns the generic netlink payloads of a hex file of
// kernel replies (see TestCaptureFuzzSeeds). gtest.Seeds does the same for
// the family packages; it cannot be imported from inside genl.
func kernelSeeds(tb testing.TB, path string) []Message {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var h strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "#") {
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
	var out []Message
	for _, m := range ms {
		if m.Header.Type >= 16 {
			gm, err := ParseMessage(m.Data)
			if err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			out = append(out, gm)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("%s: no messages", path)
	}
	return out
}

// FuzzControllerReply decodes controller replies (CTRL_CMD_NEWFAMILY and
// CTRL_CMD_GETPOLICY answers) as Families, Family and Policy do, and
// through the controller's schema as a generic Request does.
func FuzzControllerReply(f *testing.F) {
	for _, file := range []string{"testdata/kernel-families.hex", "testdata/kernel-policy.hex", "../../core/codec/testdata/genl_getfamily_netdev.reply.hex"} {
		for _, m := range kernelSeeds(f, file) {
			if m.Command == ctrlCmdNewFamily {
				if fam, err := decodeFamily(m.Attrs); err != nil || fam.Name == "" {
					f.Fatalf("%s: kernel seed does not decode: %+v %v", file, fam, err)
				}
			}
			f.Add(m.Command, m.Attrs)
		}
	}
	f.Fuzz(func(t *testing.T, cmd uint8, attrs []byte) {
		_, _ = decodeFamily(attrs)
		p := &Policy{Family: "fuzz", Sets: map[uint32]PolicySet{}, Ops: map[uint32]OpPolicy{}}
		_ = p.decode(attrs)
		if r, err := DecodeReply("nlctrl", CtrlSchema(), Message{Command: cmd, Attrs: attrs}); err == nil {
			_ = r.Attrs.String()
		}
	})
}
