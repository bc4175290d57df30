package ethtool

import (
	"context"
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
)

func TestBitsetForms(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	want := Bitset{Size: 40, Bits: []Bit{{Index: 1, Name: "b", On: true}, {Index: 3, Name: "d"}, {Index: 35, On: true}}}
	for _, form := range []string{"compact", "verbose"} {
		e := codec.NewEncoder(nil)
		if form == "compact" {
			if err := appendBitsetCompact(e, 7, &want); err != nil {
				t.Fatal(err)
			}
		} else {
			v := want
			v.Bits = []Bit{{Index: 1, Name: "b", On: true}, {Index: 3, Name: "d"}, {Index: 35, On: true}}
			appendBitsetVerbose(e, 7, &v)
		}
		b, _ := e.Encode()
		d := codec.NewDecoder(b)
		d.Next()
		got, err := decodeBitset(d.Bytes(), names)
		if err != nil {
			t.Fatal(err)
		}
		if got.Size != 40 || len(got.Bits) != 3 || !got.Has("b") || got.Has("d") {
			t.Fatalf("%s: %+v", form, got)
		}
		if x, ok := got.Lookup("d"); !ok || x.On || x.Index != 3 && form == "compact" {
			t.Fatalf("%s: bit d %+v %v", form, x, ok)
		}
		if !got.Bits[2].On {
			t.Fatalf("%s: bit 35 %+v", form, got.Bits[2])
		}
	}
	// NoMask compact: only set bits are listed, all on.
	e := codec.NewEncoder(nil)
	if err := appendBitsetCompact(e, 7, &Bitset{Size: 8, NoMask: true, Bits: []Bit{{Index: 2, On: true}, {Index: 6, On: true}}}); err != nil {
		t.Fatal(err)
	}
	b, _ := e.Encode()
	d := codec.NewDecoder(b)
	d.Next()
	got, err := decodeBitset(d.Bytes(), names)
	if err != nil || len(got.Bits) != 2 || !got.Has("c") || !got.Has("g") {
		t.Fatalf("nomask: %+v %v", got, err)
	}
	if err := appendBitsetCompact(codec.NewEncoder(nil), 7, &Bitset{Size: 4, Bits: []Bit{{Index: 9}}}); err == nil {
		t.Fatal("bit beyond size accepted")
	}
}

// The set request goes out as a verbose WANTED bitset with a mask, and a
// set the kernel did not fully apply is an error.
func TestSetFeaturesRequest(t *testing.T) {
	fake := &gtest.Fake{Handle: func(m codec.Message) ([]codec.Message, error) {
		if m.Header.Type == genl.IDCtrl {
			a, _ := genl.CtrlSchema().Attrs.EncodeMap(map[string]any{"family_id": 0x15, "family_name": "ethtool", "version": 1})
			return []codec.Message{genl.NetlinkMessage(genl.IDCtrl, 0, genl.Message{Command: 1, Attrs: a})}, nil
		}
		gm, _ := genl.ParseMessage(m.Data)
		tree, err := featuresSchema().Decode(gm.Attrs)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := tree.Get("wanted")
		bits, _ := w.(*codec.Tree).Get("bits")
		if n := len(bits.([]*codec.Tree)); n != 2 {
			t.Fatalf("wanted has %d bits", n)
		}
		// Reply: rx-gro could not be changed.
		e := codec.NewEncoder(nil)
		appendBitsetVerbose(e, featuresWanted, &Bitset{Bits: []Bit{{Name: "rx-gro", On: true}}, NoMask: true})
		b, _ := e.Encode()
		return []codec.Message{genl.NetlinkMessage(0x15, 0, genl.Message{Command: MsgFeaturesSetReply, Attrs: b})}, nil
	}}
	c := New(genl.New(fake))
	err := c.SetFeatures(context.Background(), Device{Name: "v0"}, map[string]bool{"rx-gro": true, "tx-sg": false})
	if err == nil {
		t.Fatal("unapplied feature not reported")
	}
}
