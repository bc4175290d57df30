package netdev

import (
	"testing"

	"github.com/nlsh/nlsh/families/genl/internal/gtest"
)

// FuzzDecode decodes DEV_GET replies, seeded with a real dump; a device
// that decodes has an ifindex and a name for every feature bit.
func FuzzDecode(f *testing.F) {
	for _, m := range gtest.Seeds(f, "testdata/kernel-devices.hex") {
		if _, err := Decode(m.Attrs); err != nil {
			f.Fatalf("kernel seed does not decode: %v", err)
		}
		f.Add(m.Attrs)
	}
	f.Fuzz(func(t *testing.T, attrs []byte) {
		d, err := Decode(attrs)
		if err != nil {
			return
		}
		if d.Ifindex == 0 {
			t.Fatal("device without ifindex decoded")
		}
		for _, n := range d.XDPFeatures {
			if n == "" {
				t.Fatal("unnamed feature bit")
			}
		}
	})
}
