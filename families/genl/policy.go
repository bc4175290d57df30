package genl

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// Policy attribute types (NL_POLICY_TYPE_ATTR_*).
const (
	policyAttrType           = 1
	policyAttrMinS           = 2
	policyAttrMaxS           = 3
	policyAttrMinU           = 4
	policyAttrMaxU           = 5
	policyAttrMinLen         = 6
	policyAttrMaxLen         = 7
	policyAttrPolicyIdx      = 8
	policyAttrPolicyMaxType  = 9
	policyAttrBitfield32Mask = 10
	policyAttrMask           = 12
)

// policyTypeNames are the NL_ATTR_TYPE_* values, as a policy dump names
// an attribute's type.
var policyTypeNames = sync.OnceValue(func() map[uint64]string {
	return map[uint64]string{
		0: "invalid", 1: "flag", 2: "u8", 3: "u16", 4: "u32", 5: "u64",
		6: "s8", 7: "s16", 8: "s32", 9: "s64", 10: "binary", 11: "string",
		12: "nul-string", 13: "nested", 14: "nested-array", 15: "bitfield32",
		16: "sint", 17: "uint",
	}
})

// Policy is a family's attribute policy as CTRL_CMD_GETPOLICY dumps it:
// numbered attribute sets (index 0 is the top level), and for each command
// the set its do and dump requests are checked against.
type Policy struct {
	Family string               `json:"family"`
	Sets   map[uint32]PolicySet `json:"sets"`
	Ops    map[uint32]OpPolicy  `json:"ops,omitempty"`
}

// PolicySet is one numbered attribute set of a policy, by attribute type.
type PolicySet map[uint16]AttrPolicy

// OpPolicy names the policy sets of one command's do and dump requests.
type OpPolicy struct {
	Do      uint32 `json:"do"`
	HasDo   bool   `json:"has_do"`
	Dump    uint32 `json:"dump"`
	HasDump bool   `json:"has_dump"`
}

// AttrPolicy is what the kernel accepts for one attribute. Pointer fields
// are nil when the kernel states no such limit.
type AttrPolicy struct {
	Type          string  `json:"type"`
	MinValueS     *int64  `json:"min_value_s,omitempty"`
	MaxValueS     *int64  `json:"max_value_s,omitempty"`
	MinValueU     *uint64 `json:"min_value_u,omitempty"`
	MaxValueU     *uint64 `json:"max_value_u,omitempty"`
	MinLength     *uint32 `json:"min_length,omitempty"`
	MaxLength     *uint32 `json:"max_length,omitempty"`
	NestedSet     *uint32 `json:"policy_idx,omitempty"`
	NestedMaxType *uint32 `json:"policy_maxtype,omitempty"`
	Mask          *uint64 `json:"mask,omitempty"`
}

// Attrs returns the attribute types of a set in increasing order.
func (s PolicySet) Attrs() []uint16 {
	ts := make([]uint16, 0, len(s))
	for t := range s {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts
}

// Policy dumps the attribute policy of family (CTRL_CMD_GETPOLICY). Kernels
// older than 5.8, and families that declare no policy, answer with an
// error (EOPNOTSUPP, ENODATA or similar), returned as it is.
func (c *Client) Policy(ctx context.Context, family string) (*Policy, error) {
	e := codec.NewEncoder(nil)
	e.String(ctrlAttrFamilyName, family)
	attrs, err := e.Encode()
	if err != nil {
		return nil, err
	}
	p := &Policy{Family: family, Sets: map[uint32]PolicySet{}, Ops: map[uint32]OpPolicy{}}
	err = c.conn.Dump(ctx, NetlinkMessage(IDCtrl, 0, Message{Command: ctrlCmdGetPolicy, Version: 2, Attrs: attrs}), func(m codec.Message) error {
		gm, err := ParseMessage(m.Data)
		if err != nil {
			return err
		}
		return p.decode(gm.Attrs)
	})
	if err != nil {
		return nil, opError(err, CtrlName, CtrlSchema(), ctrlCmdGetPolicy)
	}
	return p, nil
}

func (p *Policy) decode(attrs []byte) error {
	d := codec.NewDecoder(attrs)
	for d.Next() {
		switch d.Type() {
		case ctrlAttrPolicy:
			d.NestedFunc(func(sd *codec.Decoder) error {
				for sd.Next() {
					idx := uint32(sd.Type())
					set := p.Sets[idx]
					if set == nil {
						set = PolicySet{}
						p.Sets[idx] = set
					}
					sd.NestedFunc(func(ad *codec.Decoder) error {
						for ad.Next() {
							var ap AttrPolicy
							ad.NestedFunc(func(fd *codec.Decoder) error {
								decodeAttrPolicy(fd, &ap)
								return nil
							})
							set[ad.Type()] = ap
						}
						return nil
					})
				}
				return nil
			})
		case ctrlAttrOpPolicy:
			d.NestedFunc(func(od *codec.Decoder) error {
				for od.Next() {
					cmd := uint32(od.Type())
					var op OpPolicy
					od.NestedFunc(func(pd *codec.Decoder) error {
						for pd.Next() {
							switch pd.Type() {
							case ctrlAttrPolicyDo:
								op.Do, op.HasDo = pd.Uint32(), true
							case ctrlAttrPolicyDump:
								op.Dump, op.HasDump = pd.Uint32(), true
							}
						}
						return nil
					})
					p.Ops[cmd] = op
				}
				return nil
			})
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("policy of %s: %w", p.Family, err)
	}
	return nil
}

func decodeAttrPolicy(d *codec.Decoder, ap *AttrPolicy) {
	u32 := func() *uint32 { v := d.Uint32(); return &v }
	u64 := func() *uint64 { v := d.Uint64(); return &v }
	for d.Next() {
		switch d.Type() {
		case policyAttrType:
			t := uint64(d.Uint32())
			if n, ok := policyTypeNames()[t]; ok {
				ap.Type = n
			} else {
				ap.Type = fmt.Sprintf("type(%d)", t)
			}
		case policyAttrMinS:
			v := int64(d.Uint64())
			ap.MinValueS = &v
		case policyAttrMaxS:
			v := int64(d.Uint64())
			ap.MaxValueS = &v
		case policyAttrMinU:
			ap.MinValueU = u64()
		case policyAttrMaxU:
			ap.MaxValueU = u64()
		case policyAttrMinLen:
			ap.MinLength = u32()
		case policyAttrMaxLen:
			ap.MaxLength = u32()
		case policyAttrPolicyIdx:
			ap.NestedSet = u32()
		case policyAttrPolicyMaxType:
			ap.NestedMaxType = u32()
		case policyAttrBitfield32Mask:
			v := uint64(d.Uint32())
			ap.Mask = &v
		case policyAttrMask:
			ap.Mask = u64()
		}
	}
}
