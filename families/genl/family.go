package genl

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// Family is a generic netlink family as the controller describes it.
type Family struct {
	ID      uint16  `json:"id"`
	Name    string  `json:"name"`
	Version uint32  `json:"version"`
	HdrSize uint32  `json:"hdrsize"`
	MaxAttr uint32  `json:"maxattr"`
	Ops     []Op    `json:"ops,omitempty"`
	Groups  []Group `json:"mcast_groups,omitempty"`
}

// Op is one command a family supports, with its GENL_* flags.
type Op struct {
	ID    uint32 `json:"id"`
	Flags uint32 `json:"flags"`
}

// Names returns the op's flag names ("do", "dump", ...).
func (o Op) Names() []string { return OpFlagNames(o.Flags) }

// Group is a multicast group of a family.
type Group struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
}

// Group returns the multicast group called name, if the family has it.
func (f *Family) Group(name string) (Group, bool) {
	for _, g := range f.Groups {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// decodeFamily decodes the attributes of a CTRL_CMD_NEWFAMILY message.
func decodeFamily(attrs []byte) (Family, error) {
	var f Family
	d := codec.NewDecoder(attrs)
	for d.Next() {
		switch d.Type() {
		case ctrlAttrFamilyID:
			f.ID = d.Uint16()
		case ctrlAttrFamilyName:
			f.Name = d.String()
		case ctrlAttrVersion:
			f.Version = d.Uint32()
		case ctrlAttrHdrSize:
			f.HdrSize = d.Uint32()
		case ctrlAttrMaxAttr:
			f.MaxAttr = d.Uint32()
		case ctrlAttrOps:
			d.NestedFunc(func(nd *codec.Decoder) error {
				for nd.Next() {
					var op Op
					nd.NestedFunc(func(od *codec.Decoder) error {
						for od.Next() {
							switch od.Type() {
							case ctrlAttrOpID:
								op.ID = od.Uint32()
							case ctrlAttrOpFlags:
								op.Flags = od.Uint32()
							}
						}
						return nil
					})
					f.Ops = append(f.Ops, op)
				}
				return nil
			})
		case ctrlAttrMcastGroups:
			d.NestedFunc(func(nd *codec.Decoder) error {
				for nd.Next() {
					var g Group
					nd.NestedFunc(func(gd *codec.Decoder) error {
						for gd.Next() {
							switch gd.Type() {
							case ctrlAttrMcastGrpName:
								g.Name = gd.String()
							case ctrlAttrMcastGrpID:
								g.ID = gd.Uint32()
							}
						}
						return nil
					})
					f.Groups = append(f.Groups, g)
				}
				return nil
			})
		}
	}
	if err := d.Err(); err != nil {
		return Family{}, fmt.Errorf("nlctrl family: %w", err)
	}
	if f.Name == "" || f.ID == 0 {
		return Family{}, fmt.Errorf("nlctrl family without name or id")
	}
	return f, nil
}
