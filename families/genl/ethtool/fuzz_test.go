package ethtool

import (
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
)

// fuzzNames is a short string set, so that random bit indexes both hit
// and miss names.
var fuzzNames = []string{"rx-checksum", "tx-checksum-ipv4", "", "sg", "tso", "gro"}

// seedReplies adds every reply attribute list in the files to f.
func seedReplies(f *testing.F, files ...string) [][]byte {
	var out [][]byte
	for _, file := range files {
		for _, m := range gtest.Seeds(f, file) {
			out = append(out, m.Attrs)
		}
	}
	return out
}

// FuzzDecodeBitset decodes one bitset nest (compact or verbose) with and
// without names, seeded with every nest of real feature and link-mode
// replies.
func FuzzDecodeBitset(f *testing.F) {
	for _, attrs := range seedReplies(f, "testdata/kernel-features.hex", "testdata/kernel-features-compact.hex", "testdata/kernel-linkmodes.hex") {
		d := codec.NewDecoder(attrs)
		for d.Next() {
			f.Add(d.Bytes())
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, names := range [][]string{nil, fuzzNames} {
			b, err := decodeBitset(data, names)
			if err != nil {
				continue
			}
			for _, bit := range b.Bits {
				if bit.Name == "" {
					continue
				}
				if _, ok := b.Lookup(bit.Name); !ok {
					t.Fatalf("bit %d named %q but Lookup does not find it", bit.Index, bit.Name)
				}
			}
		}
	})
}

// FuzzReplies decodes whole ethtool replies through every decoder a GET
// uses: features, link modes, string sets and the flat schemas.
func FuzzReplies(f *testing.F) {
	for _, attrs := range seedReplies(f, "testdata/kernel-features.hex", "testdata/kernel-features-compact.hex",
		"testdata/kernel-linkmodes.hex", "testdata/kernel-linkinfo.hex", "testdata/kernel-channels.hex", "testdata/kernel-strset.hex") {
		f.Add(attrs)
	}
	f.Fuzz(func(t *testing.T, attrs []byte) {
		_, _ = decodeFeatures(attrs, fuzzNames)
		_, _ = decodeLinkModes(attrs)
		var names []string
		_ = decodeStringSet(attrs, 0, &names)
		_ = decodeFlat(linkinfoSchema(), attrs, &LinkInfo{})
		_ = decodeFlat(channelsSchema(), attrs, &Channels{})
		_ = decodeFlat(ringsSchema(), attrs, &Rings{})
		_ = decodeFlat(coalesceSchema(), attrs, &Coalesce{})
		_ = decodeFlat(pauseSchema(), attrs, &Pause{})
		_ = decodeFlat(linkstateSchema(), attrs, &LinkState{})
	})
}
