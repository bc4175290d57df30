package nl80211

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// DecodeWiphy decodes one NEW_WIPHY message into w. With a split dump
// (NL80211_ATTR_SPLIT_WIPHY_DUMP) the kernel sends each wiphy as many
// messages, every one naming the wiphy, each with some of its attributes;
// a band may continue over several messages. Decoding all parts of one
// wiphy into the same w merges them.
func DecodeWiphy(attrs []byte, w *Wiphy) error {
	d := codec.NewDecoder(attrs)
	for d.Next() {
		switch d.Type() {
		case attrWiphy:
			w.Index = d.Uint32()
		case attrWiphyName:
			w.Name = d.String()
		case attrGeneration:
			w.Generation = d.Uint32()
		case attrMaxScanSSIDs:
			w.MaxScanSSIDs = d.Uint8()
		case attrMaxScanIELen:
			w.MaxScanIELen = d.Uint16()
		case attrRetryShort:
			w.RetryShort = d.Uint8()
		case attrRetryLong:
			w.RetryLong = d.Uint8()
		case attrFragThreshold:
			w.FragThreshold = d.Uint32()
		case attrRTSThreshold:
			w.RTSThreshold = d.Uint32()
		case attrSupportedIftypes:
			w.SupportedIftypes = appendIftypes(w.SupportedIftypes, d)
		case attrSoftwareIftypes:
			w.SoftwareIftypes = appendIftypes(w.SoftwareIftypes, d)
		case attrWiphyBands:
			d.NestedFunc(func(bd *codec.Decoder) error {
				for bd.Next() {
					b := w.band(named(bandNames(), uint64(bd.Type())))
					bd.NestedFunc(func(ad *codec.Decoder) error { return decodeBand(ad, b) })
				}
				return bd.Err()
			})
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("nl80211 wiphy: %w", err)
	}
	return nil
}

// band returns w's band called name, adding it if new.
func (w *Wiphy) band(name string) *Band {
	for i := range w.Bands {
		if w.Bands[i].Band == name {
			return &w.Bands[i]
		}
	}
	w.Bands = append(w.Bands, Band{Band: name})
	return &w.Bands[len(w.Bands)-1]
}

func appendIftypes(list []string, d *codec.Decoder) []string {
	d.NestedFunc(func(td *codec.Decoder) error {
		for td.Next() {
			n := IftypeName(uint32(td.Type()))
			dup := false
			for _, have := range list {
				dup = dup || have == n
			}
			if !dup {
				list = append(list, n)
			}
		}
		return td.Err()
	})
	return list
}

func decodeBand(d *codec.Decoder, b *Band) error {
	for d.Next() {
		switch d.Type() {
		case bandAttrFreqs:
			d.NestedFunc(func(fd *codec.Decoder) error {
				for fd.Next() {
					var f Frequency
					fd.NestedFunc(func(ad *codec.Decoder) error { return decodeFreq(ad, &f) })
					b.Frequencies = append(b.Frequencies, f)
				}
				return fd.Err()
			})
		case bandAttrRates:
			d.NestedFunc(func(rd *codec.Decoder) error {
				for rd.Next() {
					rd.NestedFunc(func(ad *codec.Decoder) error {
						for ad.Next() {
							if ad.Type() == bitrateAttrRate {
								b.Bitrates = append(b.Bitrates, ad.Uint32())
							}
						}
						return ad.Err()
					})
				}
				return rd.Err()
			})
		case bandAttrHTCapa:
			b.HTCapa = d.Uint16()
		case bandAttrVHTCap:
			b.VHTCapa = d.Uint32()
		}
	}
	return d.Err()
}

func decodeFreq(d *codec.Decoder, f *Frequency) error {
	for d.Next() {
		switch d.Type() {
		case freqAttrFreq:
			f.MHz = d.Uint32()
			f.Channel = Channel(f.MHz)
		case freqAttrDisabled:
			f.Disabled = true
		case freqAttrNoIR:
			f.NoIR = true
		case freqAttrRadar:
			f.Radar = true
		case freqAttrMaxTxPower:
			f.MaxTxPower = d.Uint32()
		}
	}
	return d.Err()
}
