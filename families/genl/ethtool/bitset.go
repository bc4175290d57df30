package ethtool

import (
	"encoding/binary"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// Bitset is an ethtool bitset (features, link modes, ...). A bitset with
// NoMask lists only the bits that are set; otherwise Bits are the bits of
// the mask, each on or off.
type Bitset struct {
	Size   uint32 `json:"size"`
	NoMask bool   `json:"nomask,omitempty"`
	Bits   []Bit  `json:"bits"`
}

// Bit is one bit of a bitset. Name is empty when the kernel sent the
// compact form and no string set was at hand to name it.
type Bit struct {
	Index uint32 `json:"index"`
	Name  string `json:"name,omitempty"`
	On    bool   `json:"on"`
}

// Lookup returns the bit called name.
func (b *Bitset) Lookup(name string) (Bit, bool) {
	for _, x := range b.Bits {
		if x.Name == name {
			return x, true
		}
	}
	return Bit{}, false
}

// Has reports whether the bit called name is listed and on.
func (b *Bitset) Has(name string) bool {
	x, ok := b.Lookup(name)
	return ok && x.On
}

// decodeBitset reads a bitset in either form. names (may be nil) names
// the bits of a compact bitset by index.
func decodeBitset(data []byte, names []string) (Bitset, error) {
	var bs Bitset
	var value, mask []byte
	compact := false
	d := codec.NewDecoder(data)
	for d.Next() {
		switch d.Type() {
		case bitsetNoMask:
			bs.NoMask = true
		case bitsetSize:
			bs.Size = d.Uint32()
		case bitsetValue:
			value, compact = d.Bytes(), true
		case bitsetMask:
			mask = d.Bytes()
		case bitsetBits:
			d.NestedFunc(func(bd *codec.Decoder) error {
				for bd.Next() {
					if bd.Type() != bitsetBitsBit {
						continue
					}
					var b Bit
					valued := false
					bd.NestedFunc(func(xd *codec.Decoder) error {
						for xd.Next() {
							switch xd.Type() {
							case bitIndex:
								b.Index = xd.Uint32()
							case bitName:
								b.Name = xd.String()
							case bitValue:
								valued = true
							}
						}
						return nil
					})
					b.On = valued
					bs.Bits = append(bs.Bits, b)
				}
				return nil
			})
		}
	}
	if err := d.Err(); err != nil {
		return Bitset{}, fmt.Errorf("bitset: %w", err)
	}
	if !compact {
		if bs.NoMask {
			for i := range bs.Bits {
				bs.Bits[i].On = true
			}
		}
		return bs, nil
	}
	bit := func(b []byte, i uint32) bool {
		w := int(i / 32)
		if 4*w+4 > len(b) {
			return false
		}
		return binary.LittleEndian.Uint32(b[4*w:])&(1<<(i%32)) != 0
	}
	// Bits past the end of the mask (or of the value, without one) are
	// off: stop there, not at a Size the message may set to 2^32-1.
	n := bs.Size
	if have := uint64(len(mask)) * 8; !bs.NoMask && uint64(n) > have {
		n = uint32(have)
	} else if have := uint64(len(value)) * 8; bs.NoMask && uint64(n) > have {
		n = uint32(have)
	}
	for i := uint32(0); i < n; i++ {
		inMask := bit(value, i)
		if !bs.NoMask {
			inMask = bit(mask, i)
		}
		if !inMask {
			continue
		}
		b := Bit{Index: i, On: bit(value, i)}
		if int(i) < len(names) {
			b.Name = names[i]
		}
		bs.Bits = append(bs.Bits, b)
	}
	return bs, nil
}

// appendBitsetVerbose puts bs as a verbose bitset nest of type typ: each
// bit by name (or by index when unnamed), with the VALUE flag when on.
func appendBitsetVerbose(e *codec.Encoder, typ uint16, bs *Bitset) {
	e.Begin(typ)
	if bs.NoMask {
		e.Flag(bitsetNoMask)
	}
	if bs.Size != 0 {
		e.Uint32(bitsetSize, bs.Size)
	}
	e.Begin(bitsetBits)
	for _, b := range bs.Bits {
		e.Begin(bitsetBitsBit)
		if b.Name != "" {
			e.String(bitName, b.Name)
		} else {
			e.Uint32(bitIndex, b.Index)
		}
		if b.On {
			e.Flag(bitValue)
		}
		e.End()
	}
	e.End()
	e.End()
}

// appendBitsetCompact puts bs as a compact bitset nest of type typ: SIZE,
// VALUE and (unless NoMask) MASK as arrays of 32-bit words. Bits are
// placed by Index.
func appendBitsetCompact(e *codec.Encoder, typ uint16, bs *Bitset) error {
	words := (bs.Size + 31) / 32
	value, mask := make([]byte, 4*words), make([]byte, 4*words)
	for _, b := range bs.Bits {
		if b.Index >= bs.Size {
			return fmt.Errorf("bit %d (%s) beyond bitset size %d", b.Index, b.Name, bs.Size)
		}
		w := 4 * (b.Index / 32)
		m := uint32(1) << (b.Index % 32)
		binary.LittleEndian.PutUint32(mask[w:], binary.LittleEndian.Uint32(mask[w:])|m)
		if b.On {
			binary.LittleEndian.PutUint32(value[w:], binary.LittleEndian.Uint32(value[w:])|m)
		}
	}
	e.Begin(typ)
	if bs.NoMask {
		e.Flag(bitsetNoMask)
	}
	e.Uint32(bitsetSize, bs.Size)
	e.Bytes(bitsetValue, value)
	if !bs.NoMask {
		e.Bytes(bitsetMask, mask)
	}
	e.End()
	return nil
}
