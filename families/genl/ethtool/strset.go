package ethtool

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// String set ids (ETH_SS_*) used here.
const (
	StringSetFeatures  = 4 // ETH_SS_FEATURES: netdev feature names
	StringSetLinkModes = 9 // ETH_SS_LINK_MODES
)

const (
	strsetHeader     = 1
	strsetStringsets = 2
	strsetStringset  = 1
	stringsetID      = 1
	stringsetCount   = 2
	stringsetStrings = 3
	stringsString    = 1
	stringIndex      = 1
	stringValue      = 2
)

// StringSet reads string set id of dev (ETHTOOL_MSG_STRSET_GET): names by
// index, as compact bitsets number them.
func (c *Client) StringSet(ctx context.Context, dev Device, id uint32) ([]string, error) {
	e := codec.NewEncoder(nil)
	appendHeader(e, strsetHeader, dev, 0)
	e.Begin(strsetStringsets)
	e.Begin(strsetStringset)
	e.Uint32(stringsetID, id)
	e.End()
	e.End()
	attrs, err := e.Encode()
	if err != nil {
		return nil, err
	}
	msgs, err := c.g.Do(ctx, FamilyName, MsgStrsetGet, 0, attrs)
	if err != nil {
		return nil, fmt.Errorf("ethtool: %s string set %d: %w", dev.label(), id, err)
	}
	var names []string
	for _, m := range msgs {
		if err := decodeStringSet(m.Attrs, id, &names); err != nil {
			return nil, fmt.Errorf("ethtool: string set %d: %w", id, err)
		}
	}
	return names, nil
}

func decodeStringSet(attrs []byte, id uint32, names *[]string) error {
	d := codec.NewDecoder(attrs)
	for d.Next() {
		if d.Type() != strsetStringsets {
			continue
		}
		d.NestedFunc(func(sd *codec.Decoder) error {
			for sd.Next() {
				sd.NestedFunc(func(xd *codec.Decoder) error {
					var sid uint32
					var strs []byte
					for xd.Next() {
						switch xd.Type() {
						case stringsetID:
							sid = xd.Uint32()
						case stringsetStrings:
							strs = xd.Bytes()
						}
					}
					if sid != id || strs == nil {
						return nil
					}
					ld := codec.NewDecoder(strs)
					for ld.Next() {
						var idx uint32
						var val string
						ld.NestedFunc(func(vd *codec.Decoder) error {
							for vd.Next() {
								switch vd.Type() {
								case stringIndex:
									idx = vd.Uint32()
								case stringValue:
									val = vd.String()
								}
							}
							return nil
						})
						if idx > 1<<16 {
							return fmt.Errorf("string index %d", idx)
						}
						for uint32(len(*names)) <= idx {
							*names = append(*names, "")
						}
						(*names)[idx] = val
					}
					return ld.Err()
				})
			}
			return nil
		})
	}
	return d.Err()
}
