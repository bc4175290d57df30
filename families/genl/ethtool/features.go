package ethtool

import (
	"context"
	"fmt"
	"sort"

	"github.com/nlsh/nlsh/core/codec"
)

// Features are a device's netdev features (`ethtool -k`): the ones the
// hardware can change (HW), the ones asked for (Wanted), the ones in
// effect (Active) and the ones that can never change (NoChange). The
// kernel sends each as the list of its set bits.
type Features struct {
	Header
	HW       Bitset `json:"hw"`
	Wanted   Bitset `json:"wanted"`
	Active   Bitset `json:"active"`
	NoChange Bitset `json:"nochange"`
	// Names are all feature names by bit index, when known.
	Names []string `json:"-"`
}

// Feature is one feature as `ethtool -k` prints it: "name: on [fixed]".
type Feature struct {
	Name  string `json:"name"`
	On    bool   `json:"on"`
	Fixed bool   `json:"fixed"`
	// Requested is set when the feature is wanted but not active
	// ("[requested on]").
	Requested bool `json:"requested,omitempty"`
}

// Feature returns the state of the feature called name.
func (f *Features) Feature(name string) Feature {
	on := f.Active.Has(name)
	return Feature{
		Name:      name,
		On:        on,
		Fixed:     !f.HW.Has(name) || f.NoChange.Has(name),
		Requested: f.Wanted.Has(name) && !on,
	}
}

// List returns every feature by name in bit order (all of them when the
// names are known, else those named in any of the sets).
func (f *Features) List() []Feature {
	names := f.Names
	if len(names) == 0 {
		seen := map[string]uint32{}
		for _, bs := range []*Bitset{&f.HW, &f.Wanted, &f.Active, &f.NoChange} {
			for _, b := range bs.Bits {
				if b.Name != "" {
					seen[b.Name] = b.Index
				}
			}
		}
		for n := range seen {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return seen[names[i]] < seen[names[j]] })
	}
	out := make([]Feature, 0, len(names))
	for _, n := range names {
		if n != "" {
			out = append(out, f.Feature(n))
		}
	}
	return out
}

// Features reads dev's features. It asks for compact bitsets and names the
// bits from the features string set.
func (c *Client) Features(ctx context.Context, dev Device) (*Features, error) {
	names, err := c.StringSet(ctx, dev, StringSetFeatures)
	if err != nil {
		return nil, err
	}
	attrs, err := c.get(ctx, MsgFeaturesGet, dev, FlagCompactBitsets)
	if err != nil {
		return nil, err
	}
	return decodeFeatures(attrs, names)
}

// FeaturesVerbose reads dev's features in the verbose bitset form, where
// the kernel names every bit itself (one request, larger reply).
func (c *Client) FeaturesVerbose(ctx context.Context, dev Device) (*Features, error) {
	attrs, err := c.get(ctx, MsgFeaturesGet, dev, 0)
	if err != nil {
		return nil, err
	}
	return decodeFeatures(attrs, nil)
}

func decodeFeatures(attrs []byte, names []string) (*Features, error) {
	f := &Features{Names: names}
	d := codec.NewDecoder(attrs)
	for d.Next() {
		var dst *Bitset
		switch d.Type() {
		case featuresHeader:
			f.Header = decodeHeader(d)
			continue
		case featuresHW:
			dst = &f.HW
		case featuresWanted:
			dst = &f.Wanted
		case featuresActive:
			dst = &f.Active
		case featuresNoChange:
			dst = &f.NoChange
		default:
			continue
		}
		bs, err := decodeBitset(d.Bytes(), names)
		if err != nil {
			return nil, fmt.Errorf("ethtool features: %w", err)
		}
		*dst = bs
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("ethtool features: %w", err)
	}
	return f, nil
}

// EncodeSetFeatures encodes an ETHTOOL_MSG_FEATURES_SET request turning
// the named features on or off (a verbose WANTED bitset with a mask: only
// the listed features change), in name order.
func EncodeSetFeatures(dev Device, set map[string]bool) ([]byte, error) {
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	bs := Bitset{}
	for _, n := range names {
		bs.Bits = append(bs.Bits, Bit{Name: n, On: set[n]})
	}
	e := codec.NewEncoder(nil)
	appendHeader(e, featuresHeader, dev, 0)
	appendBitsetVerbose(e, featuresWanted, &bs)
	return e.Encode()
}

// SetFeatures turns the named features on or off (`ethtool -K`). It
// returns an error naming the features the kernel could not set as asked.
func (c *Client) SetFeatures(ctx context.Context, dev Device, set map[string]bool) error {
	attrs, err := EncodeSetFeatures(dev, set)
	if err != nil {
		return err
	}
	msgs, err := c.g.Do(ctx, FamilyName, MsgFeaturesSet, 0, attrs)
	if err != nil {
		return fmt.Errorf("ethtool: %s set features: %w", dev.label(), err)
	}
	// The reply (without OMIT_REPLY) carries WANTED as the bits that
	// differ from what was asked, and ACTIVE as the resulting values.
	for _, m := range msgs {
		f, err := decodeFeatures(m.Attrs, nil)
		if err != nil {
			return err
		}
		var failed []string
		for _, b := range f.Wanted.Bits {
			if _, asked := set[b.Name]; asked {
				failed = append(failed, b.Name)
			}
		}
		if len(failed) > 0 {
			return fmt.Errorf("ethtool: %s: features not changed as asked: %v", dev.label(), failed)
		}
	}
	return nil
}
