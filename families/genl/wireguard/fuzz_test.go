package wireguard

import (
	"bytes"
	"testing"

	"github.com/nlsh/nlsh/families/genl/internal/gtest"
)

var wgSeedFiles = []string{"testdata/get_device_reply.hex", "testdata/get_device_request.hex", "testdata/set_device.hex"}

// FuzzDecodeDevice decodes a WG_CMD_GET_DEVICE reply; whatever decodes
// must encode again, and that encoding must decode to the same bytes.
func FuzzDecodeDevice(f *testing.F) {
	for _, file := range wgSeedFiles {
		for _, m := range gtest.Seeds(f, file) {
			f.Add(m.Attrs)
		}
	}
	f.Fuzz(func(t *testing.T, attrs []byte) {
		var d Device
		if DecodeDevice(attrs, &d) != nil {
			return
		}
		b, err := AppendDevice(nil, &d)
		if err != nil {
			return // a decoded device the encoder refuses (a limit) is fine
		}
		var again Device
		if err := DecodeDevice(b, &again); err != nil {
			t.Fatalf("re-encoded device does not decode: %v", err)
		}
		b2, err := AppendDevice(nil, &again)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("device encoding not stable: %v", err)
		}
	})
}

// FuzzDecodeConfig decodes a WG_CMD_SET_DEVICE request as the fake and
// replay paths read it.
func FuzzDecodeConfig(f *testing.F) {
	for _, file := range wgSeedFiles {
		for _, m := range gtest.Seeds(f, file) {
			f.Add(m.Attrs)
		}
	}
	f.Fuzz(func(t *testing.T, attrs []byte) {
		cfg, err := DecodeConfig(attrs)
		if err == nil && cfg == nil {
			t.Fatal("nil config without an error")
		}
	})
}

// FuzzParseKey: a key that parses prints as the text it came from.
func FuzzParseKey(f *testing.F) {
	f.Add("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=")
	f.Add("")
	f.Add("====")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err == nil && k.String() != s {
			t.Fatalf("ParseKey(%q) prints as %q", s, k.String())
		}
	})
}
