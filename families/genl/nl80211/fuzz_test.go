package nl80211

import (
	"path/filepath"
	"testing"

	"github.com/nlsh/nlsh/families/genl/internal/gtest"
)

// FuzzDecode runs every nl80211 decoder over one attribute list: the
// seeds are the golden interface, scan result, station and wiphy
// messages.
func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob("testdata/*.hex")
	if err != nil || len(files) == 0 {
		f.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		for _, m := range gtest.Seeds(f, file) {
			f.Add(m.Attrs)
		}
	}
	f.Fuzz(func(t *testing.T, attrs []byte) {
		_, _ = DecodeInterface(attrs)
		if b, err := DecodeBSS(attrs); err == nil && b == nil {
			t.Fatal("nil BSS without an error")
		}
		_, _ = DecodeStation(attrs)
		var w Wiphy
		_ = DecodeWiphy(attrs, &w)
	})
}

// FuzzParseIEs parses information elements: a parse that succeeds
// accounts for every byte.
func FuzzParseIEs(f *testing.F) {
	f.Add([]byte{0, 8, 'n', 'l', 's', 'h', '-', 'n', 'e', 't', 1, 2, 0x82, 0x84})
	f.Add([]byte{0, 0})
	f.Add([]byte{0, 3, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		ies, err := ParseIEs(b)
		if err != nil {
			return
		}
		n := 0
		for _, ie := range ies {
			n += 2 + len(ie.Data)
		}
		if n != len(b) {
			t.Fatalf("%d IEs cover %d of %d bytes", len(ies), n, len(b))
		}
		if _, err := SSIDFromIEs(b); err != nil && len(ies) > 0 && ies[0].ID == 0 {
			t.Fatalf("SSID element first, but SSIDFromIEs fails: %v", err)
		}
	})
}
